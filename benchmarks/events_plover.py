"""Event coding against PLOVER gold records, through the product as a user runs it.

    PYTHONPATH=src .venv/bin/python benchmarks/events_plover.py \
        --data ../shared/data/plover-gsr/gold_standard_records/PLOVER_GSR_CAMEO.txt [--part tune|score|all]

Input: a JSON list (or JSON lines) of records with `text`, `event` (PLOVER type) and `source`/`target`
lists of {actorText, code}; records without text, or with event DOCUMENT, are skipped. Records sharing a
sentence are one sentence with several gold events.

Every sentence becomes one JSONL record; `storylens analyze` runs on that file and the events are read
from analysis.json (events_product.py). A sentence the product dropped counts as a miss. The records are
split by a fixed sha1 of the sentence into a tune part (the only part the event model is trained or tuned
on, and the only part whose errors --show-errors prints) and a score part (only counted).
- type: share of gold events with a predicted event of the same type
- source / target: the predicted event's `source_country` / `target_country` (first three letters of the
  CAMEO actor code: RUSGOV -> RUS, IGOUNO -> IGO) is among the gold codes; an empty gold side needs none
- exact: type, source and target all right
- extra events per sentence: predicted events not matched to a gold event, over the sentence count
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from events_product import analyze_sentences, part  # noqa: E402


def load_records(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, dict):
        data = data.get("records") or data.get("data") or [data]
    return [r for r in data if isinstance(r, dict) and r.get("text") and r.get("event") and r["event"] != "DOCUMENT"]


def gold_codes(side) -> set[str]:
    if not side:
        return set()
    if isinstance(side, dict):
        side = [side]
    out = set()
    for a in side:
        code = (a.get("code") if isinstance(a, dict) else str(a)) or ""
        if code:
            out.add(code.strip().upper()[:3])
    return out


def side_ok(country: str | None, gold: set[str]) -> bool:
    if not gold:
        return not country
    return (country or "").upper() in gold


def score(texts: list[str], by_text: dict, preds: list, show_errors: bool = False) -> dict:
    n_gold = type_ok = src_ok = tgt_ok = exact = extra = 0
    errors = []
    for text, evs in zip(texts, preds):
        dropped = evs is None
        evs = evs or []
        used = set()
        for g in by_text[text]:
            n_gold += 1
            gs, gt = gold_codes(g.get("source")), gold_codes(g.get("target"))
            same = [i for i, e in enumerate(evs) if e["type"] == g["event"] and i not in used]
            if same:
                best = max(same, key=lambda i: side_ok(evs[i].get("source_country"), gs) + side_ok(evs[i].get("target_country"), gt))
                used.add(best)
                type_ok += 1
            else:
                best = next((i for i in range(len(evs)) if i not in used), None)
                if best is not None:
                    used.add(best)
            e = evs[best] if best is not None else None
            sk = e is not None and side_ok(e.get("source_country"), gs)
            tk = e is not None and side_ok(e.get("target_country"), gt)
            src_ok += sk
            tgt_ok += tk
            exact += bool(same) and sk and tk
            if show_errors and not (same and sk and tk):
                errors.append(f"{g['event']:<11} {sorted(gs)}->{sorted(gt)} | got "
                              + ("DROPPED by the product before coding" if dropped else "; ".join(
                                  f"{x['type']}/{x['mode']} {x.get('source_code')}->{x.get('target_code')} [{x.get('trigger')}]"
                                  for x in evs)) + f" | {text[:150]}")
        extra += max(0, len(evs) - len(used))
    if show_errors:
        print("\n".join(errors))
    n = max(n_gold, 1)
    return {"records": n_gold, "sentences": len(texts),
            "type_accuracy": round(type_ok / n, 3), "source_accuracy": round(src_ok / n, 3),
            "target_accuracy": round(tgt_ok / n, 3), "exact": round(exact / n, 3),
            "extra_per_sentence": round(extra / max(len(texts), 1), 3)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--part", choices=("tune", "score", "all"), default="all",
                    help="which part to run (all = both, reported separately)")
    ap.add_argument("--show-errors", action="store_true", help="print the misses of the TUNE part only")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)

    records = load_records(args.data)
    by_text: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_text[r["text"].strip()].append(r)
    texts = [t for t in by_text if args.part == "all" or part(t) == args.part]
    preds, info = analyze_sentences(texts, [by_text[t][0].get("date") for t in texts], args.workdir)
    res = {"dropped_sentences": info["dropped"]}
    for name in ("tune", "score"):
        idx = [i for i, t in enumerate(texts) if part(t) == name]
        if idx:
            res[name] = score([texts[i] for i in idx], by_text, [preds[i] for i in idx],
                              show_errors=args.show_errors and name == "tune")
            res[name]["dropped"] = sum(1 for i in idx if preds[i] is None)
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
