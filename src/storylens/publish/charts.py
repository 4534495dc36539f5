"""Chart layouts as plain data (coordinates, colours, labels); the templates draw them as inline SVG.

Keeping geometry here and markup in the templates means every label goes through the
templates' autoescaping, and the charts work inside a mailed HTML file with no library.
"""
from __future__ import annotations

import math
from datetime import date

from ..text import to_date

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]


def colour_for(key: str, keys: list[str]) -> str:
    try:
        return PALETTE[keys.index(key) % len(PALETTE)]
    except ValueError:
        return "#888888"


def diverging(v: float | None) -> str:
    """-1 → blue, 0 → light grey, +1 → red."""
    if v is None:
        return "#f4f4f4"
    v = max(-1.0, min(1.0, float(v)))
    base = (240, 240, 240)
    end = (203, 24, 29) if v > 0 else (33, 102, 172)
    t = abs(v)
    r, g, b = (round(base[i] + (end[i] - base[i]) * t) for i in range(3))
    return f"#{r:02x}{g:02x}{b:02x}"


def timeline_chart(events: list[dict], max_lanes: int = 12, max_dots: int = 600) -> dict | None:
    """Dots on a date axis, one lane per outlet, coloured by event type."""
    dated = [(to_date(e["date"]), e) for e in events]
    dated = [(d, e) for d, e in dated if d is not None]
    if not dated:
        return None
    counts: dict[str, int] = {}
    for _, e in dated:
        counts[e["outlet"]] = counts.get(e["outlet"], 0) + 1
    lanes = sorted(counts, key=lambda o: (-counts[o], o))
    if len(lanes) > max_lanes:
        lanes = lanes[:max_lanes - 1] + ["other outlets"]
    types = sorted({e["type"] or "?" for _, e in dated})
    left, top, lane_h, width = 170, 20, 26, 900
    d0 = min(d for d, _ in dated).toordinal()
    d1 = max(d for d, _ in dated).toordinal()
    if d1 == d0:
        d0, d1 = d0 - 1, d1 + 1
    span = d1 - d0

    def x(o: int) -> float:
        return round(left + (width - left - 50) * (o - d0) / span, 1)

    height = top + lane_h * len(lanes) + 40
    # One dot per (lane, day, type): a big story has thousands of events, and a dot that stands for
    # several grows with their number and says so in its tooltip.
    # Beyond max_dots the bins widen to weeks, then months, so the chart stays light to draw.
    ordered = sorted(dated, key=lambda t: (t[0], t[1]["id"]))
    lane_of = {o: i for i, o in enumerate(lanes)}
    for binning in ("day", "week", "month"):
        groups: dict[tuple, list[dict]] = {}
        for d, e in ordered:
            if binning == "week":
                d = date.fromordinal(d.toordinal() - d.weekday())
            elif binning == "month":
                d = d.replace(day=1)
            li = lane_of.get(e["outlet"], len(lanes) - 1)
            groups.setdefault((li, d, e["type"] or "?"), []).append(e)
        if len(groups) <= max_dots:
            break
    stack: dict[tuple, int] = {}
    dots = []
    for (li, d, typ), es in groups.items():
        n = stack.get((li, d), 0)
        stack[(li, d)] = n + 1
        # Several types on one day in one lane fan out vertically instead of hiding each other.
        dy = ((n % 5) - 2) * 4
        e = es[0]
        label = (f"{e['date']} · {typ} · {e.get('source_name') or '?'} → {e.get('target_name') or '?'} · {e['outlet']}"
                 if len(es) == 1 else f"{'' if binning == 'day' else binning + ' of '}{d.isoformat()} · {typ} · "
                                      f"{len(es)} events · {lanes[li]}")
        dots.append({"x": x(d.toordinal()), "y": top + lane_h * li + lane_h / 2 + dy,
                     "r": round(min(11, 4 + 1.5 * math.sqrt(len(es) - 1) + (1 if len(es) == 1 else 0)), 1),
                     "colour": colour_for(typ, types), "event_id": e["id"], "article_id": e["article_id"],
                     "n": len(es), "label": label})
    nt = min(6, span + 1)
    ticks = []
    for i in range(nt):
        o = d0 + round(span * i / max(nt - 1, 1))
        ticks.append({"x": x(o), "label": date.fromordinal(o).isoformat()})
    return {"width": width, "height": height, "left": left, "axis_y": top + lane_h * len(lanes) + 5,
            "lanes": [{"label": o, "y": top + lane_h * i + lane_h / 2} for i, o in enumerate(lanes)],
            "ticks": ticks, "dots": dots, "binning": binning,
            "legend": [{"label": t, "colour": colour_for(t, types)} for t in types]}


def network_chart(nodes: list[dict], edges: list[dict], size: int = 640) -> dict | None:
    """Actors on a circle (most mentioned first), arrows for events, dashed lines for speech."""
    if not nodes:
        return None
    cx = cy = size / 2
    radius = size / 2 - 110
    pos = {}
    out_nodes = []
    max_n = max((n["n"] for n in nodes), default=1) or 1
    for i, n in enumerate(nodes):
        a = 2 * math.pi * i / len(nodes) - math.pi / 2
        x, y = cx + radius * math.cos(a), cy + radius * math.sin(a)
        pos[n["id"]] = (x, y)
        # Labels sit outside the circle, anchored away from the centre.
        lx, ly = cx + (radius + 14) * math.cos(a), cy + (radius + 14) * math.sin(a)
        anchor = "start" if math.cos(a) > 0.2 else ("end" if math.cos(a) < -0.2 else "middle")
        out_nodes.append({**n, "x": round(x, 1), "y": round(y, 1), "lx": round(lx, 1), "ly": round(ly + 4, 1),
                          "anchor": anchor, "r": round(5 + 11 * math.sqrt(n["n"] / max_n), 1)})
    out_edges = []
    max_w = max((e["n"] for e in edges), default=1) or 1
    rad = {n["id"]: n["r"] for n in out_nodes}
    for e in edges:
        if e["source"] not in pos or e["target"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1
        # Curve each edge to its right: A→B and B→A, and events vs speech, never overlap.
        bend = 0.12 if e["kind"] == "acts on" else 0.24
        qx, qy = (x1 + x2) / 2 - dy * bend, (y1 + y2) / 2 + dx * bend
        # Stop the curve at the target circle's edge so the arrow head shows.
        tx, ty = x2 - qx, y2 - qy
        td = math.hypot(tx, ty) or 1
        shrink = rad[e["target"]] + 2
        ex, ey = x2 - tx / td * shrink, y2 - ty / td * shrink
        out_edges.append({**e, "d": f"M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}",
                          "w": round(1 + 3 * e["n"] / max_w, 1)})
    return {"width": size, "height": size, "nodes": out_nodes, "edges": out_edges}


def heatmap_chart(outlets: list[str], actors: list[dict], values: dict, cell: int = 44) -> dict | None:
    """A grid of outlets (rows) × actors (columns); ``values[(outlet, actor_id)] = (value, n)``."""
    if not outlets or not actors:
        return None
    left, top = 170, 90
    cells = []
    for i, o in enumerate(outlets):
        for j, a in enumerate(actors):
            v = values.get((o, a["id"]))
            if v is None:
                continue
            val, n = v
            cells.append({"x": left + j * cell, "y": top + i * cell, "fill": diverging(val),
                          "text": f"{val:+.2f}", "dark": abs(val) > 0.55,
                          "label": f"{o} · {a['name']}: {val:+.2f} over {n} article(s)"})
    return {"width": left + cell * len(actors) + 20, "height": top + cell * len(outlets) + 10, "cell": cell,
            "rows": [{"label": o, "y": top + i * cell + cell / 2 + 4} for i, o in enumerate(outlets)],
            "cols": [{"label": a["name"], "id": a["id"], "x": left + j * cell + cell / 2, "y": top - 8}
                     for j, a in enumerate(actors)],
            "cells": cells, "left": left, "top": top}


def series_chart(rows: list[dict], dimension: str, max_keys: int = 8, max_days: int = 120) -> dict | None:
    """Stacked bars: events per day, one colour per key (PLOVER type or actor); the rest is "other".

    Beyond ``max_days`` distinct days the bars cover weeks, then months, so the chart stays readable.
    """
    rows = [r for r in rows if r["dimension"] == dimension and to_date(r["date"])]
    if not rows:
        return None
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["key"]] = totals.get(r["key"], 0) + r["events"]
    keys = sorted(totals, key=lambda k: (-totals[k], k))
    shown = keys[:max_keys] if len(keys) <= max_keys else keys[:max_keys - 1]
    names = {r["key"]: r["name"] for r in rows}
    for binning in ("day", "week", "month"):
        bins: dict[date, dict[str, int]] = {}
        for r in rows:
            d = to_date(r["date"])
            if binning == "week":
                d = date.fromordinal(d.toordinal() - d.weekday())
            elif binning == "month":
                d = d.replace(day=1)
            k = r["key"] if r["key"] in shown else "other"
            bins.setdefault(d, {})
            bins[d][k] = bins[d].get(k, 0) + r["events"]
        if len(bins) <= max_days:
            break
    legend_keys = shown + (["other"] if len(keys) > len(shown) else [])
    days = sorted(bins)
    left, top, plot_h, width = 50, 14, 160, 900
    bar_w = max(3.0, min(28.0, (width - left - 20) / max(len(days), 1) - 2))
    step = (width - left - 20) / max(len(days), 1)
    peak = max(sum(b.values()) for b in bins.values()) or 1
    bars = []
    for i, d in enumerate(days):
        y = top + plot_h
        for k in legend_keys:
            n = bins[d].get(k, 0)
            if not n:
                continue
            h = round(plot_h * n / peak, 1)
            y = round(y - h, 1)
            label = names.get(k, k)
            bars.append({"x": round(left + i * step, 1), "y": y, "w": round(bar_w, 1), "h": h,
                         "colour": colour_for(k, legend_keys) if k != "other" else "#bab0ac",
                         "label": f"{'' if binning == 'day' else binning + ' of '}{d.isoformat()} · {label}: {n} event(s)"})
    every = max(1, len(days) // 8)
    ticks = [{"x": round(left + i * step + bar_w / 2, 1), "label": d.isoformat()} for i, d in enumerate(days)
             if i % every == 0]
    return {"width": width, "height": top + plot_h + 34, "left": left, "top": top, "axis_y": top + plot_h,
            "peak": peak, "bars": bars, "ticks": ticks, "binning": binning, "dimension": dimension,
            "legend": [{"label": names.get(k, k), "colour": colour_for(k, legend_keys) if k != "other" else "#bab0ac"}
                       for k in legend_keys]}
