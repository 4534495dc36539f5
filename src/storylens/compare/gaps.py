"""Coverage gaps: claims that only one outlet, or only one side, reports.

Sides come from framing, not from a list of outlets: each outlet is put with the actor it most
casts as the obstacle (mean responsibility ≥ SIDE_MIN over its articles in the story). When a
story has at least two such sides, a claim reported by two or more outlets that all sit on one
side is a gap for the other side.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from ..model import Claim, CoverageGap, Framing, Story

SIDE_MIN = 0.2


def outlet_sides(framing: Sequence[Framing], actor_names: dict[str, str]) -> dict[str, str]:
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for f in framing:
        scores[f.outlet or f.article_id][f.actor_id].append(f.responsibility)
    sides = {}
    for outlet, per_actor in scores.items():
        means = {a: sum(v) / len(v) for a, v in per_actor.items()}
        actor, best = max(sorted(means.items()), key=lambda kv: kv[1])
        if best >= SIDE_MIN:
            sides[outlet] = actor_names.get(actor, actor)
    return sides


def coverage_gaps(story: Story, claims: Sequence[Claim], framing: Sequence[Framing], outlets: Sequence[str],
                  actor_names: dict[str, str]) -> list[CoverageGap]:
    all_outlets = sorted(set(outlets))
    if len(all_outlets) < 2:
        return []
    sides = outlet_sides(framing, actor_names)
    side_names = sorted(set(sides.values()))
    gaps = []
    for c in claims:
        reporting = sorted({s.outlet for s in c.stances if s.outlet})
        if len(reporting) == 1:
            gaps.append(CoverageGap(story_id=story.id, claim_id=c.id, text=c.text, outlets=reporting,
                                    reason=f"only {reporting[0]} reports this ({len(all_outlets)} outlets cover the story)"))
            continue
        if len(side_names) >= 2 and reporting and all(o in sides for o in reporting):
            mine = {sides[o] for o in reporting}
            if len(mine) == 1:
                side = next(iter(mine))
                missing = [o for o in all_outlets if o not in reporting and sides.get(o) not in (None, side)]
                if missing:
                    gaps.append(CoverageGap(story_id=story.id, claim_id=c.id, text=c.text, outlets=reporting,
                                            reason=f"reported only by outlets that cast {side} as the obstacle; "
                                                   f"not by {', '.join(missing)}"))
    return gaps
