"""Article-body extraction quality on the Zyte article-extraction-benchmark.

    .venv/bin/python benchmarks/extraction.py --data ../shared/data/article-extraction-benchmark

Scores storylens's HTML path (reader + cleaner: the text an Article ends up with) and plain
trafilatura (installed version, default settings) in the same run, plus the outputs the benchmark
stores for other systems (output/*.json, e.g. trafilatura 2.0.0) on the same pages, with the benchmark's own metric (see its
SOURCE.md): \\w+ tokens, 4-gram shingles compared as multisets, per-page TP/FP/FN normalised,
precision and recall averaged over pages, F1 from those means.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tok = _TOKEN.findall(text or "")
    return Counter(tuple(tok[i:i + n]) for i in range(max(1, len(tok) - n + 1)) if tok[i:i + n])


def page_pr(truth: str, pred: str) -> tuple[float, float]:
    a, b = shingles(truth), shingles(pred)
    tp, fp, fn = sum((a & b).values()), sum((b - a).values()), sum((a - b).values())
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def score(truth: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    prs = [page_pr(truth[k], pred.get(k, "")) for k in truth]
    p = sum(x for x, _ in prs) / len(prs)
    r = sum(y for _, y in prs) / len(prs)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def plain_trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def storylens_html(html: str, url: str | None) -> str:
    from storylens.clean import clean_item
    from storylens.ingest.html import html_item
    from storylens.ingest.source import BadInput

    try:
        return clean_item(html_item("page.html", html, url=url)).text
    except BadInput:
        return ""


SYSTEMS = {"storylens": storylens_html, "trafilatura": plain_trafilatura}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "article-extraction-benchmark"))
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--dump", help="write each system's predictions to this folder")
    ap.add_argument("--reference", default="trafilatura,newspaper,readability,html-text",
                    help="also score these stored outputs from the benchmark's output/ folder, on the same pages")
    args = ap.parse_args(argv)
    data = Path(args.data)
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted(data.glob("html/*.html.gz"))
    if args.limit:
        pages = pages[:args.limit]
    truth = {p.name[:-len(".html.gz")]: gt[p.name[:-len(".html.gz")]]["articleBody"] for p in pages}
    htmls = {k: gzip.open(data / "html" / f"{k}.html.gz").read().decode("utf-8", "replace") for k in truth}
    results = {}
    print(f"{len(truth)} pages from {data}")
    print(f"{'system':<14} {'precision':>9} {'recall':>7} {'F1':>6} {'s/page':>7}")
    for name in args.systems.split(","):
        fn = SYSTEMS[name]
        t0 = time.perf_counter()
        pred = {k: fn(h, gt[k].get("url")) for k, h in htmls.items()}
        dt = (time.perf_counter() - t0) / len(htmls)
        s = score(truth, pred)
        results[name] = {**s, "seconds_per_page": dt}
        print(f"{name:<14} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} {dt:7.3f}")
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            Path(args.dump, f"{name}.json").write_text(json.dumps(pred, ensure_ascii=False, indent=0))
    for ref in filter(None, args.reference.split(",")):
        f = data / "output" / f"{ref}.json"
        if not f.exists():
            continue
        stored = json.loads(f.read_text(encoding="utf-8"))
        stored = stored.get("output", stored) if isinstance(stored, dict) and "output" in stored else stored
        pred = {k: (stored.get(k) or {}).get("articleBody", "") for k in truth}
        s = score(truth, pred)
        results[f"stored:{ref}"] = s
        print(f"{'stored ' + ref:<14} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f}      -")
    return results


if __name__ == "__main__":
    main()
