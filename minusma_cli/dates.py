"""Partial dates: a day (``2013-04-25``), a month (``"2013-07"``) or a year (``"2013"``).

Dates travel through the program as ISO strings, which sort and compare as text.
A partial date stands for its whole period: ``"2015"`` spans 2015-01-01 to
2015-12-31, and sorts before ``2015-01-01`` (see :func:`sort_key`).
"""

from __future__ import annotations

import datetime as _dt
import re

_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?")  # not \d: no other scripts' digits


def parse_iso(text: str) -> str | None:
    """Return the canonical ISO form of a year, month or day, or None if invalid."""
    match = _PARTIAL.fullmatch(text.strip())
    if match is None:
        return None
    year_s, month_s, day_s = match.groups()
    year = int(year_s)
    if year < 1:
        return None
    if month_s is None:
        return year_s
    month = int(month_s)
    if not 1 <= month <= 12:
        return None
    if day_s is None:
        return f"{year_s}-{month_s}"
    try:
        _dt.date(year, month, int(day_s))
    except ValueError:
        return None
    return f"{year_s}-{month_s}-{day_s}"


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def span(iso: str) -> tuple[str, str]:
    """First and last day covered by a (partial) ISO date."""
    if len(iso) == 10:
        return iso, iso
    if len(iso) == 7:
        year, month = int(iso[:4]), int(iso[5:7])
        return f"{iso}-01", f"{iso}-{_month_days(year, month):02d}"
    return f"{iso}-01-01", f"{iso}-12-31"


def sort_key(iso: str | None) -> str:
    """Key that orders ``"2015"`` before ``"2015-01"`` before ``"2015-01-01"``; unknown last.

    Plain string order already does this, since a prefix sorts before its extensions.
    """
    return "~" if iso is None else iso


def overlaps(iso: str | None, since: str | None, until: str | None) -> bool:
    """Whether the period of ``iso`` meets the range [since, until] (both partial, inclusive)."""
    if since is None and until is None:
        return True
    if iso is None:
        return False
    return period_overlaps(iso, iso, since, until)


def period_overlaps(first: str | None, last: str | None, since: str | None, until: str | None) -> bool:
    """Whether [first, last] meets [since, until]; an unknown end is open, all inclusive.

    Compares ISO strings directly: a partial date ``p`` starts after day ``d``
    exactly when ``p > d``, and ends on or after ``d`` exactly when
    ``p + "~" >= d`` ("~" sorts after every digit and "-").
    """
    if since is not None and last is not None and last + "~" < span(since)[0]:
        return False
    return not (until is not None and first is not None and first > span(until)[1])


def today() -> str:
    """Today's date, ISO."""
    return _dt.date.today().isoformat()
