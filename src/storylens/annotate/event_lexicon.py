"""The event stage's data files (src/storylens/data/events), loaded once."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "events"


def _rows(name: str):
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


@dataclass
class Pattern:
    pre: list[str]
    post: list[str]
    code: str | None


@dataclass
class Lexicon:
    plover: dict[str, tuple[str, str, str]]            # CAMEO code -> (type, mode, context)
    synsets: dict[str, set[str]]
    verbs: dict[str, list[tuple[list[Pattern], str | None, bool]]]  # lemma -> [(patterns, default, own code?)]
    nouns: dict[str, tuple[str, dict[str, str]]]
    igo: dict[str, str]
    cues: dict[str, set[str]] = field(default_factory=dict)
    multiword: dict[str, set[str]] = field(default_factory=dict)  # first word -> second words
    intent: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (type, mode) -> (type, CAMEO)
    # country names and demonyms the shared country table lacks (country_aliases.tsv) -> ISO3
    country_alias: dict[str, str] = field(default_factory=dict)
    # older CAMEO country codes the shared table does not map (legacy_country_codes.tsv) -> ISO3
    legacy_codes: dict[str, str] = field(default_factory=dict)

    def modern_code(self, code: str | None) -> str | None:
        """An actor code with an older country prefix written as ISO ("ANGREB" -> "AGOREB")."""
        if code and code[:3] in self.legacy_codes:
            return self.legacy_codes[code[:3]] + code[3:]
        return code

    def plover_of(self, code: str | None) -> tuple[str, str, str] | None:
        """PLOVER entry for a CAMEO code, falling back to its parent codes (0311 -> 031 -> 03)."""
        while code:
            if code in self.plover:
                return self.plover[code]
            code = code[:-1] if len(code) > 2 else None
        return None


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s{}()]+", text.lower()) if w and w not in {"*", "$", "+", "^", "%"}]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    plover = {r[0]: (r[1], r[2].strip(), r[3].strip()) for r in _rows("cameo_plover.tsv")}
    raw = json.loads((DATA / "verbs.json").read_text(encoding="utf-8"))
    synsets = {k: set(v) for k, v in raw["synsets"].items()}
    for name, words in _rows("synsets_extra.tsv"):
        synsets.setdefault(name.lower(), set()).update(w.strip() for w in words.split(","))
    blocks = [([Pattern(p[0], p[1], p[2]) for p in b["patterns"]], b["code"], b["head"].strip("_").replace("_", " "))
              for b in raw["blocks"]]
    defaults = {r[0]: r[1] for r in _rows("verb_defaults.tsv")}
    category_blocks = {r[0].strip() for r in _rows("category_blocks.txt")}
    extra: dict[str, list[Pattern]] = {}
    for verb, pat, code in _rows("verb_patterns_extra.tsv"):
        pre, post = pat.split("*", 1)
        extra.setdefault(verb, []).append(Pattern(_words(pre), _words(post), None if code == "-" else code))
    verbs: dict[str, list] = {}
    for lemma, entries in raw["verbs"].items():
        for block_idx, own in entries:
            pats, block_code, head = blocks[block_idx]
            # WordNet synonyms in a block share its patterns, but only the block's head verb (or a verb with
            # its own code) carries the block's default code: "dominate" is not a threat by itself
            default = own or (block_code if lemma == head or head.replace(" ", "_") in category_blocks else None)
            verbs.setdefault(lemma, []).append((pats, default, own is not None))
    for lemma in set(defaults) | set(extra):
        entries = verbs.setdefault(lemma, [([], None, False)])
        d = defaults.get(lemma)
        if d is not None:
            entries[:] = [(p, None if d == "-" else d, d != "-") for p, _, _ in entries]
        if lemma in extra:
            # hand-written patterns are tried before the dictionary's
            entries[0] = (extra[lemma] + entries[0][0], entries[0][1], entries[0][2])
    multiword: dict[str, set[str]] = {}
    for lemma in verbs:
        if " " in lemma:
            a, b = lemma.split(" ", 1)
            multiword.setdefault(a, set()).add(b)
    nouns = {}
    for row in _rows("nominal_triggers.tsv"):
        mods = {}
        if len(row) > 2 and row[2].strip():
            for kv in row[2].split(","):
                k, v = kv.split("=")
                mods[k.strip()] = v.strip()
        nouns[row[0]] = (row[1], mods)
    igo = {r[0]: r[1] for r in _rows("igo.tsv")}
    igo.update((r[0], r[1]) for r in _rows("actors_extra.tsv"))
    cues = {r[0]: {w.strip() for w in r[1].split(",")} for r in _rows("cues.tsv")}
    intent = {(r[0], r[1]): (r[2], r[3]) for r in _rows("intent_types.tsv")}
    aliases = {r[0]: r[1] for r in _rows("country_aliases.tsv")} if (DATA / "country_aliases.tsv").exists() else {}
    legacy = {r[0]: r[1] for r in _rows("legacy_country_codes.tsv")}
    return Lexicon(plover, synsets, verbs, nouns, igo, cues, multiword, intent, aliases, legacy)
