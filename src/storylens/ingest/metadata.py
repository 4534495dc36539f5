"""Normalising metadata values that readers find (dates in feeds, JSON fields, HTML meta)."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def iso_date(value: str | None) -> str | None:
    """Any common date string → ``YYYY-MM-DD`` (or None when it is not a date)."""
    if not value:
        return None
    value = str(value).strip()
    m = _ISO.match(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    return _parse(value)


@lru_cache(maxsize=4096)
def _parse(value: str) -> str | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date().isoformat()  # RFC 822 dates in RSS
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser

    d = dateparser.parse(value[:100], languages=["en"],
                         settings={"STRICT_PARSING": True, "RELATIVE_BASE": datetime(2000, 1, 1)})
    return d.date().isoformat() if d else None
