"""Stance on the FNC-1 dev split: our model vs the FNC-1 baseline, trained in the same run.

Both systems are trained on the pairs whose body is in ../shared/data/fnc1/training_ids.txt and scored on the
pairs whose body is in hold_out_ids.txt (the official baseline's dev split). Reported: the official FNC score
relative to its maximum (0.25 per correct related/unrelated call, +0.75 for the exact related label),
macro-F1 over the four classes, per-class F1 and the confusion matrix.

    .venv/bin/python benchmarks/stance_fnc1.py [--write benchmarks/results/stance.md] [--no-baseline]
    .venv/bin/python benchmarks/stance_fnc1.py --claim-split   # no test claim seen in training

With --claim-split, whole claims (connected components of related headline/body pairs) are held out instead,
which is closer to the unseen FNC-1 test set.

The baseline is the FNC-1 organisers' system (github.com/FakeNewsChallenge/fnc-1-baseline): word-overlap,
refuting-word, polarity and n-gram/char-gram co-occurrence features with GradientBoostingClassifier(200 trees);
re-implemented here without the WordNet lemmatiser (plain lowercased tokens).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

import train_stance as T  # noqa: E402
from storylens.compare import stance  # noqa: E402

LABELS = list(stance.LABELS)


# ---------------------------------------------------------------- metrics

def fnc_score(gold, pred) -> float:
    score = best = 0.0
    for g, p in zip(gold, pred):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.75
        elif g != "unrelated" and p != "unrelated":
            score += 0.25
    return score / best


def per_class_f1(gold, pred) -> dict:
    out = {}
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def confusion(gold, pred) -> list[list[int]]:
    idx = {c: i for i, c in enumerate(LABELS)}
    m = [[0] * 4 for _ in LABELS]
    for g, p in zip(gold, pred):
        m[idx[g]][idx[p]] += 1
    return m


# ---------------------------------------------------------------- FNC-1 baseline

_REFUTING = ["fake", "fraud", "hoax", "false", "deny", "denies", "not", "despite", "nope", "doubt", "doubts",
             "bogus", "debunk", "pranks", "retract"]


def _clean(s: str) -> str:
    return " ".join(re.findall(r"\w+", s, flags=re.UNICODE)).lower()


def baseline_features(headline: str, body: str, stop: frozenset) -> list[float]:
    h, b = _clean(headline), _clean(body)
    ht, bt = h.split(), b.split()
    hs, bs = set(t for t in ht if t not in stop), set(t for t in bt if t not in stop)
    f = [len(hs & bs) / max(len(hs | bs), 1)]
    f += [float(w in set(ht)) for w in _REFUTING]
    f += [float(sum(w in set(ht) for w in _REFUTING) % 2), float(sum(w in set(bt) for w in _REFUTING) % 2)]
    # binary_co_occurence / binary_co_occurence_stops
    f += [sum(t in b for t in ht), sum(t in b[:255] for t in ht)]
    f += [sum(t in b for t in ht if t not in stop), sum(t in b[:255] for t in ht if t not in stop)]
    hns = " ".join(t for t in h.split(" ") if t not in stop)
    for n in (2, 8, 4, 16):  # char-grams of the headline without stop words
        grams = [hns[i:i + n] for i in range(len(hns) - n + 1)]
        f += [sum(g in b for g in grams), sum(g in b[:255] for g in grams), sum(g in b[:100] for g in grams)]
    hw = h.split(" ")
    for n in (2, 3, 4, 5, 6):
        grams = [" ".join(hw[i:i + n]) for i in range(len(hw) - n + 1)]
        f += [sum(g in b for g in grams), sum(g in b[:255] for g in grams)]
    return f


def run_baseline(train_rows, test_rows) -> list[str]:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop = frozenset(ENGLISH_STOP_WORDS)
    Xtr = np.array([baseline_features(h, b, stop) for h, _, b, _ in train_rows])
    Xte = np.array([baseline_features(h, b, stop) for h, _, b, _ in test_rows])
    clf = GradientBoostingClassifier(n_estimators=200, random_state=14128)
    clf.fit(Xtr, [r[3] for r in train_rows])
    return list(clf.predict(Xte))


# ---------------------------------------------------------------- report

def table(results: dict[str, list[str]], gold: list[str]) -> str:
    """Per system: the raw figures, then FNC score / macro-F1 / disagree F1 re-weighted to the FNC-1 test
    set's class mix (each gold class's row of the confusion matrix scaled to its count in the test set)."""
    lines = ["| system | FNC score (rel.) | macro-F1 | F1 agree | F1 disagree | F1 discuss | F1 unrelated "
             "| FNC / macro-F1 / F1 disagree at the test mix |",
             "|---|---|---|---|---|---|---|---|"]
    for name, pred in results.items():
        f1 = per_class_f1(gold, pred)
        rw = T.scores_from_confusion(T.reweight(T.confusion(gold, pred)))
        lines.append(f"| {name} | {fnc_score(gold, pred):.4f} | {np.mean(list(f1.values())):.4f} | "
                     + " | ".join(f"{f1[c]:.4f}" for c in LABELS) + f" | {rw[0]:.4f} / {rw[1]:.4f} / {rw[2]:.3f} |")
    return "\n".join(lines)


def confusion_md(gold, pred) -> str:
    m = confusion(gold, pred)
    lines = ["| gold \\ predicted | " + " | ".join(LABELS) + " |", "|---" * 5 + "|"]
    for c, row in zip(LABELS, m):
        lines.append(f"| {c} | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines)


def predict_via_cli(model, rows, reader: str) -> list[str]:
    """Labels as a user gets them: the fitted model saved, the test pairs written as FNC-1 CSV files and
    `storylens stance --model` run on them in a fresh process."""
    import csv
    import subprocess
    import tempfile

    import joblib

    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        joblib.dump(model, d / "model.joblib")
        bodies = {i: b for _, i, b, _ in rows}
        with open(d / "bodies.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["Body ID", "articleBody"])
            w.writerows(bodies.items())
        with open(d / "stances.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["Headline", "Body ID"])
            w.writerows((h, i) for h, i, _, _ in rows)
        env = dict(os.environ, STORYLENS_STANCE_READER=reader)
        subprocess.run([str(Path(sys.executable).parent / "storylens"), "stance", "--bodies", str(d / "bodies.csv"),
                        "--stances", str(d / "stances.csv"), "--out", str(d / "pred.csv"),
                        "--model", str(d / "model.joblib")], check=True, env=env)
        with open(d / "pred.csv", newline="", encoding="utf-8") as f:
            return [r["Stance"] for r in csv.DictReader(f)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", type=Path, help="write the markdown report here")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--stage2", choices=["blend", "general"], default="blend",
                    help="stage-2 model (scripts/train_stance.py): the shipped blend or the claim-general model")
    ap.add_argument("--select", choices=["none", "fold", "cv"], default="none",
                    help="stage-2 weights: the script's defaults, or chosen on claim-disjoint folds of the "
                         "training claims (one fold, or 5-fold out-of-fold predictions)")
    ap.add_argument("--arc", action="store_true", help="also train on the ARC training pairs")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/storylens_stance"))
    ap.add_argument("--reader", default="off",
                    help="stance reader ONNX trained on this split's training pairs only (scripts/"
                         "train_stance_reader.py; reader_claimsplit.onnx for --claim-split), or off. The shipped "
                         "reader saw every FNC-1 pair, so it is never used here by default")
    ap.add_argument("--reader-oof", type=Path, help="out-of-fold reader probabilities over the training claims "
                    "(oof.npz): the reader's share is chosen on them")
    ap.add_argument("--in-process", action="store_true",
                    help="predict in this process from cached features instead of through `storylens stance`")
    ap.add_argument("--claim-split", action="store_true",
                    help="split by claim (no test headline or body claim seen in training) instead of "
                         "training_ids/hold_out_ids")
    a = ap.parse_args(argv)
    os.environ["STORYLENS_STANCE_READER"] = a.reader

    if a.claim_split:
        train_rows, test_rows, n_claims, n_test = T.claim_disjoint_split()
        split_desc = (f"claim-disjoint split (seed 0): {n_test} of {n_claims} claims held out; train "
                      f"{len(train_rows)} pairs, test {len(test_rows)} pairs")
    else:
        train_rows, test_rows = T.fnc_split("train"), T.fnc_split("holdout")
        split_desc = (f"train: {len(train_rows)} pairs whose body is in training_ids.txt; test: "
                      f"{len(test_rows)} pairs whose body is in hold_out_ids.txt")
    tag = "claim" if a.claim_split else "train"
    gold = [r[3] for r in test_rows]
    seen_heads = {h for h, _, _, _ in train_rows}
    shared_heads = sum(h in seen_heads for h, _, _, _ in test_rows)
    t0 = time.time()
    model = T.train(train_rows + (T.arc_rows() if a.arc else []), a.cache, f"{tag}{a.arc}",
                    meta={"data": "training_ids"}, select=a.select, stage2=a.stage2, reader_oof=a.reader_oof)
    if a.in_process:
        emb = T.EmbCache(a.cache / "emb_cache.pkl")
        stats = (model.vectorizer, model.idf, model.avg_len)
        feats = T.featurise_rows(test_rows, stats, a.cache, f"test-under-{tag}{a.arc}", emb)
        test_pairs = [(h, b) for h, _, b, _ in test_rows]
        reader = model.reader()
        passages = stance.claim_passages(test_pairs, model.vectorizer, emb.d, reader.passage) if reader else None
        ours = model.labels_from_proba(model.proba_from_features(test_pairs, *feats, passages=passages))
    else:
        ours = predict_via_cli(model, test_rows, a.reader)
    t_ours = time.time() - t0
    results = {"storylens two-stage (this repo)": ours}
    t_base = None
    if not a.no_baseline:
        t1 = time.time()
        results["FNC-1 baseline (re-implemented, same split)"] = run_baseline(train_rows, test_rows)
        t_base = time.time() - t1

    counts = {c: gold.count(c) for c in LABELS}
    report = [
        "## Stance, FNC-1 " + ("claim-disjoint split" if a.claim_split else "dev split (hold_out_ids.txt)"), "",
        f"Date: {dt.date.today().isoformat()}. Command: `.venv/bin/python benchmarks/stance_fnc1.py"
        + (" --claim-split" if a.claim_split else "") + (" --arc" if a.arc else "")
        + (" --no-baseline" if a.no_baseline else "") + (f" --select {a.select}" if a.select != "none" else "")
        + (f" --stage2 {a.stage2}" if a.stage2 != "blend" else "")
        + (" --in-process" if a.in_process else "") + (f" --reader {a.reader}" if a.reader != "off" else "") + (f" --reader-oof {a.reader_oof}" if a.reader_oof else "")
        + "`.", "",
        f"{split_desc}" + (" (+ ARC training pairs for storylens)" if a.arc else "")
        + f"; test labels {counts}. Both systems trained in this run on the same pairs.", "",
        (f"Stance reader: {a.reader}, share {model.reader_weight}, `disagree` weight {model.disagree_weight} "
         "(chosen on out-of-fold predictions inside the training claims)." if model.reader() else
         "Stance reader: off."), "",
        table(results, gold), "",
        "Confusion matrix of the storylens model:", "", confusion_md(gold, ours), "",
        (f"{shared_heads} of {len(test_rows)} test pairs have a headline that also occurs in training."
         + ("" if a.claim_split else " The split is by body, not by claim, so the unseen FNC-1 test set, whose "
            "claims are all new, is harder than these figures suggest (see --claim-split).")), "",
        ("Predictions from this process (cached features)." if a.in_process else
         "Predictions through `storylens stance --model` (the fitted model saved; a fresh process)."), "",
        f"Time (2 shared CPU cores): storylens train+predict {t_ours:.0f}s (features cached in {a.cache} "
        "after the first run)" + (f"; baseline {t_base:.0f}s." if t_base else "."),
    ]
    text = "\n".join(report)
    print(text)
    if a.write:
        a.write.parent.mkdir(parents=True, exist_ok=True)
        a.write.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
