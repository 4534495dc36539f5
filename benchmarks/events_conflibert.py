"""Event coding on the ConfliBERT CAMEO sentence-class data (PentaClass labels 0-4), through the product.

    PYTHONPATH=src .venv/bin/python benchmarks/events_conflibert.py --data ../shared/data/conflibert-cameo [--part score]

DIR holds cameo_class/train.tsv (or test.tsv / dev.tsv: every *.tsv under DIR/cameo_class, or DIR itself
if it holds the tsv files), lines `sentence<TAB>label`, labels read as CAMEO PentaClass (0 statement,
1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict; the data's
SOURCE.md says the mapping is inferred).

Every sentence becomes one JSONL record; `storylens analyze` runs on it and a sentence's class is the
CAMEO class of its most confident event in analysis.json (0 when it has none, or when the product
dropped the sentence). Split by a fixed sha1 of the sentence (events_product.part): the event model is
trained and tuned on the tune part only; the score part is only counted. In the same run, the reference
TF-IDF + logistic regression (word uni/bigrams) is trained on the tune part and scored on the score part.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from events_product import analyze_sentences, part, penta  # noqa: E402


def read_rows(data: Path) -> list[tuple[str, int]]:
    folder = data / "cameo_class" if (data / "cameo_class").is_dir() else data
    files = sorted(folder.glob("*.tsv")) if folder.is_dir() else [data]
    rows = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            parts = line.rsplit("\t", 1)
            if len(parts) == 2 and parts[1].strip().isdigit():
                rows.append((parts[0].strip(), int(parts[1])))
    return rows


def sentence_class(evs) -> int:
    if not evs:
        return 0
    best = max(evs, key=lambda e: e.get("confidence") or 0)
    return penta(best.get("cameo"), best.get("type"))


def metrics(gold: list[int], pred: list[int]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    return {"n": len(gold), "accuracy": round(accuracy_score(gold, pred), 3),
            "macro_f1": round(f1_score(gold, pred, average="macro", labels=sorted(set(gold))), 3)}


def baseline(train: list[tuple[str, int]], test: list[tuple[str, int]]) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    X = vec.fit_transform([t for t, _ in train])
    clf = LogisticRegression(C=10.0, max_iter=3000).fit(X, [y for _, y in train])
    return metrics([y for _, y in test], list(clf.predict(vec.transform([t for t, _ in test]))))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--part", choices=("tune", "score", "all"), default="all")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    rows = read_rows(args.data)
    if not rows:
        raise SystemExit(f"no sentence<TAB>label rows under {args.data}")
    run = [r for r in rows if args.part == "all" or part(r[0]) == args.part]
    preds, info = analyze_sentences([t for t, _ in run], workdir=args.workdir)
    res = {"rows": len(run), "dropped_sentences": info["dropped"]}
    for name in ("tune", "score"):
        idx = [i for i, (t, _) in enumerate(run) if part(t) == name]
        if idx:
            res[f"product_{name}"] = metrics([run[i][1] for i in idx], [sentence_class(preds[i]) for i in idx])
            res[f"product_{name}"]["dropped"] = sum(1 for i in idx if preds[i] is None)
    tune = [r for r in rows if part(r[0]) == "tune"]
    score_rows = [r for r in rows if part(r[0]) == "score"]
    res["tfidf_logreg_trained_on_tune_scored_on_score"] = baseline(tune, score_rows)
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
