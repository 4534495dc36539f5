"""Word lists for the quote stage, read from storylens/data/quotes/."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "quotes"


def _read(name: str) -> frozenset[str]:
    words = set()
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return frozenset(words)


@dataclass(frozen=True)
class Lexicon:
    cue_verbs: frozenset[str]
    belief_verbs: frozenset[str]
    anonymous_heads: frozenset[str]
    person_roles: frozenset[str]
    institution_heads: frozenset[str]
    weak_cues: frozenset[str]
    intention_verbs: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(
        cue_verbs=_read("cue_verbs.txt"),
        belief_verbs=_read("belief_verbs.txt"),
        anonymous_heads=_read("anonymous_heads.txt"),
        person_roles=_read("person_roles.txt"),
        institution_heads=_read("institution_heads.txt"),
        weak_cues=_read("weak_cues.txt"),
        intention_verbs=_read("intention_verbs.txt"),
    )
