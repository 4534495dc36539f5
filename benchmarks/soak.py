"""Soak: stream many articles through `storylens analyze` and watch its memory as the store grows.

    PYTHONPATH=src .venv/bin/python benchmarks/soak.py --n 20000 --every 1000 --write

One child process runs `storylens analyze corpus.jsonl --n-process P --no-report` on a synthetic corpus
(scripts/synth_corpus.py). Every second the benchmark samples the memory of that process and all its
children (psutil) and how many articles the store holds (a read-only SQLite query). Two measures: RSS, and
PSS (proportional set size, Linux): the pool processes share pages with the analyze process (the shared
libraries and whatever files they all map), and RSS counts each shared page once per process that maps
it, so summed RSS overstates what the job uses; PSS splits every shared page among the processes that map
it, so summed PSS is the memory the job really holds. At each multiple of --every stored articles
it keeps one sample; the slope of memory against stored articles (least squares, the first mark left out as
warm-up) says whether memory grows with the store. The cross-article phase that follows the last article
is reported apart (its peak). The plot (memory against stored articles, and against time with the
cross-article phase shaded) is written to benchmarks/soak_rss.png.
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
    """Run analyze and sample it until it exits. The samples so far are written to samples.json in
    the work folder every minute, so a run stopped early still leaves its curve."""
    import psutil

    db = work / "soak.sqlite"
    cmd = [sys.executable, "-m", "storylens.cli", "analyze", str(jsonl), "--out", str(work / "out"), "--db", str(db),
           "--n-process", str(n_process), "--no-report", "--no-progress"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    ps = psutil.Process(proc.pid)
    # (seconds, stored articles, RSS bytes of the process and its children, RSS of the largest one,
    #  PSS bytes of the process and its children (None where the system gives no PSS))
    samples = []
    while proc.poll() is None:
        try:
            procs = [ps] + ps.children(recursive=True)
            each = [p.memory_info().rss for p in procs]
            samples.append((time.time() - t0, _stored(db), sum(each), max(each), _pss(procs)))
        except psutil.Error:
            pass
        if samples and len(samples) % max(1, int(60 / interval)) == 0:
            (work / "samples.json").write_text(json.dumps(samples))
        time.sleep(interval)
    out = proc.stdout.read()
    return samples, proc.returncode, out, time.time() - t0


def _pss(procs) -> int | None:
    """Summed PSS of these processes, or None where it cannot be read (not Linux, a process gone)."""
    import psutil

    try:
        return sum(p.memory_full_info().pss for p in procs)
    except (psutil.Error, AttributeError):
        return None


def _padded(samples):
    """Samples as 5-tuples (a samples.json written before PSS was sampled has 4 fields)."""
    return [tuple(s) + (None,) * (5 - len(s)) for s in samples]


def marks(samples, n: int, every: int):
    """One point per window of `every` stored articles: the window's end and the peak RSS (all processes,
    largest process) and peak summed PSS sampled while the store held fewer articles than that; and when the
    last article was in."""
    out = []
    ingest_end = next((t for t, stored, *_ in samples if stored is not None and stored >= n), None)
    for k in range(every, n + 1, every):
        win = [(t, r, b, p) for t, stored, r, b, p in samples
               if stored is not None and k - every <= stored < k and (ingest_end is None or t <= ingest_end)]
        if win:
            pss = [p for *_, p in win if p is not None]
            out.append((k, max(w[0] for w in win), max(w[1] for w in win), max(w[2] for w in win),
                        max(pss) if pss else None))
    return out, ingest_end


def slope(points, col: int = 2) -> float:
    """Least-squares slope of memory (bytes, column `col` of the points) against stored articles, in KB
    per article."""
    points = [p for p in points if p[col] is not None]
    xs = [p[0] for p in points]
    ys = [p[col] for p in points]
    if len(xs) < 2:
        return float("nan")
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den / 1024 if den else float("nan")


def plot(samples, pts, n: int, path: Path, title: str, ingest_end: float | None = None) -> None:
    """Left: memory against stored articles (the marks). Right: memory against elapsed time, with the
    cross-article phase after the last article shaded (on the left it is one vertical line at n)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, at) = plt.subplots(1, 2, figsize=(12, 4.5), dpi=100, gridspec_kw={"width_ratios": [3, 2]})
    xs = [s for _, s, *_ in samples if s is not None]
    ys = [r / 2**20 for _, s, r, *_ in samples if s is not None]
    top = max(ys + [1]) * 1.15
    ax.plot(xs, ys, lw=0.8, color="#888", label="RSS, all processes, every second")
    ax.plot([p[0] for p in pts], [p[2] / 2**20 for p in pts], "o-", color="#c33", label="RSS, all processes summed")
    ax.plot([p[0] for p in pts], [p[3] / 2**20 for p in pts], "s--", color="#36c", label="RSS, largest process")
    if any(p[4] is not None for p in pts):
        ax.plot([p[0] for p in pts if p[4] is not None], [p[4] / 2**20 for p in pts if p[4] is not None], "^-",
                color="#393", label="PSS, all processes summed")
    ax.set_xlabel("articles stored")
    ax.set_ylabel("memory of analyze and its workers (MiB)")
    ax.set_xlim(0, n * 1.02)
    ax.set_ylim(0, top)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title, fontsize=9)
    ts = [t / 60 for t, *_ in samples]
    at.plot(ts, [s[2] / 2**20 for s in samples], lw=0.8, color="#c33", label="RSS summed")
    at.plot(ts, [s[3] / 2**20 for s in samples], lw=0.8, color="#36c", label="RSS, largest process")
    pss = [(t / 60, s[4] / 2**20) for t, s in zip([x[0] for x in samples], samples) if s[4] is not None]
    if pss:
        at.plot([a for a, _ in pss], [b for _, b in pss], lw=0.8, color="#393", label="PSS summed")
    if ingest_end is not None:
        at.axvspan(ingest_end / 60, ts[-1] if ts else ingest_end / 60, color="#fc6", alpha=0.3,
                   label="cross-article phase")
    at.set_xlabel("minutes since start")
    at.set_ylim(0, top)
    at.grid(alpha=0.3)
    at.legend(loc="lower left", fontsize=8)
    at.set_title("the same run against time", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _mib(x) -> str:
    return "–" if x is None else f"{x / 2**20:.0f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000, help="articles to stream")
    ap.add_argument("--every", type=int, default=1000, help="keep one memory sample per this many stored articles")
    ap.add_argument("--words", type=int, default=700)
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--png", type=Path, default=ROOT / "benchmarks" / "soak_rss.png")
    ap.add_argument("--write", action="store_true", help="write the section into benchmarks/results/scale.md")
    ap.add_argument("--replot", type=Path, metavar="SAMPLES_JSON",
                    help="only redraw the plot from the samples.json of a finished run (with its --n, --every, "
                         "--words and --n-process)")
    a = ap.parse_args(argv)

    if a.replot:
        samples = _padded(json.loads(a.replot.read_text()))
        pts, ingest_end = marks(samples, a.n, a.every)
        stored = max((s[1] for s in samples if s[1] is not None), default=0)
        plot(samples, pts, a.n, a.png, f"storylens analyze --n-process {a.n_process}: {stored:,} articles of "
             f"~{a.words} words, slope {slope(pts[1:]):.1f} KB/article (RSS), {slope(pts[1:], col=4):.1f} (PSS)",
             ingest_end)
        return 0

    from synth_corpus import write_corpus

    a.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=a.workdir, prefix="soak-"))
    jsonl = write_corpus(work / "corpus.jsonl", a.n, a.words, seed=5)
    load0, up0 = os.getloadavg()[0], _uptime()
    started = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    samples, rc, out, wall = run(jsonl, work, a.n_process, a.interval)
    (work / "samples.json").write_text(json.dumps(samples))
    (work / "analyze.log").write_text(out)
    load1, up1 = os.getloadavg()[0], _uptime()
    samples = _padded(samples)
    pts, ingest_end = marks(samples, a.n, a.every)
    stored = _stored(work / "soak.sqlite") or 0
    kb = slope(pts[1:])
    kb_big = slope(pts[1:], col=3)
    kb_pss = slope(pts[1:], col=4)
    during = [s for s in samples if ingest_end is None or s[0] <= ingest_end]
    cross = [s for s in samples if ingest_end is not None and s[0] > ingest_end]

    def peak(rows, col):
        vals = [r[col] for r in rows if r[col] is not None]
        return max(vals) if vals else None

    title = (f"storylens analyze --n-process {a.n_process}: {stored:,} articles of ~{a.words} words, "
             f"slope {kb:.1f} KB/article (RSS), {kb_pss:.1f} (PSS)")
    plot(samples, pts, a.n, a.png, title, ingest_end)
    summary = [ln for ln in out.splitlines() if ln.startswith("read ")]
    lines = [START, "## Soak: memory while the store grows", "",
             f"**Command** (started {started}, {os.cpu_count()} CPUs, load average {load0:.1f} before / "
             f"{load1:.1f} after):", "",
             f"    PYTHONPATH=src .venv/bin/python benchmarks/soak.py --n {a.n} --every {a.every} --words {a.words} "
             f"--n-process {a.n_process} --write", "",
             f"`uptime` before: `{up0}`; after: `{up1}`.", "",
             f"`storylens analyze` on one JSONL file of {a.n:,} synthetic articles of about {a.words} words (seed 5), "
             f"one child process; exit {rc}; {summary[0] if summary else ''}; {wall:.0f} s in all. Memory of the "
             f"analyze process and all its pool processes, sampled every {a.interval:g} s: RSS summed, RSS of the "
             f"largest process, and PSS summed (shared pages split among the processes that map them: the memory "
             f"the job really holds; summed RSS counts the pages the pool processes share with the analyze process "
             f"once per process). Each row is the peak of one window of {a.every:,} stored articles (the row's "
             f"number is the window's end). Plot: benchmarks/{a.png.name}.", "",
             "| articles stored (window end) | elapsed s | peak RSS MiB, all processes | peak RSS MiB, largest process "
             "| peak PSS MiB, all processes |", "|---|---|---|---|---|"]
    lines += [f"| {k:,} | {t:.0f} | {_mib(r)} | {_mib(b)} | {_mib(p)} |" for k, t, r, b, p in pts]
    lines += ["", f"- Slope against stored articles (marks after the first): **{kb:.2f} KB per article** of summed RSS, "
                  f"**{kb_pss:.2f} KB** of summed PSS, {kb_big:.2f} KB of the largest process's RSS"
                  + (f"; {kb_pss * 20000 / 1024:.0f} MiB of PSS over 20,000 articles at that slope"
                     if kb_pss == kb_pss else "") + ".",
              f"- Peak while articles stream in: RSS {_mib(peak(during, 2))} MiB summed ({_mib(peak(during, 3))} the "
              f"largest process), PSS {_mib(peak(during, 4))} MiB summed; in the cross-article phase after the last "
              f"article ({(samples[-1][0] - ingest_end) if cross else 0:.0f} s): RSS {_mib(peak(cross, 2))} MiB "
              f"summed ({_mib(peak(cross, 3))} the largest process), PSS {_mib(peak(cross, 4))} MiB summed.", "", END]
    text = "\n".join(lines)
    print(text)
    print(json.dumps({"stored": stored, "slope_kb_per_article": kb, "slope_pss_kb": kb_pss, "slope_largest_kb": kb_big,
                      "ingest_peak_mib": (peak(during, 2) or 0) / 2**20, "ingest_peak_pss_mib": (peak(during, 4) or 0) / 2**20,
                      "cross_peak_mib": (peak(cross, 2) or 0) / 2**20, "cross_peak_pss_mib": (peak(cross, 4) or 0) / 2**20,
                      "exit": rc, "workdir": str(work)}))
    if a.write:
        replace_block(ROOT / "benchmarks" / "results" / "scale.md", START, END, lines)
    return 0 if rc in (0, 3) else 1


if __name__ == "__main__":
    raise SystemExit(main())
