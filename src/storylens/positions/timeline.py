"""Positions over time: one timeline per actor and issue, the shifts in it, and outlets that disagree.

A *shift* is a change of stance (supports / conditional / opposes) between two dated positions of
one actor on one issue, kept with both spans. A *conflict* is its own kind of contradiction: two
outlets that give the same actor opposite stances (supports vs opposes) on one issue at the same
time (dates within ``SAME_TIME_DAYS``, or both undated, which the view flags as such).
"""
from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from typing import Iterable, Sequence

from ..model import Position

STANCE_LEVEL = {"supports": 1, "conditional": 0, "opposes": -1}
SAME_TIME_DAYS = 3


def _day(d: str | None) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat((d or "")[:10])
    except ValueError:
        return None


def order_key(p: Position) -> tuple:
    return (p.date or "9999", p.article_id, p.start)


def timelines(positions: Iterable[Position]) -> dict[tuple[str, str], list[Position]]:
    """(actor_id, issue) → that actor's positions on the issue, oldest first (undated last)."""
    out: dict[tuple[str, str], list[Position]] = defaultdict(list)
    for p in positions:
        out[(p.actor_id, p.issue)].append(p)
    return {k: sorted(v, key=order_key) for k, v in out.items()}


def _side(p: Position) -> dict:
    return {"position_id": p.id, "stance": p.stance, "value": p.value, "date": p.date, "article_id": p.article_id,
            "start": p.start, "end": p.end, "text": p.text, "outlet": p.outlet, "voice": p.voice}


def shifts(line: Sequence[Position]) -> list[dict]:
    """Stance changes between consecutive dated positions of one timeline (one outlet's rewording on the same
    day is not a shift)."""
    out = []
    dated = [p for p in line if _day(p.date)]
    prev = None
    for p in dated:
        if prev is not None and p.stance != prev.stance and _day(p.date) > _day(prev.date):
            out.append({"actor_id": p.actor_id, "issue": p.issue, "from": prev.stance, "to": p.stance,
                        "direction": STANCE_LEVEL[p.stance] - STANCE_LEVEL[prev.stance],
                        "before": _side(prev), "after": _side(p)})
        prev = p
    return out


def conflicts(line: Sequence[Position]) -> list[dict]:
    """Pairs of outlets that report opposite stances for the same actor and issue at the same time."""
    out = []
    seen = set()
    for i, a in enumerate(line):
        for b in line[i + 1:]:
            if {a.stance, b.stance} != {"supports", "opposes"} or (a.outlet or a.article_id) == (b.outlet or b.article_id):
                continue
            da, db = _day(a.date), _day(b.date)
            if (da is None) != (db is None):
                continue
            if da is not None and abs((da - db).days) > SAME_TIME_DAYS:
                continue
            key = tuple(sorted((a.article_id, b.article_id)))
            if key in seen:
                continue
            seen.add(key)
            out.append({"actor_id": a.actor_id, "issue": a.issue, "kind": "position conflict",
                        "dates_known": da is not None, "a": _side(a), "b": _side(b)})
    return out


def all_shifts(positions: Iterable[Position]) -> list[dict]:
    return [s for line in timelines(positions).values() for s in shifts(line)]


def all_conflicts(positions: Iterable[Position]) -> list[dict]:
    return [c for line in timelines(positions).values() for c in conflicts(line)]
