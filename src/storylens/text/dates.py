"""Dates: any written date to an ISO day, and ISO strings (full or partial) to ``datetime.date``.

Numeric dates ("3/4/2025") are read month-first unless ``day_first`` is set or the first number
cannot be a month; RFC 822 dates (RSS) and written dates ("March 4, 2025", "4 March 2025") go
through the parsers that understand them. Relative phrases ("last Tuesday") need an article date
and are resolved by the annotate stage (annotate/dates.py), not here.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def day(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` part of an ISO date or timestamp ('' and None give None)."""
    return (value or "")[:10] or None


def to_date(value: str | None) -> date | None:
    """An ISO date, or a partial one ("2025-03", "2025"), as a date (the first day it names)."""
    if not value:
        return None
    s = str(value).strip()
    for n, fill in ((10, ""), (7, "-01"), (4, "-01-01")):
        try:
            return date.fromisoformat(s[:n] + fill)
        except ValueError:
            continue
    return None


def iso_date(value: str | None, day_first: bool = False) -> str | None:
    """Any common written date → ``YYYY-MM-DD``; None when it is not a date."""
    if not value:
        return None
    return _parse(str(value).strip(), day_first)


@lru_cache(maxsize=4096)
def _parse(value: str, day_first: bool) -> str | None:
    m = _ISO.match(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    m = _NUMERIC.match(value)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        d, mo = (a, b) if day_first or a > 12 else (b, a)
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date().isoformat()  # RFC 822 dates in RSS
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser

    d = dateparser.parse(value[:100], languages=["en"],
                         settings={"STRICT_PARSING": True, "RELATIVE_BASE": datetime(2000, 1, 1)})
    return d.date().isoformat() if d else None
