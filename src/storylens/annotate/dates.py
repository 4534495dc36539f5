"""Date phrases resolved against an article's publication date.

Returns ISO 8601 at the precision the phrase carries: "2025-08-14" for a day, "2025-08" for a month,
"2025" for a year; None when the phrase cannot be placed (no publication date for a relative phrase,
or no date in it). News prose names past days by weekday ("on Tuesday"), so bare weekdays and months
resolve to the most recent one on or before the publication date.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache

_HEDGES = re.compile(r"\b(nearly|almost|about|around|roughly|some|more than|less than|over|under|just|only|"
                     r"alone|approximately|at least|at most|as of|since|until|by|in|on|during|from|of|the|"
                     r"early|late|mid|earlier|later)\b", re.I)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1, "several": 3, "a few": 3, "few": 3}


def _base(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _shift_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, 1)


def _relative(phrase: str, base: dt.date) -> str | None:
    p = phrase.lower().strip()
    if re.search(r"\btoday\b|\btonight\b|\bthis morning\b|\bthis afternoon\b|\bthis evening\b", p):
        return base.isoformat()
    if re.search(r"\byesterday\b|\blast night\b", p):
        return (base - dt.timedelta(days=1)).isoformat()
    if re.search(r"\btomorrow\b", p):
        return (base + dt.timedelta(days=1)).isoformat()
    m = re.search(r"\b(this|last|next|past|coming)\s+(week|month|year)\b", p)
    if m:
        step = {"this": 0, "last": -1, "past": -1, "next": 1, "coming": 1}[m.group(1)]
        unit = m.group(2)
        if unit == "week":
            d = base + dt.timedelta(weeks=step)
            return (d - dt.timedelta(days=d.weekday())).isoformat()  # the Monday of that week
        if unit == "month":
            return _shift_months(base, step).isoformat()[:7]
        return str(base.year + step)
    if re.search(r"\b(earlier|later) this year\b|\bthis year\b", p):
        return str(base.year)
    if re.search(r"\b(earlier|later) this month\b", p):
        return base.isoformat()[:7]
    m = re.search(r"\b(\d+|a few|" + "|".join(_NUM) + r")\s+(day|week|month|year)s?\s+ago\b", p)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUM[m.group(1)]
        unit = m.group(2)
        if unit == "day":
            return (base - dt.timedelta(days=n)).isoformat()
        if unit == "week":
            return (base - dt.timedelta(weeks=n)).isoformat()
        if unit == "month":
            return _shift_months(base, -n).isoformat()[:7]
        return str(base.year - n)
    words = re.findall(r"[a-z]+|\d+", p)
    # a bare weekday: the latest such day on or before the publication date
    wd = [w for w in words if w in _WEEKDAYS]
    if wd and not re.search(r"\d", p):
        delta = (base.weekday() - _WEEKDAYS.index(wd[0])) % 7
        if "next" in words:
            delta = -((_WEEKDAYS.index(wd[0]) - base.weekday()) % 7 or 7)
        return (base - dt.timedelta(days=delta)).isoformat()
    # a bare month ("in August alone"): the latest such month not after the publication month
    mo = [w for w in words if w in _MONTHS]
    if mo and not re.search(r"\d", p):
        month = _MONTHS.index(mo[0]) + 1
        year = base.year if month <= base.month else base.year - 1
        if "next" in words:
            year = base.year if month > base.month else base.year + 1
        return f"{year:04d}-{month:02d}"
    return None


@lru_cache(maxsize=4096)
def resolve_date(phrase: str, published: str | None = None) -> str | None:
    """ISO date (or year-month / year) for a date phrase, or None when it cannot be placed."""
    if not phrase or not phrase.strip():
        return None
    base = _base(published)
    if base is not None:
        rel = _relative(phrase, base)
        if rel:
            return rel
    p = phrase.strip()
    # explicit dates: a year alone, month + year, or a full date
    if re.fullmatch(r"(in\s+)?(the\s+)?\d{4}", p, re.I):
        return re.search(r"\d{4}", p).group(0)
    m = re.fullmatch(r"(?:in\s+)?(" + "|".join(_MONTHS) + r")\s+(?:of\s+)?(\d{4})", p.lower())
    if m:
        return f"{m.group(2)}-{_MONTHS.index(m.group(1)) + 1:02d}"
    has_day = re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", p) and (re.search(r"\d{4}", p) or base is not None) \
        and any(mo in p.lower() for mo in _MONTHS) or re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}", p)
    if not has_day and base is None:
        return None
    cleaned = _HEDGES.sub(" ", p).strip()
    if not cleaned or not re.search(r"\d|" + "|".join(_MONTHS), cleaned.lower()):
        return None
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a declared dependency
        return None
    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"], "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    try:
        got = dateparser.parse(cleaned, languages=["en"], settings=settings)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a phrase dateparser cannot read
        logging.getLogger(__name__).debug("date phrase %r not parsed: %s", cleaned[:80], exc)
        got = None
    return got.date().isoformat() if got else None
