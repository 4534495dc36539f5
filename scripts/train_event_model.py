"""Train the event stage's sentence-class prior (src/storylens/data/events/penta_model.npz).

Data: ../shared/data/conflibert-cameo/cameo_class/train.tsv (ConfliBERT CAMEO sentences, `sentence<TAB>label`,
labels = CAMEO PentaClass 0-4; see that folder's SOURCE.md). Sentences that also occur in the PLOVER gold
records (../shared/data/plover-gsr) are left out, so the PLOVER benchmark stays unseen by the model.
Model: TF-IDF over word uni/bigrams (min_df 2, sublinear tf) + multinomial logistic regression, exported as
plain arrays and re-implemented in storylens.annotate.event_model (checked here to agree with scikit-learn).

    .venv/bin/python scripts/train_event_model.py                      # the shipped model (all rows)
    .venv/bin/python scripts/train_event_model.py --holdout 0.2 --out /tmp/penta80.npz
        # fixed 80% (seed 13, stratified), for benchmarks/events_conflibert.py --model on the other 20%
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))

from storylens.annotate.event_model import MODEL, PentaModel  # noqa: E402


def read_rows(path: Path) -> list[tuple[str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit("\t", 1)
        if len(parts) == 2 and parts[1].strip().isdigit():
            rows.append((parts[0].strip(), int(parts[1])))
    return rows


def plover_texts() -> set[str]:
    f = SHARED / "plover-gsr" / "gold_standard_records" / "PLOVER_GSR_CAMEO.txt"
    if not f.exists():
        return set()
    return {_key(r["text"]) for r in json.loads(f.read_text(encoding="utf-8")) if r.get("text")}


def _key(text: str) -> str:
    # the same news sentence can differ in quotes and spacing between the two collections
    return "".join(ch for ch in text.lower() if ch.isalnum())[:60]


def split(rows, holdout: float):
    from sklearn.model_selection import train_test_split

    texts, ys = [t for t, _ in rows], [y for _, y in rows]
    tr_x, te_x, tr_y, te_y = train_test_split(texts, ys, test_size=holdout, random_state=13, stratify=ys)
    return list(zip(tr_x, tr_y)), list(zip(te_x, te_y))


def fit(rows: list[tuple[str, int]]) -> PentaModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, ys = [t for t, _ in rows], [y for _, y in rows]
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(max_iter=3000, C=4.0).fit(x, ys)
    assert list(clf.classes_) == [0, 1, 2, 3, 4]
    vocab = [w for w, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
    m = PentaModel(vocab, vec.idf_, clf.coef_, clf.intercept_)
    ref = clf.predict_proba(x[:50])
    assert np.allclose(m.proba(texts[:50]), ref, atol=1e-6), "re-implemented TF-IDF differs from scikit-learn"
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=SHARED / "conflibert-cameo" / "cameo_class" / "train.tsv")
    ap.add_argument("--holdout", type=float, default=0.0)
    ap.add_argument("--out", type=Path, default=MODEL)
    args = ap.parse_args(argv)
    rows = read_rows(args.data)
    held = plover_texts()
    rows = [(t, y) for t, y in rows if _key(t) not in held]
    if args.holdout:
        rows, test = split(rows, args.holdout)
    m = fit(rows)
    note = (f"TF-IDF+LR CAMEO PentaClass; trained on {len(rows)} ConfliBERT cameo_class sentences"
            + (" (80% split, seed 13)" if args.holdout else "") + "; scripts/train_event_model.py")
    m.save(args.out, note)
    print(json.dumps({"rows": len(rows), "vocab": len(m.idf), "out": str(args.out),
                      "bytes": args.out.stat().st_size}))


if __name__ == "__main__":
    main()
