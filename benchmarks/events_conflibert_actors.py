"""Who the source and who the target is: ConfliBERT's actor spans, through the product as a user runs it.

    PYTHONPATH=src .venv/bin/python benchmarks/events_conflibert_actors.py --data ../shared/data/conflibert-cameo [--part tune]

DIR/cameo_ner/train.txt (or any *.txt under DIR/cameo_ner) holds CoNLL-style `token TAG` lines, a blank
line between sentences; B/I-S tags the source actor, B/I-T the target actor (B/I-R, rare and
undocumented, is ignored). Each sentence (its tokens joined by spaces) becomes one JSONL record;
`storylens analyze` runs on the file and the events are read from analysis.json (events_product.py).

This checks the syntactic side of the coder (subject vs. object vs. place), independently of the event
type and of the CAMEO actor codes. ConfliBERT's spans follow its own annotation (a "car bomb" can be a
source, a town a target), so the absolute figures are a lower bound; what counts is the change between
versions and the swap rate. Per sentence, the event compared is the product's most confident one.
- source: its source_text overlaps a gold S span (sentences with an S span and an event);
- target: its target_text overlaps a gold T span (sentences with a T span and an event);
- swapped: its source overlaps a T span, or its target an S span;
- target with no gold target: it has a target where the sentence has no T span;
- events: share of the sentences with an S span that get any event.
Split by a fixed sha1 of the sentence (events_product.part); only the tune part is looked at in detail
(--show-errors prints tune-part misses only).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from events_product import analyze_sentences, part  # noqa: E402


def read_sentences(data: Path) -> list[tuple[str, list[tuple[int, int]], list[tuple[int, int]]]]:
    """(text, source spans, target spans) with character offsets into the space-joined text."""
    folder = data / "cameo_ner" if (data / "cameo_ner").is_dir() else data
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else [data]
    out = []
    for f in files:
        toks: list[tuple[str, str]] = []
        for line in f.read_text(encoding="utf-8").splitlines() + [""]:
            parts = line.split()
            if len(parts) >= 2:
                toks.append((parts[0], parts[-1]))
                continue
            if not toks:
                continue
            text, spans, pos = [], {"S": [], "T": []}, 0
            cur = None
            for w, tag in toks:
                start = pos
                text.append(w)
                pos += len(w) + 1
                lab = tag[2:] if len(tag) > 2 else None
                if tag.startswith("B-") and lab in spans:
                    cur = [lab, start, start + len(w)]
                    spans[lab].append(cur)
                elif tag.startswith("I-") and cur is not None and cur[0] == lab:
                    cur[2] = start + len(w)
                else:
                    cur = None
            out.append((" ".join(text), [(a, b) for _, a, b in spans["S"]], [(a, b) for _, a, b in spans["T"]]))
            toks = []
    return out


def _span(text: str, phrase: str | None) -> tuple[int, int] | None:
    if not phrase:
        return None
    i = text.find(phrase)
    return (i, i + len(phrase)) if i >= 0 else None


def _overlaps(a: tuple[int, int] | None, spans: list[tuple[int, int]]) -> bool:
    return a is not None and any(a[0] < e and s < a[1] for s, e in spans)


def score(items, preds, show_errors: bool = False) -> dict:
    n_s = n_t = n_ev = src_ok = tgt_ok = swapped = spurious = n_not = 0
    errors = []
    for (text, S, T), evs in zip(items, preds):
        if not S:
            continue
        if not evs:
            continue
        n_ev += 1
        e = max(evs, key=lambda x: x.get("confidence") or 0)
        s, t = _span(text, e.get("source_text")), _span(text, e.get("target_text"))
        sk = _overlaps(s, S)
        src_ok += sk
        n_s += 1
        tk = None
        if T:
            n_t += 1
            tk = _overlaps(t, T)
            tgt_ok += tk
        else:
            n_not += 1
            spurious += t is not None
        sw = _overlaps(s, T) or _overlaps(t, S)
        swapped += sw
        if show_errors and (not sk or tk is False or sw or (not T and t is not None)):
            g = lambda spans: " | ".join(text[a:b] for a, b in spans) or "-"  # noqa: E731
            errors.append(f"gold [{g(S)}] -> [{g(T)}]; got [{e.get('source_text')}] -> [{e.get('target_text')}] "
                          f"{e['type']} ({e.get('trigger')}) | {text[:160]}")
    if show_errors:
        print("\n".join(errors))
    n_with_s = sum(1 for _, S, _ in items if S)
    return {"sentences_with_source": n_with_s, "with_event": round(n_ev / max(n_with_s, 1), 3),
            "source": round(src_ok / max(n_s, 1), 3), "target": round(tgt_ok / max(n_t, 1), 3),
            "swapped": round(swapped / max(n_ev, 1), 3),
            "target_with_no_gold_target": round(spurious / max(n_not, 1), 3)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--part", choices=("tune", "score", "all"), default="all")
    ap.add_argument("--show-errors", action="store_true", help="print the misses of the TUNE part only")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    items = [x for x in read_sentences(args.data) if args.part == "all" or part(x[0]) == args.part]
    if not items:
        raise SystemExit(f"no CoNLL sentences under {args.data}")
    preds, info = analyze_sentences([t for t, _, _ in items], workdir=args.workdir)
    res = {"sentences": len(items), "dropped_sentences": info["dropped"]}
    for name in ("tune", "score"):
        idx = [i for i, x in enumerate(items) if part(x[0]) == name]
        if idx:
            res[name] = score([items[i] for i in idx], [preds[i] for i in idx],
                              show_errors=args.show_errors and name == "tune")
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
