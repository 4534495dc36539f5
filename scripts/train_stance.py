"""Train the stance model (agree / disagree / discuss / unrelated) and write the artefact.

Data: ../shared/data/fnc1 (FNC-1 training data; training_ids.txt / hold_out_ids.txt split the bodies),
optionally ../shared/data/arc (ARC, FNC-1 format, user comments) as extra training pairs.

    .venv/bin/python scripts/train_stance.py                    # all FNC-1 bodies -> src/storylens/data/stance/model.joblib
    .venv/bin/python scripts/train_stance.py --split train      # training_ids bodies only (for hold-out evaluation)

CPU only. Sentence embeddings and pair features are cached under --cache (default /tmp/storylens_stance),
so a second run with the same data only refits the trees.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FNC = SHARED / "data" / "fnc1"
ARC = SHARED / "data" / "arc"
sys.path.insert(0, str(ROOT / "src"))

from storylens.compare import stance  # noqa: E402

FEATURE_VERSION = "4"


def read_fnc(bodies_csv: Path, stances_csv: Path) -> list[tuple[str, int, str, str | None]]:
    """[(headline, body id, body text, stance or None)]"""
    import pandas as pd

    b = pd.read_csv(bodies_csv, dtype={"Body ID": int, "articleBody": str}, keep_default_na=False)
    s = pd.read_csv(stances_csv, dtype={"Body ID": int, "Headline": str}, keep_default_na=False)
    text = dict(zip(b["Body ID"], b["articleBody"]))
    has = "Stance" in s.columns
    return [(h, int(i), text[int(i)], (st if has else None))
            for h, i, st in zip(s["Headline"], s["Body ID"], s["Stance"] if has else [None] * len(s))]


def fnc_split(which: str) -> list[tuple[str, int, str, str]]:
    rows = read_fnc(FNC / "train_bodies.csv", FNC / "train_stances.csv")
    if which == "all":
        return rows
    ids = {int(x) for x in (FNC / f"{'training' if which == 'train' else 'hold_out'}_ids.txt").read_text().split()}
    return [r for r in rows if r[1] in ids]


def arc_rows() -> list[tuple[str, int, str, str]]:
    return [(h, -i, b, s) for h, i, b, s in read_fnc(ARC / "arc_bodies.csv", ARC / "arc_stances_train.csv")]


class EmbCache:
    """text -> MiniLM vector, kept on disk between runs (the expensive part of featurising)."""

    def __init__(self, path: Path):
        self.path = path
        self.d = pickle.loads(path.read_bytes()) if path.exists() else {}
        self.n0 = len(self.d)

    def save(self):
        if len(self.d) != self.n0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(self.d, protocol=4))
            tmp.replace(self.path)
            self.n0 = len(self.d)


def featurise_rows(rows, stats, cache_dir: Path, tag: str, emb: EmbCache | None):
    """Pair features for rows under a fitted TF-IDF space, cached by content."""
    vec, idf, avg_len = stats
    key = hashlib.sha1((FEATURE_VERSION + tag + str(len(rows)) + "".join(
        f"{h}\x00{i}\x00" for h, i, _, _ in rows)).encode()).hexdigest()[:16]
    f = cache_dir / f"feat_{key}.npz"
    if f.exists():
        z = np.load(f)
        return z["scal"], z["hv"], z["tv"]
    t = time.time()
    scal, hv, tv = stance.featurise([(h, b) for h, _, b, _ in rows], vec, idf, avg_len,
                                    cache=emb.d if emb else None)
    if emb:
        emb.save()
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(f, scal=scal, hv=hv, tv=tv)
    print(f"featurised {len(rows)} pairs in {time.time() - t:.0f}s", file=sys.stderr)
    return scal, hv, tv


def claim_finder(rows):
    """find(node) -> claim id, for nodes "h:<headline>" and "b:<body id>": the connected components of
    related (headline, body) pairs."""
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for h, i, _, st in rows:
        a, b = find("h:" + h), find(f"b:{i}")
        if st != "unrelated":
            parent[a] = b
    return find


def claim_components(rows) -> list[str]:
    """A claim id per row, so that rows of one claim (its headlines and the bodies that discuss it)
    always fall on the same side of a split."""
    find = claim_finder(rows)
    return [find(f"b:{i}") for _, i, _, _ in rows]


def _scores(gold, pred) -> tuple[float, float, float]:
    """(FNC relative score, macro-F1, disagree F1)."""
    labels = stance.LABELS
    f1 = {}
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f1[c] = 2 * tp / max(2 * tp + fp + fn, 1)

    def fnc(g, p):
        s = 0.0
        if g == p:
            s += 0.25
            if g != "unrelated":
                s += 0.5
        if g in stance.RELATED and p in stance.RELATED:
            s += 0.25
        return s

    best = sum(fnc(g, g) for g in gold) or 1.0
    return sum(fnc(g, p) for g, p in zip(gold, pred)) / best, sum(f1.values()) / len(labels), f1["disagree"]


TEXT_WEIGHTS = (0.25, 0.4, 0.55)


def select_text_weight(rows, scal, hv, tv, stats) -> tuple[float, list]:
    """Blend weight of the text model chosen on a claim-disjoint split of the training rows (claims hashed
    into 5 parts, part 0 held out): the weight that generalises to new claims, not the one that fits old ones."""
    comp = claim_components(rows)
    held = np.array([int(hashlib.sha1(c.encode()).hexdigest(), 16) % 5 == 0 for c in comp])
    tr, va = np.where(~held)[0], np.where(held)[0]
    pairs = [(h, b) for h, _, b, _ in rows]
    labels = [r[3] for r in rows]
    gold = [labels[i] for i in va]
    found = []
    for w in TEXT_WEIGHTS:
        m = stance.fit_from_features([pairs[i] for i in tr], scal[tr], hv[tr], tv[tr], [labels[i] for i in tr],
                                     *stats, stage2=stance.BlendStage2(w))
        pred = m.labels_from_proba(m.proba_from_features([pairs[i] for i in va], scal[va], hv[va], tv[va]))
        sc = _scores(gold, pred)
        found.append((w, *[round(x, 4) for x in sc]))
        print(f"text weight {w}: claim-disjoint FNC {sc[0]:.4f} macro-F1 {sc[1]:.4f} disagree F1 {sc[2]:.4f}",
              file=sys.stderr)
    best = max(found, key=lambda r: (r[1] + r[2], r[0]))
    return best[0], found


def train(rows, cache_dir: Path, tag: str, meta: dict | None = None, select: bool = False) -> stance.StanceModel:
    texts = list(dict.fromkeys([b for _, _, b, _ in rows])) + list(dict.fromkeys([h for h, _, _, _ in rows]))
    stats = stance.fit_text_stats(texts)
    emb = EmbCache(cache_dir / "emb_cache.pkl")
    scal, hv, tv = featurise_rows(rows, stats, cache_dir, tag, emb)
    t = time.time()
    meta = dict(meta or {})
    weight = 0.5
    if select:
        weight, found = select_text_weight(rows, scal, hv, tv, stats)
        meta["selection"] = {"text_weight": weight, "claim_disjoint_validation": found,
                             "columns": ["text_weight", "fnc_score", "macro_f1", "disagree_f1"]}
    model = stance.fit_from_features([(h, b) for h, _, b, _ in rows], scal, hv, tv, [r[3] for r in rows],
                                     *stats, stage2=stance.BlendStage2(weight), meta=meta)
    print(f"fitted in {time.time() - t:.0f}s", file=sys.stderr)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["all", "train"], default="all",
                    help="FNC-1 bodies to train on: all, or training_ids.txt only")
    ap.add_argument("--arc", action="store_true", help="add the ARC training pairs")
    ap.add_argument("--out", type=Path, default=stance.DEFAULT_MODEL)
    ap.add_argument("--no-select", action="store_true",
                    help="keep the default blend weight instead of choosing it on a claim-disjoint split")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/storylens_stance"))
    a = ap.parse_args(argv)
    import joblib

    t0 = time.time()
    rows = fnc_split(a.split) + (arc_rows() if a.arc else [])
    meta = {"data": f"../shared/data/fnc1 ({a.split} bodies)" + (" + ../shared/data/arc train" if a.arc else ""),
            "pairs": len(rows), "command": "python scripts/train_stance.py " + " ".join(argv or sys.argv[1:])}
    model = train(rows, a.cache, f"{a.split}{a.arc}", meta, select=not a.no_select)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, a.out, compress=3)
    print(json.dumps({**meta, "out": str(a.out), "bytes": a.out.stat().st_size,
                      "seconds": round(time.time() - t0)}))


if __name__ == "__main__":
    main()
