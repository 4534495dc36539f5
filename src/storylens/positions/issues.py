"""Issue labels: the objects of the positions, grouped across articles and wordings.

Each object phrase ("talks between Putin and Zelensky in any format", "sending American soldiers")
is embedded with MiniLM (storylens/embeddings.py). An object close enough to an example phrase of the
editable issue list (data/positions/issues.tsv) takes that issue's label. The others are clustered
among themselves (average-link on cosine) and each cluster is named after its key noun phrase
(the commonest head noun with its compound modifiers), so issues that no list foresaw still come
out grouped and named.
"""
from __future__ import annotations

import csv
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data" / "positions"
ASSIGN = 0.60        # cosine of an object to an issue's closest example for the label to apply
JOIN = 0.55          # average cosine for two unlisted objects to be one issue
CLUSTER_LIMIT = 4000  # phrases clustered together; later ones join the closest group (see _clusters)
GENERIC_NOUNS = {"thing", "way", "time", "part", "lot", "kind", "idea", "issue", "matter", "fact", "people", "one",
                 "year", "day", "week", "month", "end", "level", "side", "term", "point", "case", "number"}


@lru_cache(maxsize=4)
def load_issues(path: str = str(DATA / "issues.tsv")) -> tuple[tuple[str, tuple[str, ...]], ...]:
    with open(path, encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    out = []
    for r in csv.DictReader(lines, delimiter="\t"):
        examples = tuple(x.strip() for x in (r.get("examples") or "").split("|") if x.strip())
        if r.get("issue", "").strip() and examples:
            out.append((r["issue"].strip(), examples))
    return tuple(out)


def key_noun(sdoc) -> str | None:
    """The head noun of a phrase with its compound modifiers ("prisoner exchange"), lower case lemmas."""
    nouns = [t for t in sdoc if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound"
             and t.lemma_.lower() not in GENERIC_NOUNS and t.ent_type_ not in ("PERSON", "GPE", "NORP", "ORG")]
    if not nouns:
        verbs = [t for t in sdoc if t.pos_ == "VERB"]
        return verbs[0].lemma_.lower() if verbs else None
    # the noun highest in the tree is what the phrase is about
    top = min(nouns, key=lambda t: (t.dep_ in ("nsubj", "nsubjpass"), len(list(t.ancestors)), t.i))
    mods = [c.lemma_.lower() for c in top.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
    return " ".join(mods + [top.lemma_.lower()])


def _clusters(vecs: np.ndarray, join: float, limit: int | None = None) -> list[list[int]]:
    """Average-link agglomerative clustering on cosine, stopping below `join` (scipy's linkage: O(n²)
    memory, no per-merge copies). Past `limit` phrases (CLUSTER_LIMIT) only the first `limit` are
    clustered, and each later one joins the group it is closest to on average when that reaches `join`,
    or stands alone: a store of thousands of articles has tens of thousands of phrases."""
    from ..compare.stories import average_groups, condensed_distance

    n = len(vecs)
    if n < 2:
        return [[i] for i in range(n)]
    head = min(n, limit or CLUSTER_LIMIT)
    # float32 products read as float64 (what they were converted to before); the square matrix goes
    # before scipy copies the condensed distance
    sim = vecs[:head] @ vecs[:head].T
    dist = condensed_distance(sim, upcast=True)
    del sim
    groups = average_groups(dist, join)
    del dist
    if n > head:
        sums = np.vstack([vecs[g].sum(axis=0) for g in groups])
        sizes = np.array([len(g) for g in groups], dtype=np.float64)
        extra: list[list[int]] = []
        for lo in range(head, n, 2048):
            avg = (vecs[lo:lo + 2048] @ sums.T) / sizes
            best = avg.argmax(axis=1)
            for k, j in enumerate(best.tolist()):
                if avg[k, j] >= join:
                    groups[j].append(lo + k)
                else:
                    extra.append([lo + k])
        groups += extra
    return groups


def label_issues(objects: Sequence[str], parser=None, config=None, issues_path: str | None = None,
                 names: Sequence[str] | None = None, cores: Sequence[str] | None = None) -> list[str]:
    """One issue label per object phrase. `objects` are compared (best with actor names masked, so the
    issue is the act, not who); `cores` (optional) are their head phrases, also compared, since
    place and manner modifiers dilute a phrase's embedding; `names` (default: `objects`) are the
    wordings key nouns are taken from."""
    from ..embeddings import embed

    if not objects:
        return []
    issues = load_issues(issues_path) if issues_path else load_issues()
    examples = [(label, ex) for label, exs in issues for ex in exs]
    vecs = embed(list(objects), config=config)
    labels: list[str | None] = [None] * len(objects)
    if examples:
        ev = embed([ex for _, ex in examples], config=config)
        sims = vecs @ ev.T
        if cores is not None:
            sims = np.maximum(sims, embed([c or o for c, o in zip(cores, objects)], config=config) @ ev.T)
        for i in range(len(objects)):
            j = int(np.argmax(sims[i]))
            if sims[i, j] >= ASSIGN:
                labels[i] = examples[j][0]
    rest = [i for i, lab in enumerate(labels) if lab is None]
    if rest:
        if parser is None:
            from ..compare.context import Parser

            parser = Parser(None)
        names = list(names) if names is not None else list(objects)
        parser.parse_many(names[i] for i in rest)
        for group in _clusters(vecs[rest], JOIN):
            members = [rest[k] for k in group]
            nouns = Counter(n for n in (key_noun(parser(names[i])) for i in members) if n)
            name = min(nouns.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0] if nouns else "other"
            for i in members:
                labels[i] = name
    return [lab or "other" for lab in labels]
