"""Train the story and topic grouping models on ECB+ topics 1-35 (cross-validated by topic).

    .venv/bin/python scripts/train_stories.py --ecb ../shared/data/ecbplus [--work /tmp/ecb-train]

Rebuilds ``src/storylens/data/stories/idf.tsv.gz`` (background IDF from the FNC-1 and ARC article
bodies, news text unrelated to ECB+) and ``src/storylens/data/stories/grouping.joblib``.

The ECB+ documents of topics 1-35 are written as text files and run through ``storylens analyze``
once (entities, events, dates as a user gets them); the script then rebuilds the article
representations with the product's own functions from that store. Topics 36-45 are refused: they
are the held-out test. Model choice and the two linkage thresholds come from 5-fold
cross-validation with whole topics held out (fold = sha1(topic) mod 5); the final models are then
trained on all of 1-35. The out-of-fold B-cubed figures are printed and stored in the artefact.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stories_ecb import bcubed, gold_of, read_ecb, topic_range, write_docs  # noqa: E402

from storylens.compare.grouping import FEATURES, IDF_PATH, MODEL_PATH, RepIndex, candidates  # noqa: E402

FOLDS = 5
T_GRID = [round(x, 2) for x in np.arange(0.10, 0.91, 0.05)]


def build_idf(shared: Path) -> None:
    from storylens.compare.grouping import tokens

    csv.field_size_limit(10 ** 8)
    df: Counter = Counter()
    n = 0
    for path in (shared / "fnc1" / "train_bodies.csv", shared / "arc" / "arc_bodies.csv"):
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                df.update(set(tokens(row.get("articleBody") or "")))
                n += 1
    IDF_PATH.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(IDF_PATH, "wt", encoding="utf-8") as f:
        f.write(f"<unseen>\t{math.log((1 + n) / 2) + 1:.4f}\n")
        for w, c in sorted(df.items()):
            if c >= 2:
                f.write(f"{w}\t{math.log((1 + n) / (1 + c)) + 1:.4f}\n")
    print(f"IDF over {n} background bodies, {sum(1 for c in df.values() if c >= 2)} words", file=sys.stderr)


def representations(store_path: Path):
    from storylens.compare.context import actor_groups, build_views
    from storylens.compare.grouping import represent
    from storylens.config import Config
    from storylens.link.actors import link_actors
    from storylens.store.db import Store

    store = Store(store_path, readonly=True)
    docs = [d for d in store.iter_documents(include_duplicates=False) if d.article.text]
    config = Config()
    actors = link_actors(docs, config)
    rep = actor_groups(actors)
    types = {a.id: a.type for a in actors}
    views = build_views(docs, rep)
    ordered = sorted(views.values(), key=lambda v: Path(v.doc.article.source_path).stem)
    reps = represent(ordered, types, config)
    return [reps[v.id] for v in ordered], [Path(v.doc.article.source_path).stem for v in ordered]


def make_models():
    from sklearn.ensemble import HistGradientBoostingClassifier

    def gbt():
        return HistGradientBoostingClassifier(max_iter=250, learning_rate=0.06, max_leaf_nodes=15,
                                              l2_regularization=1.0, min_samples_leaf=40, random_state=0)
    return gbt(), gbt()


def fit(F: np.ndarray, same_t: np.ndarray, same_s: np.ndarray, idx: np.ndarray, model_cfg: dict):
    iu = np.triu_indices(len(idx), 1)
    X = F[np.ix_(idx, idx)][iu]
    yt = same_t[np.ix_(idx, idx)][iu]
    ys = same_s[np.ix_(idx, idx)][iu]
    keep = candidates(X, model_cfg)
    topic, story = make_models()
    topic.fit(X[keep], yt[keep])
    story.fit(X[keep], ys[keep])
    return topic, story


def predict(models, F: np.ndarray, idx: np.ndarray, model_cfg: dict):
    topic, story = models
    sub = F[np.ix_(idx, idx)]
    flat = sub.reshape(-1, sub.shape[-1])
    keep = candidates(flat, model_cfg)
    pt = np.zeros(len(flat), np.float32)
    ps = np.zeros(len(flat), np.float32)
    pt[keep] = topic.predict_proba(flat[keep])[:, 1]
    ps[keep] = story.predict_proba(flat[keep])[:, 1]
    n = len(idx)
    pt, ps = pt.reshape(n, n), ps.reshape(n, n)
    return (pt + pt.T) / 2, (ps + ps.T) / 2


def score(pt, ps, t_topic, t_story, names):
    from storylens.compare.stories import nested_groups

    pred_t, pred_s = {}, {}
    for ti, topic in enumerate(nested_groups(pt, ps, t_topic, t_story)):
        for si, g in enumerate(topic):
            for i in g:
                pred_t[names[i]] = f"T{ti}"
                pred_s[names[i]] = f"T{ti}S{si}"
    gt = {n: gold_of(n)[0] for n in names}
    gs = {n: gold_of(n)[1] for n in names}
    return bcubed(pred_t, gt), bcubed(pred_s, gs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ecb", type=Path, default=ROOT.parent / "shared" / "data" / "ecbplus")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--topics", default="1-35")
    ap.add_argument("--work", type=Path, default=Path("/tmp/storylens-train-stories"))
    ap.add_argument("--store", type=Path, help="an existing store of the ECB+ documents (skips analyze)")
    ap.add_argument("--reuse-features", action="store_true",
                    help="reuse the pair features saved in --work by an earlier run (same code)")
    args = ap.parse_args(argv)
    topics = topic_range(args.topics)
    if any(int(t) >= 36 for t in topics):
        ap.error("topics 36-45 are the held-out test: never train on them")

    build_idf(args.shared)
    store = args.store
    if store is None:
        items = read_ecb(args.ecb, topics)
        write_docs(items, args.work / "docs")
        store = args.work / "out" / "storylens.sqlite"
        if not store.exists():
            subprocess.run([sys.executable, "-m", "storylens.cli", "analyze", str(args.work / "docs"), "--out",
                            str(args.work / "out"), "--no-report", "--no-progress"], check=False,
                           env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    cached = args.work / f"features-{len(FEATURES)}.npz"
    if args.reuse_features and cached.exists():
        z = np.load(cached)
        F, names = z["F"], [str(x) for x in z["names"]]
    else:
        reps, names = representations(store)
        keep = [i for i, n in enumerate(names) if gold_of(n)[0] in topics]
        reps, names = [reps[i] for i in keep], [names[i] for i in keep]
        index = RepIndex(reps)
        n = len(reps)
        F = np.zeros((n, n, len(FEATURES)), np.float32)
        for i in range(0, n, 200):
            F[i:i + 200] = index.features(np.arange(i, min(n, i + 200)), np.arange(n))
        args.work.mkdir(parents=True, exist_ok=True)
        np.savez(cached, F=F, names=np.array(names))
    n = len(names)
    print(f"{n} documents, {len({gold_of(x)[0] for x in names})} topics", file=sys.stderr, flush=True)
    gt = np.array([gold_of(x)[0] for x in names])
    gs = np.array([gold_of(x)[1] for x in names])
    same_t = (gt[:, None] == gt[None, :]).astype(int)
    same_s = (gs[:, None] == gs[None, :]).astype(int)
    fold = np.array([int(hashlib.sha1(t.encode()).hexdigest(), 16) % FOLDS for t in gt])
    cfg = {"min_tfidf": 0.02, "min_embed": 0.2}

    grid: dict[tuple, list] = {}
    for k in range(FOLDS):
        tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
        models = fit(F, same_t, same_s, tr, cfg)
        pt, ps = predict(models, F, te, cfg)
        for tt in T_GRID:
            for ts in T_GRID:
                (tp, tr_, tf), (sp, sr, sf) = score(pt, ps, tt, ts, [names[i] for i in te])
                grid.setdefault((tt, ts), []).append((len(te), tp, tr_, tf, sp, sr, sf))
        print(f"fold {k}: {len(te)} docs, {len(set(gt[te]))} topics", file=sys.stderr, flush=True)

    def mean(key, col):
        rows = grid[key]
        return sum(r[0] * r[col] for r in rows) / sum(r[0] for r in rows)

    # The topic threshold is chosen for topic F1, then the story threshold for story F1 at that topic threshold.
    t_topic = max(T_GRID, key=lambda tt: (round(np.mean([mean((tt, ts), 3) for ts in T_GRID]), 4), -abs(tt - 0.5)))
    t_story = max(T_GRID, key=lambda ts: (round(mean((t_topic, ts), 6), 4), -abs(ts - 0.5)))
    best = (t_topic, t_story)
    cv = {"topic": [mean(best, c) for c in (1, 2, 3)], "story": [mean(best, c) for c in (4, 5, 6)]}
    print(f"thresholds: topic {t_topic}, story {t_story}")
    print("| level | CV B3 P | CV B3 R | CV B3 F1 |\n|---|---|---|---|")
    for lvl in ("topic", "story"):
        p, r, f = cv[lvl]
        print(f"| {lvl} | {p:.3f} | {r:.3f} | {f:.3f} |")
    print("story F1 over story thresholds at the chosen topic threshold:",
          ", ".join(f"{ts}:{mean((t_topic, ts), 6):.3f}" for ts in T_GRID))
    print("topic F1 over topic thresholds (story threshold chosen):",
          ", ".join(f"{tt}:{mean((tt, t_story), 3):.3f}" for tt in T_GRID))

    topic, story = fit(F, same_t, same_s, np.arange(n), cfg)
    import joblib

    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"topic": topic, "story": story, "t_topic": t_topic, "t_story": t_story, "features": FEATURES,
                 "cv": cv, "trained_on": f"ECB+ topics {args.topics}", **cfg}, MODEL_PATH, compress=3)
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
