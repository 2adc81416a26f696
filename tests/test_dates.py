"""Partial dates: parsing, periods, order and range filters."""

from __future__ import annotations

import pytest

from minusma_cli.dates import overlaps, parse_iso, period_overlaps, sort_key, span


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2015", "2015"),
        ("2015-06", "2015-06"),
        ("2015-06-29", "2015-06-29"),
        (" 2024-02-29 ", "2024-02-29"),
        ("2023-02-30", None),
        ("2015-13", None),
        ("15", None),
        ("2015/06", None),
        ("0000", None),
        ("", None),
    ],
)
def test_parse_iso(text: str, iso: str | None) -> None:
    assert parse_iso(text) == iso


def test_span_covers_the_whole_period() -> None:
    assert span("2015") == ("2015-01-01", "2015-12-31")
    assert span("2024-02") == ("2024-02-01", "2024-02-29")
    assert span("2023-02") == ("2023-02-01", "2023-02-28")
    assert span("2015-06-29") == ("2015-06-29", "2015-06-29")


def test_a_year_sorts_before_its_first_day() -> None:
    dates = ["2015-01-01", "2015", "2014-12-31", "2015-01", None]
    assert sorted(dates, key=sort_key) == ["2014-12-31", "2015", "2015-01", "2015-01-01", None]


def test_since_a_month_includes_the_year_that_contains_it() -> None:
    assert overlaps("2015", "2015-06", None)
    assert overlaps("2015-06-30", "2015-06", "2015-06")
    assert not overlaps("2015-05-31", "2015-06", None)
    assert not overlaps("2016", None, "2015")
    assert not overlaps(None, "2015", None)
    assert overlaps(None, None, None)


def test_open_ended_periods() -> None:
    assert period_overlaps("2013", None, "2030", "2030")
    assert period_overlaps(None, "2023-10-31", "2020", "2020")
    assert not period_overlaps("2013", "2023-10-31", "2023-11", None)
