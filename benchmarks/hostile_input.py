"""Hostile input at full size: `storylens analyze` on the hostile corpus of tests/hostile.py with its large
cases (a 60 MB file, an 80 MB gzip bomb, a 1M-character article, a 200,000-line gzip file of `{}`, 40 MB of
newlines), measuring time, peak memory, crashes, lost good articles and inputs missing without a reason.

    .venv/bin/python benchmarks/hostile_input.py --write benchmarks/results/ingest.md

Also times the readers alone on each large case (what the run spends before annotation).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from results_block import replace_block  # noqa: E402

PEAK_LIMIT_GB = 2.5
START, END = "<!-- hostile:start -->", "<!-- hostile:end -->"


def readers_only(corpus_root: Path) -> list[tuple[str, float, int, int]]:
    """(file, seconds, articles, skip lines) for each large case, through read_paths alone."""
    from storylens.ingest import read_paths
    from storylens.model import Skip

    rows = []
    for f in sorted((corpus_root / "big").iterdir()):
        t0 = time.perf_counter()
        got = list(read_paths([f]))
        dt = time.perf_counter() - t0
        rows.append((f.name, dt, sum(not isinstance(g, Skip) for g in got), sum(isinstance(g, Skip) for g in got)))
    return rows


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", help="write the results section into this markdown file")
    args = ap.parse_args(argv)
    from hostile import build

    with tempfile.TemporaryDirectory(prefix="storylens-hostile-") as tmp:
        corpus = build(Path(tmp), big=True)
        size = sum(os.lstat(os.path.join(d, f)).st_size for d, _, fs in os.walk(corpus.root) for f in fs)
        rows = readers_only(corpus.root)
        for name, dt, n_items, n_skips in rows:
            print(f"reader only  {name:<32} {dt:7.2f} s  {n_items} article(s)  {n_skips} skip line(s)")
        out = Path(tmp) / "out"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", "from storylens.cli import app; app()", "analyze", str(corpus.root),
                              "--out", str(out), "--no-report", "--no-progress"], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024  # KiB → GiB
        crashed = "Traceback" in res.stdout + res.stderr
        texts = []
        if (out / "analysis.json").exists():
            texts = [" ".join(a["text"].split())
                     for a in json.loads((out / "analysis.json").read_text(encoding="utf-8"))["articles"]]
        lost = [n for n, s in corpus.good.items() if not any(s in t for t in texts)]
        lines = res.stderr.splitlines()
        unnamed = [p for p, why in corpus.bad.items()
                   if not any(ln.startswith(f"skipped {p}: ") and why in ln for ln in lines)]
        summary = (res.stdout.strip().splitlines() or [""])[0]
    result = {"exit_code": res.returncode, "seconds": wall, "peak_gb": peak_gb, "crashed": crashed,
              "good": len(corpus.good), "lost": lost, "bad": len(corpus.bad), "unnamed": unnamed,
              "skip_lines": sum(ln.startswith("skipped ") for ln in lines), "summary": summary,
              "input_mb": size / 1e6, "readers": rows}
    print(f"analyze: exit {res.returncode}, {wall:.1f} s, peak RSS {peak_gb:.2f} GiB, crashed {crashed}, "
          f"good lost {len(lost)}/{len(corpus.good)} {lost}, bad inputs without a reason {len(unnamed)}/{len(corpus.bad)} "
          f"{unnamed}, {result['skip_lines']} skip lines")
    print(summary)
    if crashed:
        print(res.stderr[-2000:])
    if args.write:
        _write(Path(args.write), result, argv)
    return result


def _write(path: Path, r: dict, argv) -> None:
    cmd = "python benchmarks/hostile_input.py " + " ".join(argv if argv is not None else sys.argv[1:])
    ok = lambda b: "yes" if b else "**no**"  # noqa: E731
    lines = [START, "", "## Hostile input at full size", "",
             f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on the shared development "
             "machine (2 cores, shared). Command:", "", f"    {cmd.strip()}", "",
             f"The hostile corpus of `tests/hostile.py` with its large cases ({r['input_mb']:.0f} MB on disk): "
             f"{r['good']} good articles, {r['bad']} bad inputs.", "",
             "| measure | value | target |", "|---|---|---|",
             f"| exit code | {r['exit_code']} | 3 |",
             f"| traceback | {'**yes**' if r['crashed'] else 'none'} | none |",
             f"| good articles stored | {r['good'] - len(r['lost'])}/{r['good']} | all |",
             f"| bad inputs named with their reason | {r['bad'] - len(r['unnamed'])}/{r['bad']} | all |",
             f"| skip lines printed | {r['skip_lines']} | one per bad input, a few more per bad container |",
             f"| wall time | {r['seconds']:.1f} s | – |",
             f"| peak memory (largest process, RSS) | {r['peak_gb']:.2f} GiB | < {PEAK_LIMIT_GB} GB: {ok(r['peak_gb'] < PEAK_LIMIT_GB)} |",
             "", f"Run summary line: `{r['summary']}`", ""]
    if r["lost"]:
        lines += [f"Lost: {', '.join(r['lost'])}", ""]
    lines += ["Readers alone on the large cases:", "", "| file | seconds | articles | skip lines |", "|---|---|---|---|"]
    lines += [f"| {n} | {dt:.2f} | {a} | {s} |" for n, dt, a, s in r["readers"]]
    lines += ["", END]
    replace_block(path, START, END, lines)


if __name__ == "__main__":
    main()
