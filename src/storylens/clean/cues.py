"""The cue lexicon (src/storylens/data/clean/cues.tsv) as compiled patterns per category."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "clean" / "cues.tsv"
LINE_CATEGORIES = {"counter", "widget", "section_break", "section_break_weak", "bio_label", "byline"}


@lru_cache(maxsize=1)
def patterns() -> dict[str, list[re.Pattern]]:
    out: dict[str, list[re.Pattern]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cat, _, rx = line.partition("\t")
        out.setdefault(cat.strip(), []).append(re.compile(rx.strip(), re.I))
    return out


def line_is(category: str, text: str) -> bool:
    """The whole (stripped) line matches a pattern of the category."""
    t = text.strip().strip("*#_ ").strip()
    return any(p.match(t) and p.match(t).end() == len(t) for p in patterns().get(category, []))


def has(category: str, text: str) -> bool:
    """Some pattern of the category occurs in the text."""
    return any(p.search(text) for p in patterns().get(category, []))


def starts(category: str, text: str) -> bool:
    return any(p.match(text.strip()) for p in patterns().get(category, []))
