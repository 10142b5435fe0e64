"""Log timestamps to ISO 8601 text, and ISO text to comparable instants.

Classic syslog stamps ("Mar  1 10:00:00") carry no year and no zone: the year is
given, or inferred (a month later than this one belongs to last year), and the
result stays without a zone. RFC 3339 stamps keep their offset.
"""

from __future__ import annotations

from datetime import UTC, datetime

MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


class YearGuess:
    """The year of a classic syslog month: fixed, or inferred from today's date."""

    __slots__ = ("_by_month",)

    def __init__(self, year: int | None = None) -> None:
        now = datetime.now(UTC)
        self._by_month = {
            month: year if year is not None else (now.year if month <= now.month else now.year - 1)
            for month in range(1, 13)
        }

    def iso(self, month_name: str, day: str, clock: str) -> str | None:
        month = MONTHS.get(month_name)
        if month is None:
            return None
        return f"{self._by_month[month]:04d}-{month:02d}-{int(day):02d}T{clock}"


def iso_from_rfc3339(stamp: str) -> str:
    """'2024-03-01 10:00:00.123456+01:00' or with 'T'/'Z' -> ISO 8601 with 'T'."""
    if len(stamp) > 10 and stamp[10] == " ":
        stamp = stamp[:10] + "T" + stamp[11:]
    return stamp


def instant(iso: str) -> datetime | None:
    """An aware datetime (UTC when the text has no zone), None when not ISO 8601."""
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
