"""Event stage on the ConfliBERT CAMEO sentence-class data (PentaClass labels 0-4).

    .venv/bin/python benchmarks/events_conflibert.py --data ../shared/data/conflibert-cameo

DIR holds cameo_class/train.tsv (or test.tsv / dev.tsv: every *.tsv under DIR/cameo_class, or DIR itself
if it holds the tsv files), lines `sentence<TAB>label`. Labels read as CAMEO PentaClass (0 statement,
1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict; see the data's
SOURCE.md: the mapping is inferred there).

The event stage is a dictionary coder and was not trained on this data, so every sentence is unseen: the
figure reported is over all rows. Each sentence's class is the CAMEO root of its most confident event
(01-02 -> 0, 03-05 -> 1, 06-09 -> 2, 10-14 -> 3, 15-20 -> 4), class 0 when no event is found. A second
figure reads intended/hypothetical/negated events under the CAMEO convention the labels follow (an
expressed intent to cooperate is verbal cooperation, a refusal verbal conflict; see events_plover.cameo_view).
For reference, a TF-IDF + logistic-regression classifier trained on a fixed 80% and scored on the held-out
20% is printed too (it is not part of the product).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


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


def penta(cameo: str | None) -> int:
    if not cameo:
        return 0
    root = int(cameo[:2])
    return 0 if root <= 2 else 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


_TYPE_PENTA = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "COOPERATE": 2, "AID": 2, "CONCEDE": 2, "RETREAT": 2,
               "INVESTIGATE": 2, "DEMAND": 3, "DISAPPROVE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 3,
               "MOBILIZE": 4, "SANCTION": 4, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4}


def metrics(gold: list[int], pred: list[int]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    return {"accuracy": round(accuracy_score(gold, pred), 3),
            "macro_f1": round(f1_score(gold, pred, average="macro", labels=sorted(set(gold))), 3)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    args = ap.parse_args(argv)
    rows = read_rows(args.data)
    if not rows:
        raise SystemExit(f"no sentence<TAB>label rows under {args.data}")

    from storylens.annotate.entities import extract_entities
    from storylens.annotate.events import code_events
    from storylens.annotate.nlp import load_nlp, parse
    from storylens.config import Config
    from storylens.model import Article

    nlp = load_nlp(Config().spacy_model)
    arts = [Article(id=f"c{i}", source_path="conflibert", text=t) for i, (t, _) in enumerate(rows)]
    docs = []
    for d in parse(arts, nlp, batch_size=64):
        extract_entities(d)
        docs.append(d)
    t0 = time.perf_counter()
    coded = [code_events(d) for d in docs]
    stage_s = time.perf_counter() - t0
    from events_plover import cameo_view

    pred, conv = [], []
    for evs in coded:
        best = max(evs, key=lambda x: x[0].confidence or 0, default=None)
        pred.append(penta(best[0].cameo) if best else 0)
        view = cameo_view(best[0].type, best[0].mode) if best else None
        conv.append(pred[-1] if view is None or view == best[0].type else _TYPE_PENTA[view])
    gold = [y for _, y in rows]
    res = {"rows": len(rows), "event_stage": metrics(gold, pred),
           "event_stage_with_cameo_intent_convention": metrics(gold, conv),
           "event_stage_sentences_per_s": round(sum(len(d.sentences) for d in docs) / max(stage_s, 1e-9), 1)}

    # reference baseline on a fixed held-out 20%
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    texts = [t for t, _ in rows]
    tr_x, te_x, tr_y, te_y = train_test_split(texts, gold, test_size=0.2, random_state=13, stratify=gold)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    clf = LogisticRegression(max_iter=2000, C=4.0).fit(vec.fit_transform(tr_x), tr_y)
    res["tfidf_logreg_heldout_20pct"] = metrics(te_y, list(clf.predict(vec.transform(te_x))))
    held = set(te_x)
    res["event_stage_on_same_20pct"] = metrics([y for (t, y) in rows if t in held],
                                               [p for (t, _), p in zip(rows, pred) if t in held])
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
