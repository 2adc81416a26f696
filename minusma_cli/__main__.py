"""Allow ``python -m minusma_cli``."""

from minusma_cli.entry import main

if __name__ == "__main__":
    main()
