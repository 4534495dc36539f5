"""Is `storylens analyze` linear in article length? One article of 10k, 200k and 1M characters, each
through the command a user runs (a fresh process, a fresh store), timed and measured for peak memory.

The article is news text: the paragraphs of the demo corpus and the seed articles, repeated with
the numbers changed, so it reads like a very long report (not one sentence repeated). With
``--stages`` the same texts also go through the per-article stages in this process with a timer
around the parse and each stage, to show which part of the time grows with length.

    python benchmarks/linearity.py [--sizes 10000 200000 1000000] [--stages] [--write]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scale.md"
SECTION = "## Linearity in article length"


def sentences() -> list[str]:
    out = []
    sources = sorted((ROOT / "examples" / "demo").glob("*.txt")) + sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    for f in sources:
        for p in re.split(r"\n\s*\n", f.read_text(encoding="utf-8")):
            p = " ".join(p.split())
            if len(p) > 120:   # body paragraphs, not bylines and captions
                out += [s for s in re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", p) if len(s) > 30]
    if not out:
        sys.exit("no source text found (examples/demo, ../shared/seeds)")
    return out


def long_article(n_chars: int, seed: int = 1) -> str:
    """News prose of about n_chars: paragraphs of 2-4 sentences drawn at random (fixed seed), numbers varied,
    so no paragraph repeats (the cleaner would rightly drop repeated paragraphs as page clutter)."""
    rng = random.Random(seed)
    pool, out, size, i = sentences(), ["A long report on the talks\n\n"], 0, 0
    while size < n_chars:
        p = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 4)))
        p = re.sub(r"\d+", lambda m: str(int(m.group()) + i), p)
        out.append(p + "\n\n")
        size += len(p) + 2
        i += 1
    return "".join(out)[:n_chars]


def run_cli(text: str, tmp: Path) -> dict:
    folder = tmp / "in"
    folder.mkdir(parents=True)
    (folder / "long.txt").write_text(text, encoding="utf-8")
    out = tmp / "out"
    cmd = [sys.executable, "-m", "storylens.cli", "analyze", str(folder), "--out", str(out), "--no-report",
           "--no-progress"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    data = json.loads((out / "analysis.json").read_text()) if (out / "analysis.json").exists() else {}
    return {"chars": len(text), "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "exit": code,
            "cleaned_chars": sum(len(a["text"]) for a in data.get("articles", [])),
            "stored": len(data.get("articles", [])), "quotes": len(data.get("quotes", [])),
            "events": len(data.get("events", [])), "actors": len(data.get("actors", [])),
            "output": output.strip().splitlines()[-4:]}


def stage_times(text: str) -> dict[str, float]:
    """Seconds in the parse and in each per-article stage for one article (in this process)."""
    sys.path.insert(0, str(ROOT / "src"))
    from storylens import registry
    from storylens.config import Config
    from storylens.model import Article
    from storylens.stages import engine

    config = Config()
    times: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - t0
        return wrapper

    saved = dict(registry.STAGES)
    real_parse = engine.parse
    stages = engine.article_stages(config)
    nlp = engine.nlp_for(config, stages)

    def parse_timed(articles, nlp_, **kw):
        gen = real_parse(articles, nlp_, **kw)
        while True:
            t0 = time.perf_counter()
            try:
                d = next(gen)
            except StopIteration:
                return
            finally:
                times["parse"] = times.get("parse", 0.0) + time.perf_counter() - t0
            yield d

    # models, knowledge base and lexicons load on first use: not part of the per-length cost
    list(engine.process_local([Article(id="warm", source_path="warm.txt", text=long_article(3000))], config, nlp))
    try:
        for st in stages:
            registry.STAGES[st.name] = registry.Stage(**{**st.__dict__, "func": timed(st.name, st.func)})
        engine.parse = parse_timed
        t0 = time.perf_counter()
        list(engine.process_local([Article(id="long", source_path="long.txt", text=text)], config, nlp))
        times["total"] = time.perf_counter() - t0
    finally:
        registry.STAGES.clear()
        registry.STAGES.update(saved)
        engine.parse = real_parse
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000, 1_000_000])
    ap.add_argument("--stages", action="store_true", help="also time the parse and each stage in this process")
    ap.add_argument("--write", action="store_true", help=f"write the section into {RESULTS.relative_to(ROOT)}")
    ap.add_argument("--from-log", type=Path,
                    help="render the section from the JSON lines an earlier run printed (one per size)")
    args = ap.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    rows = []
    if args.from_log:
        rows = [json.loads(ln) for ln in args.from_log.read_text().splitlines() if ln.startswith("{")]
        started = datetime.datetime.fromtimestamp(args.from_log.stat().st_mtime, datetime.timezone.utc)
    for n in ([] if args.from_log else args.sizes):
        with tempfile.TemporaryDirectory(prefix="storylens-linearity-") as tmp:
            r = run_cli(long_article(n), Path(tmp))
        rows.append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "output"}), flush=True)
    stage_rows = []
    if args.from_log:
        import ast

        for ln in args.from_log.read_text().splitlines():
            m = re.match(r"^(\d+) (\{.*\})$", ln)
            if m:
                stage_rows.append((int(m.group(1)), ast.literal_eval(m.group(2))))
    elif args.stages:
        for n in args.sizes:
            t = stage_times(long_article(n))
            stage_rows.append((n, t))
            print(n, {k: round(v, 2) for k, v in t.items()}, flush=True)
    load = os.getloadavg()
    command = "python benchmarks/linearity.py " + " ".join(
        a for a in sys.argv[1:] if not a.startswith("--from-log") and a != str(args.from_log))
    lines = [SECTION, "",
             f"**Command** ({started:%Y-%m-%d %H:%M} UTC, this 2-core machine shared with other work, load average "
             f"{load[0]:.1f} at the end; wall times are inflated by the load, CPU seconds are not):", "",
             "    " + command, "",
             "One article of each size through `storylens analyze FOLDER --no-report` (a fresh process and store "
             "each time: start-up, spaCy load, store and cross-article stages included). Peak RSS is the "
             "process's maximum resident set.", "",
             "| characters (after cleaning) | wall s | CPU s | CPU s per 100k chars | marginal CPU s per 100k chars "
             "| peak RSS MB | exit | stored | quotes | events | actors |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    base = rows[0]
    for r in rows:
        n = r["cleaned_chars"] or r["chars"]
        marginal = ((r["cpu_s"] - base["cpu_s"]) / ((n - (base["cleaned_chars"] or base["chars"])) / 1e5)
                    if r is not base else float("nan"))
        lines.append(f"| {r['chars']:,} ({n:,}) | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['cpu_s'] / (n / 1e5):.2f} "
                     f"| {'–' if marginal != marginal else f'{marginal:.2f}'} | {r['peak_rss_mb']:.0f} | {r['exit']} | {r['stored']} | {r['quotes']} | "
                     f"{r['events']} | {r['actors']} |")
    if stage_rows:
        names = [k for k in stage_rows[-1][1] if k != "total"] + ["total"]
        lines += ["", "Per-article part only, in one process (wall seconds around the parse and each stage, "
                  "after a warm-up article; `--stages`):", "",
                  "| characters | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for n, t in stage_rows:
            lines.append(f"| {n:,} | " + " | ".join(f"{t.get(k, 0.0):.1f}" for k in names) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        if SECTION in old:
            head, _, rest = old.partition(SECTION)
            nxt = rest.find("\n## ")
            old = head + (rest[nxt + 1:] if nxt >= 0 else "")
        RESULTS.write_text(old.rstrip() + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
