"""Ingest + clean throughput (articles/s) for plain text and for HTML, on one process.

    .venv/bin/python benchmarks/ingest_speed.py [--repeat 20]

Plain text: the five scraped seed pages (../shared/seeds) plus the demo's text files, copied
--repeat times into a temporary folder. HTML: the 91 pages of the article-extraction benchmark
(../shared/data/article-extraction-benchmark/html, gzip'd). Each run goes through the readers
(read_paths) and the cleaner (clean_item), exactly as `storylens analyze` does before annotation.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = ROOT.parent / "shared"


def run(paths) -> tuple[int, int, float]:
    from storylens.clean import clean_item
    from storylens.ingest import read_paths
    from storylens.model import Skip

    n = words = 0
    t0 = time.perf_counter()
    for item in read_paths(paths):
        if isinstance(item, Skip):
            continue
        a = clean_item(item)
        n += 1
        words += len(a.text.split())
    return n, words, time.perf_counter() - t0


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    run([ROOT / "examples" / "demo" / "01_northern_ledger.txt"])  # warm imports and caches
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        sources = sorted((SHARED / "seeds").glob("*.txt")) + sorted((ROOT / "examples" / "demo").glob("*.txt"))
        for i in range(args.repeat):
            for s in sources:
                shutil.copy(s, Path(tmp) / f"{i:03d}_{s.name}")
        results["plain text"] = run([tmp])
    html_dir = SHARED / "data" / "article-extraction-benchmark" / "html"
    if html_dir.exists():
        results["HTML (.html.gz)"] = run([html_dir])
    print(f"{'input':<16} {'articles':>8} {'words':>8} {'seconds':>8} {'articles/s':>10} {'words/s':>8}")
    for name, (n, w, dt) in results.items():
        print(f"{name:<16} {n:8d} {w:8d} {dt:8.2f} {n / dt:10.1f} {w / dt:8.0f}")
    return results


if __name__ == "__main__":
    main()
