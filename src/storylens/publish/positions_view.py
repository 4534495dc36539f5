"""The positions matrix: actors × issues, each cell the latest stance with a sparkline of its changes.

One plain dict feeds the report section, the /positions page and its JSON twin /api/positions.
Every cell lists the sentences it rests on (with their outlet, date and voice), and the view
carries the shifts over time and the outlet conflicts (storylens.positions.timeline).
"""
from __future__ import annotations

from collections import Counter

from ..positions.timeline import STANCE_LEVEL, conflicts, shifts, timelines
from .corpus import Corpus

MAX_ACTORS = 30
MAX_ISSUES = 14
SPARK_W, SPARK_H, SPARK_STEP = 64, 18, 10
STANCE_COLOUR = {"supports": "#2e7d32", "conditional": "#c98a00", "opposes": "#c62828"}


def _anchor(p) -> str:
    return f"span-{p.article_id}-{p.start}-{p.end}"


def _sparkline(line) -> dict:
    """Points of the stance over time (supports high, opposes low), one step per position."""
    n = len(line)
    step = min(SPARK_STEP, (SPARK_W - 8) / max(1, n - 1)) if n > 1 else 0
    pts = []
    for i, p in enumerate(line):
        x = 4 + i * step
        y = SPARK_H / 2 - STANCE_LEVEL.get(p.stance, 0) * (SPARK_H / 2 - 3)
        pts.append({"x": round(x, 1), "y": round(y, 1), "colour": STANCE_COLOUR.get(p.stance, "#777"),
                    "label": f"{p.date or 'undated'} · {p.stance} · {p.outlet or ''}"})
    return {"width": SPARK_W, "height": SPARK_H, "points": pts,
            "path": " ".join(f"{q['x']},{q['y']}" for q in pts)}


def _item(c: Corpus, p) -> dict:
    return {"id": p.id, "actor_id": p.actor_id, "actor_name": c.actor_name(p.actor_id), "issue": p.issue,
            "stance": p.stance, "value": p.value, "date": p.date, "voice": p.voice,
            "reported_by": p.reported_by, "reported_by_name": c.actor_name(p.reported_by) if p.reported_by in c.actors
            else p.reported_by, "outlet": c.outlet(p.article_id), "article_id": p.article_id,
            "start": p.start, "end": p.end, "text": p.text, "anchor": _anchor(p)}


def positions_view(c: Corpus, actor: str | None = None, issue: str | None = None) -> dict:
    positions = list(getattr(c.an, "positions", []) or [])
    if actor:
        positions = [p for p in positions if p.actor_id == actor]
    if issue:
        positions = [p for p in positions if p.issue == issue]
    lines = timelines(positions)
    by_actor = Counter(p.actor_id for p in positions)
    by_issue = Counter(p.issue for p in positions)
    actors = [a for a, _ in sorted(by_actor.items(), key=lambda kv: (-kv[1], c.actor_name(kv[0]) or kv[0]))][:MAX_ACTORS]
    issues = [i for i, _ in sorted(by_issue.items(), key=lambda kv: (-kv[1], kv[0]))][:MAX_ISSUES]
    rows = []
    for a in actors:
        cells = []
        for i in issues:
            line = lines.get((a, i))
            if not line:
                cells.append(None)
                continue
            last = line[-1]
            cells.append({"actor_id": a, "issue": i, "stance": last.stance, "value": last.value,
                          "n": len(line), "changes": sum(1 for x, y in zip(line, line[1:]) if x.stance != y.stance),
                          "cell_id": f"poscell-{a}-{i}", "sparkline": _sparkline(line),
                          "positions": [_item(c, p) for p in line]})
        rows.append({"actor_id": a, "actor_name": c.actor_name(a), "cells": cells})
    all_shifts, all_conflicts = [], []
    for line in lines.values():
        all_shifts.extend(shifts(line))
        all_conflicts.extend(conflicts(line))
    for x in all_shifts + all_conflicts:
        x["actor_name"] = c.actor_name(x["actor_id"])
        for side in ("before", "after", "a", "b"):
            if side in x:
                x[side]["outlet"] = c.outlet(x[side]["article_id"])
                x[side]["anchor"] = f"span-{x[side]['article_id']}-{x[side]['start']}-{x[side]['end']}"
    return {"issues": issues, "rows": rows, "count": len(positions),
            "stances": list(STANCE_COLOUR), "colours": STANCE_COLOUR,
            "shifts": all_shifts, "conflicts": all_conflicts,
            "positions": [_item(c, p) for p in sorted(positions, key=lambda p: (p.article_id, p.start))],
            "filter": {"actor": actor, "issue": issue}}
