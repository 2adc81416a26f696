"""minusma: an offline, sourced fact reference for the UN mission in Mali (MINUSMA)."""

__version__ = "0.3.0"
