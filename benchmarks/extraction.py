"""Article-body extraction quality on the Zyte article-extraction-benchmark.

    .venv/bin/python benchmarks/extraction.py --write benchmarks/results/ingest.md

Scores storylens's HTML path through the product (`storylens analyze` on the pages, article text
read from analysis.json) and plain trafilatura (installed version: default settings and
favor_precision) in the same run, on a fixed-hash tune/score split of the pages, plus the outputs the benchmark
stores for other systems (output/*.json, e.g. trafilatura 2.0.0) on the same pages, with the benchmark's own metric (see its
SOURCE.md): \\w+ tokens, 4-gram shingles compared as multisets, per-page TP/FP/FN normalised,
precision and recall averaged over pages, F1 from those means.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from results_block import replace_block  # noqa: E402

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


def plain_trafilatura_precision(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, favor_precision=True) or ""


def storylens_in_process(html: str, url: str | None) -> str:
    """Reader + cleaner called directly (fast; for development). The reported figure is the CLI's."""
    from storylens.clean import clean_item
    from storylens.ingest.html import html_item
    from storylens.ingest.source import BadInput

    try:
        return clean_item(html_item("page.html", html, url=url)).text
    except BadInput:
        return ""


def storylens_cli(htmls: dict[str, str], urls: dict[str, str | None]) -> dict[str, str]:
    """The product's own path: each page written as a file, `storylens analyze` on the folder, the
    article texts read back from analysis.json. (The benchmark's URLs are not passed: a user's saved
    pages carry them only inside the HTML, as these do.)"""
    with tempfile.TemporaryDirectory(prefix="storylens-extraction-") as tmp:
        pages = Path(tmp) / "pages"
        pages.mkdir()
        for k, h in htmls.items():
            (pages / f"{k}.html").write_text(h, encoding="utf-8")
        out = Path(tmp) / "out"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
        res = subprocess.run([sys.executable, "-c", "from storylens.cli import app; app()", "analyze", str(pages),
                              "--out", str(out), "--no-report", "--no-progress"], capture_output=True, text=True, env=env)
        if res.returncode not in (0, 3):
            raise SystemExit(f"storylens analyze failed ({res.returncode}):\n{res.stderr[-3000:]}")
        arts = json.loads((out / "analysis.json").read_text(encoding="utf-8"))["articles"]
        return {Path(a["source_path"]).name[:-len(".html")]: a["text"] for a in arts}


IN_PROCESS = {"storylens-in-process": storylens_in_process, "trafilatura": plain_trafilatura,
              "trafilatura-precision": plain_trafilatura_precision}


def part_of(item_id: str) -> str:
    """Fixed split of the development pages: choices are made on "tune", "score" is only reported."""
    return "tune" if int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % 2 == 0 else "score"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "article-extraction-benchmark"))
    ap.add_argument("--systems", default="storylens,trafilatura,trafilatura-precision",
                    help="storylens (the CLI), storylens-in-process, trafilatura, trafilatura-precision")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--dump", help="write each system's predictions to this folder")
    ap.add_argument("--reference", default="trafilatura,newspaper,readability,html-text",
                    help="also score these stored outputs from the benchmark's output/ folder, on the same pages")
    ap.add_argument("--write", help="write the results section into this markdown file")
    args = ap.parse_args(argv)
    data = Path(args.data)
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted(data.glob("html/*.html.gz"))
    if args.limit:
        pages = pages[:args.limit]
    truth = {p.name[:-len(".html.gz")]: gt[p.name[:-len(".html.gz")]]["articleBody"] for p in pages}
    htmls = {k: gzip.open(data / "html" / f"{k}.html.gz").read().decode("utf-8", "replace") for k in truth}
    parts = {"tune": [k for k in truth if part_of(k) == "tune"], "score": [k for k in truth if part_of(k) == "score"]}
    parts["all"] = list(truth)
    results: dict[str, dict] = {}
    print(f"{len(truth)} pages from {data}: tune {len(parts['tune'])}, score {len(parts['score'])}")
    preds: dict[str, dict[str, str]] = {}
    for name in args.systems.split(","):
        t0 = time.perf_counter()
        if name == "storylens":
            preds[name] = storylens_cli(htmls, {k: gt[k].get("url") for k in truth})
        else:
            fn = IN_PROCESS[name]
            preds[name] = {k: fn(h, gt[k].get("url")) for k, h in htmls.items()}
        results[name] = {"seconds_per_page": (time.perf_counter() - t0) / len(htmls)}
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            Path(args.dump, f"{name}.json").write_text(json.dumps(preds[name], ensure_ascii=False, indent=0))
    for ref in filter(None, args.reference.split(",")):
        f = data / "output" / f"{ref}.json"
        if not f.exists():
            continue
        stored = json.loads(f.read_text(encoding="utf-8"))
        stored = stored.get("output", stored) if isinstance(stored, dict) and "output" in stored else stored
        preds[f"stored {ref}"] = {k: (stored.get(k) or {}).get("articleBody", "") for k in truth}
        results[f"stored {ref}"] = {}
    header = f"{'system':<24}" + "".join(f" {p + ' P':>8} {p + ' R':>8} {p + ' F1':>8}" for p in ("tune", "score", "all"))
    print(header)
    for name, pred in preds.items():
        row = f"{name:<24}"
        for part, keys in parts.items():
            s = score({k: truth[k] for k in keys}, pred)
            results[name][part] = s
            row += f" {s['precision']:8.3f} {s['recall']:8.3f} {s['f1']:8.3f}"
        print(row)
    if args.write:
        _write_section(Path(args.write), results, len(parts["tune"]), len(parts["score"]), argv)
    return results


START, END = "<!-- extraction:start -->", "<!-- extraction:end -->"


def _write_section(path: Path, results: dict, n_tune: int, n_score: int, argv) -> None:
    import datetime

    cmd = "python benchmarks/extraction.py " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = [START, "", f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. Command:", "",
             f"    {cmd.strip()}", "",
             f"Pages split by a fixed hash (sha1 of the page id, even → tune): tune {n_tune}, score {n_score}. "
             "Choices were made on the tune part only; the score part is reported, its misses not read.", "",
             "| system | tune P | tune R | tune F1 | score P | score R | score F1 | all F1 "
             "| s/page (storylens: whole `analyze` run with annotation) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        t, s, a = r["tune"], r["score"], r["all"]
        sp = f"{r['seconds_per_page']:.3f}" if "seconds_per_page" in r else "–"
        label = {"storylens": "**storylens** (`storylens analyze` on the pages, text from analysis.json)",
                 "trafilatura": "plain trafilatura, default `extract()` (same run)",
                 "trafilatura-precision": "plain trafilatura, `extract(favor_precision=True)` (same run)"}.get(name, name)
        lines.append(f"| {label} | {t['precision']:.3f} | {t['recall']:.3f} | {t['f1']:.3f} | {s['precision']:.3f} | "
                     f"{s['recall']:.3f} | {s['f1']:.3f} | {a['f1']:.3f} | {sp} |")
    lines += ["", END]
    replace_block(path, START, END, lines)


if __name__ == "__main__":
    main()
