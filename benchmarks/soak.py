"""Soak: stream many articles through `storylens analyze` and watch its memory as the store grows.

    PYTHONPATH=src .venv/bin/python benchmarks/soak.py --n 20000 --every 1000 --write

One child process runs `storylens analyze corpus.jsonl --n-process P --no-report` on a synthetic corpus
(scripts/synth_corpus.py). Every second the benchmark samples the resident memory of that process and
all its children (psutil) and how many articles the store holds (a read-only SQLite query). At each
multiple of --every stored articles it keeps one sample; the slope of RSS against stored articles (least
squares, the first mark left out as warm-up) says whether memory grows with the store. The cross-article
phase that follows the last article is reported apart (its peak). The plot (RSS against stored articles)
is written to benchmarks/soak_rss.png.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from results_block import replace_block  # noqa: E402

START, END = "<!-- soak:start -->", "<!-- soak:end -->"


def _stored(db: Path) -> int | None:
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
            return c.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return None


def run(jsonl: Path, work: Path, n_process: int, interval: float):
    import psutil

    db = work / "soak.sqlite"
    cmd = [sys.executable, "-m", "storylens.cli", "analyze", str(jsonl), "--out", str(work / "out"), "--db", str(db),
           "--n-process", str(n_process), "--no-report", "--no-progress"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    ps = psutil.Process(proc.pid)
    samples = []        # (seconds, stored articles, RSS bytes of the process and its children, of the largest one)
    while proc.poll() is None:
        try:
            each = [ps.memory_info().rss] + [c.memory_info().rss for c in ps.children(recursive=True)]
            samples.append((time.time() - t0, _stored(db), sum(each), max(each)))
        except psutil.Error:
            pass
        time.sleep(interval)
    out = proc.stdout.read()
    return samples, proc.returncode, out, time.time() - t0


def marks(samples, n: int, every: int):
    """One point per window of `every` stored articles: the window's end and the peak RSS (all processes,
    largest process) sampled while the store held fewer articles than that; and when the last article was in."""
    out = []
    ingest_end = next((t for t, stored, _, _ in samples if stored is not None and stored >= n), None)
    for k in range(every, n + 1, every):
        win = [(t, r, b) for t, stored, r, b in samples
               if stored is not None and k - every <= stored < k and (ingest_end is None or t <= ingest_end)]
        if win:
            out.append((k, max(t for t, _, _ in win), max(r for _, r, _ in win), max(b for _, _, b in win)))
    return out, ingest_end


def slope(points) -> float:
    """Least-squares slope of RSS (bytes) against stored articles, in KB per article."""
    xs = [p[0] for p in points]
    ys = [p[2] for p in points]
    if len(xs) < 2:
        return float("nan")
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den / 1024 if den else float("nan")


def plot(samples, pts, n: int, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    xs = [s for _, s, _, _ in samples if s is not None]
    ys = [r / 2**20 for _, s, r, _ in samples if s is not None]
    ax.plot(xs, ys, lw=0.8, color="#888", label="all processes, every second")
    ax.plot([p[0] for p in pts], [p[2] / 2**20 for p in pts], "o-", color="#c33", label="all processes, at each mark")
    ax.plot([p[0] for p in pts], [p[3] / 2**20 for p in pts], "s--", color="#36c", label="largest process, at each mark")
    ax.set_xlabel("articles stored")
    ax.set_ylabel("RSS of analyze and its workers (MiB)")
    ax.set_xlim(0, n * 1.02)
    ax.set_ylim(0, max(ys + [1]) * 1.15)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000, help="articles to stream")
    ap.add_argument("--every", type=int, default=1000, help="keep one RSS sample per this many stored articles")
    ap.add_argument("--words", type=int, default=700)
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--png", type=Path, default=ROOT / "benchmarks" / "soak_rss.png")
    ap.add_argument("--write", action="store_true", help="write the section into benchmarks/results/scale.md")
    a = ap.parse_args(argv)

    from synth_corpus import write_corpus

    a.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=a.workdir, prefix="soak-"))
    jsonl = write_corpus(work / "corpus.jsonl", a.n, a.words, seed=5)
    load0 = os.getloadavg()[0]
    samples, rc, out, wall = run(jsonl, work, a.n_process, a.interval)
    (work / "samples.json").write_text(json.dumps(samples))
    load1 = os.getloadavg()[0]
    pts, ingest_end = marks(samples, a.n, a.every)
    stored = _stored(work / "soak.sqlite") or 0
    kb = slope(pts[1:])
    ingest_peak = max((r for t, _, r, _ in samples if ingest_end is None or t <= ingest_end), default=0)
    cross_peak = max((r for t, _, r, _ in samples if ingest_end is not None and t > ingest_end), default=0)
    kb_big = slope([(p[0], p[1], p[3]) for p in pts[1:]])
    title = (f"storylens analyze --n-process {a.n_process}: {stored:,} articles of ~{a.words} words, "
             f"slope {kb:.1f} KB/article")
    plot(samples, pts, a.n, a.png, title)
    summary = [ln for ln in out.splitlines() if ln.startswith("read ")]
    lines = [START, "## Soak: memory while the store grows", "",
             f"**Command** ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
             f"load average {load0:.1f} before / {load1:.1f} after):", "",
             f"    PYTHONPATH=src .venv/bin/python benchmarks/soak.py --n {a.n} --every {a.every} --words {a.words} "
             f"--n-process {a.n_process} --write", "",
             f"`storylens analyze` on one JSONL file of {a.n:,} synthetic articles (seed 5), one child process; "
             f"exit {rc}; {summary[0] if summary else ''}; {wall:.0f} s in all. RSS = the analyze process and all "
             f"its pool processes, sampled every {a.interval:g} s; each row is the peak of one window of {a.every:,} "
             f"stored articles (the row's number is the window's end). "
             f"Plot: benchmarks/{a.png.name}.", "",
             "| articles stored (window end) | elapsed s | peak RSS MiB, all processes | peak RSS MiB, largest process |", "|---|---|---|---|"]
    lines += [f"| {k:,} | {t:.0f} | {r / 2**20:.0f} | {b / 2**20:.0f} |" for k, t, r, b in pts]
    lines += ["", f"- Slope of RSS against stored articles (marks after the first): **{kb:.2f} KB per article** "
                  f"for all processes together, {kb_big:.2f} KB for the largest one"
                  + (f"; {kb * 20000 / 1024:.0f} MiB over 20,000 articles at that slope" if kb == kb else "") + ".",
              f"- Peak RSS while articles stream in: {ingest_peak / 2**20:.0f} MiB; in the cross-article phase "
              f"after the last article: {cross_peak / 2**20:.0f} MiB.", "", END]
    text = "\n".join(lines)
    print(text)
    print(json.dumps({"stored": stored, "slope_kb_per_article": kb, "slope_largest_kb": kb_big, "ingest_peak_mib": ingest_peak / 2**20,
                      "cross_peak_mib": cross_peak / 2**20, "exit": rc}))
    if a.write:
        replace_block(ROOT / "benchmarks" / "results" / "scale.md", START, END, lines)
    return 0 if rc in (0, 3) else 1


if __name__ == "__main__":
    raise SystemExit(main())
