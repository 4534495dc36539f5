"""Train the stance model (agree / disagree / discuss / unrelated) and write the artefact.

Data: ../shared/data/fnc1 (FNC-1 training data; training_ids.txt / hold_out_ids.txt split the bodies),
optionally ../shared/data/arc (ARC, FNC-1 format, user comments) as extra training pairs.

    .venv/bin/python scripts/train_stance.py                    # all FNC-1 bodies -> src/storylens/data/stance/model.joblib
    .venv/bin/python scripts/train_stance.py --split train      # training_ids bodies only (for hold-out evaluation)
    .venv/bin/python scripts/train_stance.py --reader-oof /tmp/reader/out/oof.npz   # the shipped model:
        # also chooses the share of the stance reader (scripts/train_stance_reader.py) and of `disagree`

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

import joblib
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FNC = SHARED / "data" / "fnc1"
ARC = SHARED / "data" / "arc"
sys.path.insert(0, str(ROOT / "src"))

from storylens.compare import stance  # noqa: E402

FEATURE_VERSION = "4"
FIT_VERSION = "general-1"  # change with the stage models or their hyperparameters


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


def claim_disjoint_split(seed: int = 0, share: float = 0.2):
    """Split FNC-1 by claim instead of by body: no headline or body of a test claim is seen in training.

    Claims are the connected components of the related (headline, body) pairs; a seeded share of them is
    held out. Pairs that mix a training claim with a test claim are dropped. This mimics the official
    test set, whose claims are all new, better than the body split does.
    """
    import random

    rows = fnc_split("all")
    find = claim_finder(rows)
    claims = sorted({find(f"b:{i}") for _, i, _, _ in rows})
    random.Random(seed).shuffle(claims)
    n_bodies = {c: 0 for c in claims}
    for c in {(find(f"b:{i}"), i) for _, i, _, _ in rows}:
        n_bodies[c[0]] += 1
    test, total, acc = set(), sum(n_bodies.values()), 0
    for c in claims:
        if acc >= share * total:
            break
        test.add(c)
        acc += n_bodies[c]
    side = lambda h, i: (find("h:" + h) in test, find(f"b:{i}") in test)  # noqa: E731
    train_rows = [r for r in rows if side(r[0], r[1]) == (False, False)]
    test_rows = [r for r in rows if side(r[0], r[1]) == (True, True)]
    return train_rows, test_rows, len(claims), len(test)


# Class counts of the FNC-1 competition test set (all claims new, 73% unrelated). Validation splits by claim
# have far fewer unrelated pairs, and the FNC score depends on the class mix, so figures are also given
# re-weighted to this mix.
TEST_MIX = {"agree": 1903, "disagree": 697, "discuss": 4464, "unrelated": 18349}


def confusion(gold, pred) -> np.ndarray:
    idx = {c: i for i, c in enumerate(stance.LABELS)}
    m = np.zeros((4, 4))
    for g, p in zip(gold, pred):
        m[idx[g], idx[p]] += 1
    return m


def scores_from_confusion(m: np.ndarray) -> tuple[float, float, float]:
    """(FNC relative score, macro-F1, disagree F1) of a (possibly fractional) confusion matrix."""
    labels = stance.LABELS
    score = best = 0.0
    for i, g in enumerate(labels):
        best += m[i].sum() * (0.25 if g == "unrelated" else 1.0)
        for j, p in enumerate(labels):
            if g == p:
                score += m[i, j] * (0.25 if g == "unrelated" else 1.0)
            elif g != "unrelated" and p != "unrelated":
                score += m[i, j] * 0.25
    f1 = [2 * m[k, k] / max(m[k].sum() + m[:, k].sum(), 1e-9) for k in range(4)]
    return score / max(best, 1e-9), float(np.mean(f1)), f1[1]


def reweight(m: np.ndarray, mix: dict = TEST_MIX) -> np.ndarray:
    """The confusion matrix expected under another class mix: each gold row keeps its distribution of
    predictions and is scaled to that class's count in ``mix``."""
    rows = m / np.maximum(m.sum(1, keepdims=True), 1e-9)
    return rows * np.array([mix[c] for c in stance.LABELS], float)[:, None]


def _scores(gold, pred) -> tuple[float, float, float]:
    """(FNC relative score, macro-F1, disagree F1)."""
    return scores_from_confusion(confusion(gold, pred))


TEXT_WEIGHTS = (0.4, 0.5, 0.6, 0.7)
DISAGREE_WEIGHTS = (1.0, 1.5, 2.0, 2.5, 3.0)


def claim_folds(rows, folds: int = 5) -> np.ndarray:
    """A fold per row: its claim (connected component) hashed into ``folds`` parts, so a claim's rows share
    a fold whatever else is in ``rows``."""
    return np.array([int(hashlib.sha1(c.encode()).hexdigest(), 16) % folds for c in claim_components(rows)])


def inner_claim_split(rows) -> tuple[np.ndarray, np.ndarray]:
    """Claims hashed into 5 parts (:func:`claim_folds`); part 0 is the validation part."""
    held = claim_folds(rows) == 0
    return np.where(~held)[0], np.where(held)[0]


def select_stage2(rows, scal, hv, tv, stats) -> tuple[float, float, list]:
    """Blend weight of the text model and decision weight of `disagree`, chosen on a claim-disjoint split of
    the training rows: what generalises to new claims, not what fits the old ones. The criterion is FNC score
    + macro-F1, both re-weighted to the FNC-1 test class mix (:data:`TEST_MIX`)."""
    tr, va = inner_claim_split(rows)
    comp = claim_components(rows)
    pairs = [(h, b) for h, _, b, _ in rows]
    labels = [r[3] for r in rows]
    gold = [labels[i] for i in va]
    m = stance.fit_from_features([pairs[i] for i in tr], scal[tr], hv[tr], tv[tr], [labels[i] for i in tr],
                                 *stats, stage2=stance.GeneralStage2(), groups=[comp[i] for i in tr])
    vp = [pairs[i] for i in va]
    width = m.stage1.n_features_in_
    p_rel = m.stage1.predict_proba(scal[va][:, :width])[:, 1]
    pt, pr = m.stage2.parts([h for h, _ in vp], [b for _, b in vp], scal[va], hv[va], tv[va])
    found = []
    for w in TEXT_WEIGHTS:
        p3 = w * pt + (1 - w) * pr
        P = np.column_stack([p3 * p_rel[:, None], 1.0 - p_rel])
        for dw in DISAGREE_WEIGHTS:
            m.stage2.text_weight, m.disagree_weight = w, dw
            cm = confusion(gold, m.labels_from_proba(P))
            raw, rew = scores_from_confusion(cm), scores_from_confusion(reweight(cm))
            found.append((w, dw, *[round(x, 4) for x in raw + rew]))
            print(f"text weight {w} disagree weight {dw}: claim-disjoint FNC {raw[0]:.4f} macro-F1 {raw[1]:.4f} "
                  f"disagree F1 {raw[2]:.3f}; re-weighted to the test mix FNC {rew[0]:.4f} macro-F1 {rew[1]:.4f}",
                  file=sys.stderr)
    best = max(found, key=lambda r: (r[5] + r[6], r[0], -r[1]))
    return best[0], best[1], found


def claim_fold_models(rows, scal, hv, tv, stats, new_stage2, folds: int = 5, groups: bool = False):
    """For each of ``folds`` claim-disjoint folds of the rows (claims hashed into ``folds`` parts): the fold's
    row indices, their (claim, body) pairs and a model fitted on the other folds, so every row is predicted
    by a model that never saw its claim. ``groups``: hand the stage-2 model each row's claim."""
    comp = claim_components(rows)
    fold = claim_folds(rows, folds)
    pairs = [(h, b) for h, _, b, _ in rows]
    labels = [r[3] for r in rows]
    for k in range(folds):
        t = time.time()
        tr, va = np.where(fold != k)[0], np.where(fold == k)[0]
        m = stance.fit_from_features([pairs[i] for i in tr], scal[tr], hv[tr], tv[tr], [labels[i] for i in tr],
                                     *stats, stage2=new_stage2(), groups=[comp[i] for i in tr] if groups else None)
        yield va, [pairs[i] for i in va], m
        print(f"fold {k}: {len(va)} rows in {time.time() - t:.0f}s", file=sys.stderr)


def cv_parts(rows, scal, hv, tv, stats, folds: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold (P(related), text-model, trees) probabilities of :class:`stance.GeneralStage2`
    (:func:`claim_fold_models`)."""
    p_rel, pt, pr = np.zeros(len(rows)), np.zeros((len(rows), 3)), np.zeros((len(rows), 3))
    for va, vp, m in claim_fold_models(rows, scal, hv, tv, stats, stance.GeneralStage2, folds, groups=True):
        p_rel[va] = m.stage1.predict_proba(scal[va])[:, 1]
        pt[va], pr[va] = m.stage2.parts([h for h, _ in vp], [b for _, b in vp], scal[va], hv[va], tv[va])
    return p_rel, pt, pr


def weight_grid(gold, p_rel, blends) -> list[tuple]:
    """(weight, disagree weight, raw FNC / macro-F1 / disagree F1, the same at the test mix) for each
    (weight, stage-2 probabilities) in ``blends`` and each `disagree` weight."""
    m = stance.StanceModel(vectorizer=None, idf={}, avg_len=1.0, stage1=None, stage2=None)
    found = []
    for w, p3 in blends:
        P = np.column_stack([p3 * p_rel[:, None], 1.0 - p_rel])
        for dw in DISAGREE_WEIGHTS:
            m.disagree_weight = dw
            cm = confusion(gold, m.labels_from_proba(P))
            found.append((w, dw, *[round(float(x), 4) for x in
                                   scores_from_confusion(cm) + scores_from_confusion(reweight(cm))]))
    return found


def grid_from_parts(gold, p_rel, pt, pr) -> list[tuple]:
    """:func:`weight_grid` over the text model's weight in GeneralStage2."""
    return weight_grid(gold, p_rel, ((w, w * pt + (1 - w) * pr) for w in TEXT_WEIGHTS))


def cv_select(rows, scal, hv, tv, stats, folds: int = 5) -> tuple[float, float, list]:
    """Blend and `disagree` weights chosen on out-of-fold predictions over all claim-disjoint folds (one
    held-out fold of ~30 claims is too noisy to choose from: a single claim can dominate it)."""
    p_rel, pt, pr = cv_parts(rows, scal, hv, tv, stats, folds)
    found = grid_from_parts([r[3] for r in rows], p_rel, pt, pr)
    for r in found:
        print("text weight {} disagree weight {}: FNC {:.4f} macro-F1 {:.4f} disagree F1 {:.3f}; at the test mix "
              "FNC {:.4f} macro-F1 {:.4f} disagree F1 {:.3f}".format(*r), file=sys.stderr)
    best = max(found, key=lambda r: (r[5] + r[6], r[0], -r[1]))
    return best[0], best[1], found


READER_WEIGHTS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0)


def blend_cv_parts(rows, scal, hv, tv, stats, cache_dir: Path, tag: str, folds: int = 5):
    """Out-of-fold (P(related), stage-2 probabilities) of the shipped recipe (BlendStage2) over the same
    claim-disjoint folds as :func:`cv_parts`, cached by content."""
    key = hashlib.sha1((FEATURE_VERSION + FIT_VERSION + "blendcv" + tag + str(len(rows)) + "".join(
        f"{h}\x00{i}\x00{st}\x00" for h, i, _, st in rows)).encode()).hexdigest()[:16]
    f = cache_dir / f"blendcv_{key}.npz"
    if f.exists():
        z = np.load(f)
        return z["p_rel"], z["p3"]
    p_rel, p3 = np.zeros(len(rows)), np.zeros((len(rows), 3))
    for va, vp, m in claim_fold_models(rows, scal, hv, tv, stats, lambda: stance.BlendStage2(0.5), folds):
        p_rel[va] = m.stage1.predict_proba(scal[va])[:, 1]
        p3[va] = m.stage2.predict_proba([h for h, _ in vp], [b for _, b in vp], scal[va], hv[va], tv[va])
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(f, p_rel=p_rel, p3=p3)
    return p_rel, p3


def reader_select(rows, scal, hv, tv, stats, oof: Path, cache_dir: Path, tag: str) -> tuple[float, float, list]:
    """Share of the stance reader and decision weight of `disagree`, chosen on out-of-fold predictions over
    5 claim-disjoint folds of ``rows``: the reader's come from ``oof`` (``scripts/train_stance_reader.py``
    writes them over the same folds), stage 2's from :func:`blend_cv_parts`. Rows the reader did not read
    (gold unrelated) keep stage 2's probabilities. Criterion: FNC score + macro-F1 at the test mix."""
    p_rel, p3 = blend_cv_parts(rows, scal, hv, tv, stats, cache_dir, tag)
    z = np.load(oof)
    lookup = dict(zip(z["key"].tolist(), z["proba"]))
    R = p3.copy()
    have = 0
    for j, (h, i, _, _) in enumerate(rows):
        r = lookup.get(f"{h}\x00{i}")
        if r is not None:
            R[j], have = r, have + 1
    print(f"reader out-of-fold probabilities for {have} of {len(rows)} rows", file=sys.stderr)
    found = weight_grid([r[3] for r in rows], p_rel, ((w, (1 - w) * p3 + w * R) for w in READER_WEIGHTS))
    for r in found:
        print("reader weight {} disagree weight {}: FNC {:.4f} macro-F1 {:.4f} disagree F1 {:.3f}; at the "
              "test mix FNC {:.4f} macro-F1 {:.4f} disagree F1 {:.3f}".format(*r), file=sys.stderr)
    best = max(found, key=lambda r: (r[5] + r[6], -r[1]))
    return best[0], best[1], found


# Chosen by 5-fold claim-disjoint cross-validation (`benchmarks/stance_fnc1.py --claim-split --select cv` reruns it)
# inside that split's training claims (the held-out claims play no part); see benchmarks/results/stance.md.
DEFAULT_TEXT_WEIGHT, DEFAULT_DISAGREE_WEIGHT = 0.4, 2.5


def train(rows, cache_dir: Path, tag: str, meta: dict | None = None, select: str = "none",
          stage2: str = "blend", reader_oof: Path | None = None, reader_rows=None) -> stance.StanceModel:
    """``stage2``: "blend" is the shipped recipe (:class:`stance.BlendStage2`, text weight 0.5, no `disagree`
    weight); "general" is :class:`stance.GeneralStage2`, which is better inside the training claims but did
    not beat "blend" on the benchmark's held-out claims (benchmarks/results/stance.md).
    ``select`` (general only): "none" keeps the default weights, "fold" chooses them on one claim-disjoint
    fold of the rows, "cv" on 5 claim-disjoint folds (6 fits instead of 1)."""
    texts = list(dict.fromkeys([b for _, _, b, _ in rows])) + list(dict.fromkeys([h for h, _, _, _ in rows]))
    stats = stance.fit_text_stats(texts)
    emb = EmbCache(cache_dir / "emb_cache.pkl")
    scal, hv, tv = featurise_rows(rows, stats, cache_dir, tag, emb)
    t = time.time()
    meta = dict(meta or {})
    if stage2 == "blend":
        model = stance.fit_from_features([(h, b) for h, _, b, _ in rows], scal, hv, tv, [r[3] for r in rows],
                                         *stats, stage2=stance.BlendStage2(0.5), meta=meta)
        print(f"fitted in {time.time() - t:.0f}s", file=sys.stderr)
        if reader_oof:
            # the weights are chosen on the rows the reader's folds cover (the benchmark's training claims
            # when the model is trained on all of FNC-1): features under those rows' own TF-IDF space
            sel_rows = reader_rows if reader_rows is not None else rows
            sel_stats = stats if reader_rows is None else stance.fit_text_stats(
                list(dict.fromkeys([b for _, _, b, _ in sel_rows])) + list(dict.fromkeys([h for h, _, _, _ in sel_rows])))
            sel = featurise_rows(sel_rows, sel_stats, cache_dir, tag if reader_rows is None else "claim" + "False", emb)
            w, dw, found = reader_select(sel_rows, *sel, sel_stats, reader_oof, cache_dir, tag)
            model.reader_weight, model.disagree_weight = w, dw
            model.meta["reader_selection"] = {
                "reader_weight": w, "disagree_weight": dw, "claim_disjoint_out_of_fold": found,
                "columns": ["reader_weight", "disagree_weight", "fnc_score", "macro_f1", "disagree_f1",
                            "fnc_score_test_mix", "macro_f1_test_mix", "disagree_f1_test_mix"]}
        return model
    weight, dis_weight = DEFAULT_TEXT_WEIGHT, DEFAULT_DISAGREE_WEIGHT
    if select != "none":
        weight, dis_weight, found = (select_stage2 if select == "fold" else cv_select)(rows, scal, hv, tv, stats)
        meta["selection"] = {"method": select, "text_weight": weight, "disagree_weight": dis_weight,
                             "claim_disjoint_validation": found,
                             "columns": ["text_weight", "disagree_weight", "fnc_score", "macro_f1", "disagree_f1",
                                         "fnc_score_test_mix", "macro_f1_test_mix", "disagree_f1_test_mix"]}
    # the fitted stages do not depend on the two weights, which only combine their outputs: a fit is cached
    # by content and the weights are set afterwards
    key = hashlib.sha1((FEATURE_VERSION + FIT_VERSION + tag + str(len(rows)) + "".join(
        f"{h}\x00{i}\x00{st}\x00" for h, i, _, st in rows)).encode()).hexdigest()[:16]
    f = cache_dir / f"fit_{key}.joblib"
    if f.exists():
        model = joblib.load(f)
    else:
        model = stance.fit_from_features([(h, b) for h, _, b, _ in rows], scal, hv, tv, [r[3] for r in rows],
                                         *stats, stage2=stance.GeneralStage2(), groups=claim_components(rows))
        cache_dir.mkdir(parents=True, exist_ok=True)
        joblib.dump(model, f)
    model.stage2.text_weight, model.disagree_weight, model.meta = weight, dis_weight, meta
    print(f"fitted in {time.time() - t:.0f}s", file=sys.stderr)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["all", "train"], default="all",
                    help="FNC-1 bodies to train on: all, or training_ids.txt only")
    ap.add_argument("--arc", action="store_true", help="add the ARC training pairs")
    ap.add_argument("--out", type=Path, default=stance.DEFAULT_MODEL)
    ap.add_argument("--stage2", choices=["blend", "general"], default="blend",
                    help="stage-2 model: the shipped blend, or the claim-general model (see train())")
    ap.add_argument("--select", choices=["none", "fold", "cv"], default="none",
                    help="stage-2 blend and disagree weights: the defaults chosen once by claim-disjoint "
                         "cross-validation (none), or chosen again on these rows' claims: one fold, or 5 folds")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/storylens_stance"))
    ap.add_argument("--reader-oof", type=Path,
                    help="out-of-fold stance-reader probabilities (scripts/train_stance_reader.py train writes "
                         "oof.npz over the benchmark's training claims): choose the reader's share with them")
    a = ap.parse_args(argv)
    import joblib

    t0 = time.time()
    rows = fnc_split(a.split) + (arc_rows() if a.arc else [])
    meta = {"data": f"../shared/data/fnc1 ({a.split} bodies)" + (" + ../shared/data/arc train" if a.arc else ""),
            "pairs": len(rows), "stage2": a.stage2,
            "command": "python scripts/train_stance.py " + " ".join(argv or sys.argv[1:])}
    model = train(rows, a.cache, f"{a.split}{a.arc}", meta, select=a.select, stage2=a.stage2,
                  reader_oof=a.reader_oof, reader_rows=claim_disjoint_split()[0] if a.reader_oof else None)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, a.out, compress=3)
    print(json.dumps({**meta, "out": str(a.out), "bytes": a.out.stat().st_size,
                      "seconds": round(time.time() - t0)}))


if __name__ == "__main__":
    main()
