"""Event stage on the ConfliBERT CAMEO sentence-class data (PentaClass labels 0-4).

    .venv/bin/python benchmarks/events_conflibert.py --data ../shared/data/conflibert-cameo

DIR holds cameo_class/train.tsv (or test.tsv / dev.tsv: every *.tsv under DIR/cameo_class, or DIR itself
if it holds the tsv files), lines `sentence<TAB>label`. Labels read as CAMEO PentaClass (0 statement,
1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict; see the data's
SOURCE.md: the mapping is inferred there).

Each sentence's class is the CAMEO root of its most confident event (01-02 -> 0, 03-05 -> 1, 06-09 -> 2,
10-14 -> 3, 15-20 -> 4), class 0 when no event is found. Figures:
- dictionary coder alone (no learned part) over all rows: all unseen;
- on the fixed held-out 20% (seed 13, stratified): the TF-IDF + logistic-regression sentence-class model
  alone, trained on the other 80% with scripts/train_event_model.py's fit(); the dictionary coder alone;
  and the dictionary coder with that 80%-trained model as a veto (events.VETO_BELOW, swept with --veto).
The shipped model (data/events/penta_model.npz) is trained on all rows, so only the 20% figures measure it.
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



def classify(evs) -> int:
    """A sentence's class: the CAMEO class of its most confident event, 0 (statement) when none."""
    best = max(evs, key=lambda x: x[0].confidence or 0, default=None)
    return penta(best[0].cameo) if best else 0


def metrics(gold: list[int], pred: list[int]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    return {"accuracy": round(accuracy_score(gold, pred), 3),
            "macro_f1": round(f1_score(gold, pred, average="macro", labels=sorted(set(gold))), 3)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--veto", type=float, nargs="*", default=[0.05, 0.1, 0.15, 0.2, 0.3])
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
    from storylens.annotate import events as ev_mod

    t0 = time.perf_counter()
    coded = [code_events(d, prior=None) for d in docs]
    stage_s = time.perf_counter() - t0
    pred = [classify(evs) for evs in coded]
    gold = [y for _, y in rows]
    res = {"rows": len(rows), "dictionary_only_all_rows": metrics(gold, pred),
           "event_stage_sentences_per_s": round(sum(len(d.sentences) for d in docs) / max(stage_s, 1e-9), 1)}

    # fixed held-out 20% (seed 13, stratified); the sentence-class prior is trained on the other 80%
    from sklearn.model_selection import train_test_split

    sys.path.insert(0, str(ROOT / "scripts"))
    from train_event_model import fit

    idx = list(range(len(rows)))
    tr_i, te_i = train_test_split(idx, test_size=0.2, random_state=13, stratify=gold)
    prior = fit([rows[i] for i in tr_i])
    te_y = [gold[i] for i in te_i]
    res["tfidf_logreg_alone_heldout_20pct"] = metrics(te_y, [int(p.argmax()) for p in prior.proba([rows[i][0] for i in te_i])])
    res["dictionary_only_heldout_20pct"] = metrics(te_y, [pred[i] for i in te_i])
    default_veto = ev_mod.VETO_BELOW
    for veto in args.veto:
        ev_mod.VETO_BELOW = veto
        combo = [classify(code_events(docs[i], prior=prior)) for i in te_i]
        res[f"dictionary_plus_prior_veto_{veto}_heldout_20pct"] = metrics(te_y, combo)
    ev_mod.VETO_BELOW = default_veto
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
