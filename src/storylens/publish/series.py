"""Events per day, per actor and per PLOVER type: the time series behind `storylens timeline`
and the stacked-bar charts of the timeline page and the report."""
from __future__ import annotations

import re
from collections import Counter

from ..model import Analysis

DIMENSIONS = ("type", "actor")
COLUMNS = ["date", "dimension", "key", "name", "events"]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def event_day(articles: dict, e) -> str | None:
    """The day of an event: its own date when that names a day, else (when the sentence gives no
    date at all) its article's publication day. A date of only a year or month ("in 2025") names
    no day, so such an event is left out rather than put on the day it was reported."""
    if e.date:
        return e.date if _DAY.fullmatch(str(e.date)) else None
    a = articles.get(e.article_id)
    return a.published[:10] if a is not None and a.published and _DAY.match(a.published) else None


def event_series(an: Analysis, dimensions=DIMENSIONS, story_article_ids: set[str] | None = None) -> list[dict]:
    """One row per (day, dimension, key) with the number of events that day.

    dimension "type": key is the PLOVER type. dimension "actor": key is a canonical actor id, and
    an event counts once for each distinct actor on either side (source or target). Events that
    cannot be placed on a day (see :func:`event_day`) are left out.
    """
    articles = {a.id: a for a in an.articles}
    names = {a.id: a.name for a in an.actors}
    counts: Counter = Counter()
    for e in an.events:
        if story_article_ids is not None and e.article_id not in story_article_ids:
            continue
        day = event_day(articles, e)
        if not day:
            continue
        if "type" in dimensions:
            counts[(day, "type", e.type or "?")] += 1
        if "actor" in dimensions:
            for who in {e.source, e.target}:
                if who and who in names:
                    counts[(day, "actor", who)] += 1
    rows = [{"date": d, "dimension": dim, "key": k, "name": names.get(k, k) if dim == "actor" else k, "events": n}
            for (d, dim, k), n in counts.items()]
    rows.sort(key=lambda r: (DIMENSIONS.index(r["dimension"]) if r["dimension"] in DIMENSIONS else 9,
                             r["date"], -r["events"], r["key"]))
    return rows
