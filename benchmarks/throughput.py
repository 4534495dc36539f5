#!/usr/bin/env python
"""Throughput, memory and Dask scaling of the per-article pipeline on a synthetic corpus.

Figures (each ratio is measured inside one run, since the machine is shared and absolute numbers drift):
  1. bare spaCy nlp.pipe vs the full per-article pipeline (read JSONL → clean → dedupe → entities →
     quotes → events → SQLite store), same model, same texts, for each --n-process value;
  2. where the time goes in the full pipeline (one process, stage timers);
  3. RSS of a child process streaming --rss-n articles through the full pipeline, sampled over time;
  4. Dask: LocalCluster with 1 and 2 workers (threads_per_worker=1) on the same articles, and the
     Dask path against the single-process run.

    python benchmarks/throughput.py --n 300 --rss-n 3000 --dask
Synthetic corpora go to benchmarks/out/ (git-ignored); nothing is committed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from storylens.config import Config  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and its finished children: robust to other load on a shared machine."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _self_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _texts(jsonl: Path) -> list[str]:
    from storylens.clean import clean_item
    from storylens.ingest import read_paths
    from storylens.model import Skip

    return [clean_item(it).text for it in read_paths([str(jsonl)]) if not isinstance(it, Skip)]


WARM = 32  # articles out before the steady-state clock starts (process start, model and lexicon loading)


def _marked(it, marks: list):
    for x in it:
        marks.append(time.perf_counter())
        yield x


def _steady(marks: list) -> float:
    """Articles per second after the first WARM came out: the rate without start-up costs."""
    if len(marks) <= WARM + 1:
        return float("nan")
    return (len(marks) - WARM) / (marks[-1] - marks[WARM - 1])


def bare_spacy(texts: list[str], config: Config, n_process: int):
    from storylens.annotate.nlp import load_nlp

    nlp = load_nlp(config.spacy_model)
    marks: list = []
    t0, c0 = time.perf_counter(), _cpu()
    for _ in _marked(nlp.pipe(texts, batch_size=config.batch_size, n_process=n_process), marks):
        pass
    return time.perf_counter() - t0, _cpu() - c0, _steady(marks)


def full_pipeline(jsonl: Path, config: Config, workdir: Path):
    from storylens.pipeline import ingest_and_store, process_articles
    from storylens.store import Store

    db = Path(tempfile.mkdtemp(dir=workdir)) / "bench.sqlite"
    store = Store(db)
    marks: list = []
    t0, c0 = time.perf_counter(), _cpu()
    summary = ingest_and_store([str(jsonl)], store, config,
                               process=lambda arts, cfg: _marked(process_articles(arts, cfg), marks))
    dt, cpu = time.perf_counter() - t0, _cpu() - c0
    store.close()
    return dt, summary, cpu, _steady(marks)


# ---- where the time goes ------------------------------------------------------------------------
@contextmanager
def _timed_stages(timers: dict):
    import storylens.pipeline as pl
    from storylens import registry
    from storylens.clean.dedupe import Deduper
    from storylens.store.db import Store

    def wrap(name, fn):
        def inner(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                timers[name] = timers.get(name, 0.0) + time.perf_counter() - t0
        inner.__name__ = getattr(fn, "__name__", name)
        return inner

    registry.get_stage("entities")   # built-in stages registered before they are wrapped
    stages = dict(registry.STAGES)
    for name, st in stages.items():
        if st.scope == "article":
            registry.STAGES[name] = registry.Stage(**{**st.__dict__, "func": wrap(f"stage:{name}", st.func)})
    saved = (pl.clean_item, Deduper.check, Deduper.add, Store.add_documents, Store.find_by_hash)
    pl.clean_item = wrap("clean", saved[0])
    Deduper.check = wrap("dedupe", saved[1])
    Deduper.add = wrap("dedupe", saved[2])
    Store.add_documents = wrap("store", saved[3])
    Store.find_by_hash = wrap("hash lookup", saved[4])
    try:
        yield
    finally:
        (pl.clean_item, Deduper.check, Deduper.add, Store.add_documents, Store.find_by_hash) = saved
        registry.STAGES.clear()
        registry.STAGES.update(stages)


def profile(jsonl: Path, config: Config, workdir: Path) -> tuple[float, dict]:
    from storylens.ingest import read_paths

    timers: dict = {}
    t0 = time.perf_counter()
    for _ in read_paths([str(jsonl)]):
        pass
    timers["read"] = time.perf_counter() - t0
    cfg = Config(**{**config.__dict__, "n_process": 1})
    with _timed_stages(timers):
        total = full_pipeline(jsonl, cfg, workdir)[0]
    timers["spaCy (rest)"] = total - sum(timers.values())
    return total, timers


# ---- memory while streaming -------------------------------------------------------------------------
def rss_child(jsonl: str, db: str, n_process: int):
    from storylens.pipeline import ingest_and_store
    from storylens.store import Store

    t0 = time.perf_counter()
    s = ingest_and_store([jsonl], Store(db), Config(n_process=n_process))
    print(json.dumps({"seconds": time.perf_counter() - t0, "stored": s.stored, "duplicates": s.duplicates}))


def rss_stream(jsonl: Path, workdir: Path, n_process: int, interval: float = 1.0):
    import psutil

    db = Path(tempfile.mkdtemp(dir=workdir)) / "rss.sqlite"
    cmd = [sys.executable, __file__, "--rss-child", str(jsonl), "--db", str(db), "--n-process", str(n_process)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    samples = []
    t0 = time.time()
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            samples.append((time.time() - t0, rss))
        except psutil.Error:
            pass
        time.sleep(interval)
    out = proc.stdout.read()
    result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return samples, result


# ---- Dask ---------------------------------------------------------------------------------------------
def _warm_articles() -> list:
    """A few articles not in the measured corpus: each process runs them first, so every model, lexicon
    and table is loaded before the clock starts, and no in-process memo holds a measured sentence."""
    from storylens.clean import clean_item
    from storylens.ingest import read_paths
    from synth_corpus import write_corpus

    path = write_corpus(Path(tempfile.mkdtemp()) / "warm.jsonl", 4, 700, seed=97)
    return [clean_item(it) for it in read_paths([str(path)])]


def _warm_worker(articles, config: Config) -> None:
    from storylens.scale.worker import annotate_shard

    annotate_shard(articles, config)


def single_child(jsonl: str, workdir: str) -> None:
    """The per-article phase in a fresh plain process with a worker's thread pools: the Dask baseline."""
    from storylens.scale.worker import limit_threads

    limit_threads(1)
    config = Config(n_process=1)
    _warm_worker(_warm_articles(), config)
    c0 = _self_cpu()
    dt, summary, _, _ = full_pipeline(Path(jsonl), config, Path(workdir))
    print(json.dumps({"seconds": dt, "cpu": _self_cpu() - c0, "stored": summary.stored}))


def dask_run(jsonl: Path, config: Config, workdir: Path, workers: int, shard_size: int):
    from storylens.runner import run_dask
    from storylens.scale.dask_runner import DaskStats, close_client, make_client
    from storylens.scale.worker import warm_up
    from storylens.store import Store

    t0 = time.perf_counter()
    client = make_client(workers=workers)
    client.run(warm_up, config, 1)
    client.run(_warm_worker, _warm_articles(), config)
    startup = time.perf_counter() - t0
    try:
        d = Path(tempfile.mkdtemp(dir=workdir))
        store = Store(d / "dask.sqlite")
        stats = DaskStats()
        w0, c0 = client.run(_self_cpu), _self_cpu()
        t0 = time.perf_counter()
        summary = run_dask([str(jsonl)], store, config, run_id=1, out=d, client=client, shard_size=shard_size,
                           stats=stats)
        dt = time.perf_counter() - t0
        w1, c1 = client.run(_self_cpu), _self_cpu()
        cpu = {"client": c1 - c0, "workers": sum(w1[k] - w0[k] for k in w1),
               "per_worker": sorted(w1[k] - w0[k] for k in w1)}
        store.close()
    finally:
        close_client(client)
    return startup, dt, summary, stats, cpu


# ---- what a user waits for: `storylens analyze` end to end -------------------------------------------
BARE_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import spacy
texts = json.load(open(sys.argv[1]))
nlp = spacy.load(sys.argv[2])
t1 = time.perf_counter()
n = sum(1 for _ in nlp.pipe(texts, batch_size=32, n_process=int(sys.argv[3])))
print(json.dumps({"load_s": t1 - t0, "pipe_s": time.perf_counter() - t1, "n": n}))
"""


def _child(cmd: list[str], env=None) -> tuple[float, float, float, str]:
    """(wall s, CPU s of the process and its children, peak RSS MB, output) of one command."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out[-3000:]}")
    return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, out


def _folder(jsonl: Path, folder: Path, skip: int = 0, take: int | None = None) -> list[str]:
    """One .txt file per record (title line, blank line, body): a folder as a user has it."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    with jsonl.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < skip or (take is not None and i >= skip + take):
                continue
            rec = json.loads(line)
            (folder / f"{i:05d}.txt").write_text(f"{rec['title']}\n\n{rec['text']}\n", encoding="utf-8")
            texts.append(rec["text"])
    return texts


# `storylens analyze` itself, with timers around its two phases (reading + per-article stages + store,
# then the cross-article stages) and the CPU of the main process apart from that of the pool processes
ANALYZE_CHILD = """
import json, resource, sys, time
import storylens.runner as runner
phases = {}
def timed(name, fn):
    def inner(*a, **k):
        t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        try:
            return fn(*a, **k)
        finally:
            c1 = resource.getrusage(resource.RUSAGE_SELF)
            phases[name] = {"wall": time.perf_counter() - t0,
                            "main_cpu": c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime}
    return inner
runner._ingest = timed("ingest", runner._ingest)
runner.reanalyze = timed("cross", runner.reanalyze)
from storylens.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print("PHASES " + json.dumps({**phases, "main_cpu": me.ru_utime + me.ru_stime, "pool_cpu": kids.ru_utime + kids.ru_stime}))
"""


def _analyze(folder: Path, out: Path, db: Path, n_process: int, src: Path | None = None):
    cmd = [sys.executable, "-c", ANALYZE_CHILD, "analyze", str(folder), "--out", str(out), "--db", str(db),
           "--n-process", str(n_process), "--no-report", "--no-progress"]
    w, c, rss, out_text = _child(cmd, env=dict(os.environ, PYTHONPATH=str(src or ROOT / "src")))
    ph = next((json.loads(ln[7:]) for ln in out_text.splitlines() if ln.startswith("PHASES ")), {})
    return w, c, rss, out_text, ph


def end_to_end(a, config: Config) -> str:
    from synth_corpus import write_corpus

    work = Path(tempfile.mkdtemp(dir=a.workdir, prefix="e2e-"))
    jsonl = write_corpus(work / "corpus.jsonl", a.n + a.add, a.words, seed=3)
    base_texts = _folder(jsonl, work / "base", 0, a.n)
    _folder(jsonl, work / "new", a.n, a.add)
    (work / "texts.json").write_text(json.dumps(base_texts))
    load0 = os.getloadavg()[0]
    rows = []
    bw, bc, brss, bout = _child([sys.executable, "-c", BARE_CHILD, str(work / "texts.json"), config.spacy_model,
                                 str(a.e2e_n_process)])
    bare = json.loads(bout.strip().splitlines()[-1])
    sw, sc, srss, sout, sph = _analyze(work / "base", work / "out1", work / "store.sqlite", a.e2e_n_process)
    summary = [ln for ln in sout.splitlines() if ln.startswith("read ")]
    rows.append(("bare spaCy nlp.pipe (process start + model load + parse)", bw, bc, brss, a.n))
    rows.append((f"storylens analyze --n-process {a.e2e_n_process} ({summary[0] if summary else '?'})",
                 sw, sc, srss, a.n))
    base_note, bph = [], None
    if a.e2e_baseline_src:
        # the same run with other code (e.g. an export of an earlier commit), right after, on the same texts
        src = Path(a.e2e_baseline_src).resolve()
        bsw, bsc, bsrss, _, bph = _analyze(work / "base", work / "out1b", work / "store-b.sqlite", a.e2e_n_process, src)
        rows.append((f"the same, code in {a.e2e_baseline_label or src}", bsw, bsc, bsrss, a.n))
        same = json.loads((work / "out1" / "analysis.json").read_text()) == \
            json.loads((work / "out1b" / "analysis.json").read_text())
        base_note = [f"- This code against the code in {a.e2e_baseline_label or src} (same texts, run right after): "
                     f"**{sc / bsc:.2f}×** the CPU, {sw / bsw:.2f}× the wall time (bare spaCy against that code: "
                     f"{bw / bsw:.2f} wall, {bc / bsc:.2f} per CPU-second); analysis.json "
                     f"{'identical' if same else 'DIFFERENT'}."]
    ew, ec, erss, _, eph = _analyze(work / "new", work / "out2", work / "empty.sqlite", a.e2e_n_process)
    iw, ic, irss, _, iph = _analyze(work / "new", work / "out3", work / "store.sqlite", a.e2e_n_process)
    load1 = os.getloadavg()[0]
    lines = ["## End to end: `storylens analyze` beside bare spaCy, and a growing store", "",
             f"**Command** ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
             f"model {config.spacy_model}, load average {load0:.1f} before / {load1:.1f} after):", "",
             f"    python benchmarks/throughput.py --e2e --n {a.n} --add {a.add} --words {a.words} "
             f"--e2e-n-process {a.e2e_n_process}"
             + (f" --e2e-baseline-src {a.e2e_baseline_src}" if a.e2e_baseline_src else ""), "",
             f"{a.n} synthetic articles of about {a.words} words (scripts/synth_corpus.py, seed 3), one .txt file "
             "each, in a fresh store; every figure is one child process measured from start to exit "
             "(wall clock, CPU of the process and its children, peak RSS of the largest process).", "",
             "| run | wall s | art/s | CPU s | CPU ms/art | peak RSS MB |", "|---|---|---|---|---|---|"]
    for name, w, c, rss, n in rows:
        lines.append(f"| {name} | {w:.1f} | {n / w:.2f} | {c:.1f} | {1000 * c / n:.0f} | {rss:.0f} |")
    lines += ["", f"- storylens / bare spaCy, articles per second (wall): **{bw / sw:.2f}**; per CPU-second: "
              f"{bc / sc:.2f}. Bare spaCy alone: model load {bare['load_s']:.1f} s, nlp.pipe {bare['pipe_s']:.1f} s "
              f"({a.n / bare['pipe_s']:.2f} art/s without start-up).", *base_note, "",
              f"| {a.add} new articles | wall s | CPU s | peak RSS MB |", "|---|---|---|---|",
              f"| into an empty store | {ew:.1f} | {ec:.1f} | {erss:.0f} |",
              f"| into the {a.n}-article store | {iw:.1f} | {ic:.1f} | {irss:.0f} |", "",
              f"- growing store / empty store: **{iw / ew:.2f}×** wall, {ic / ec:.2f}× CPU.", "",
              "Where the time of each analyze run goes (wall s of each phase; CPU s of the main process in it; "
              "CPU s of the pool processes over the whole run):", "",
              "| run | read + per-article + store: wall | main-process CPU | cross-article: wall | main-process CPU "
              "| pool processes CPU |", "|---|---|---|---|---|---|"]
    phase_rows = [(f"{a.n} into empty", sph), (f"{a.add} into empty", eph), (f"{a.add} into {a.n}", iph)]
    if bph is not None:
        phase_rows.insert(1, (f"{a.n} into empty, code in {a.e2e_baseline_label or a.e2e_baseline_src}", bph))
    for name, ph in phase_rows:
        g, x = ph.get("ingest", {}), ph.get("cross", {})
        lines.append(f"| {name} | {g.get('wall', 0):.1f} | {g.get('main_cpu', 0):.1f} | {x.get('wall', 0):.1f} "
                     f"| {x.get('main_cpu', 0):.1f} | {ph.get('pool_cpu', 0):.1f} |")
    lines.append("")
    return "\n".join(lines)


def _write_section(text: str, title: str) -> None:
    res = ROOT / "benchmarks" / "results" / "scale.md"
    old = res.read_text(encoding="utf-8") if res.exists() else ""
    if title in old:
        head, _, rest = old.partition(title)
        nxt = rest.find("\n## ")
        old = head + (rest[nxt + 1:] if nxt >= 0 else "")
    res.write_text(old.rstrip() + "\n\n" + text.rstrip() + "\n", encoding="utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description="storylens per-article throughput benchmark")
    ap.add_argument("--n", type=int, default=300, help="articles for the throughput and Dask runs")
    ap.add_argument("--words", type=int, default=700)
    ap.add_argument("--n-process", type=int, nargs="*", default=[1, 2],
                    help="spaCy processes to compare (none: skip the table)")
    ap.add_argument("--repeat", type=int, default=1, help="alternate bare/full this many times")
    ap.add_argument("--profile", action="store_true", help="time each stage (one process)")
    ap.add_argument("--rss-n", type=int, default=0, help="articles to stream for the RSS curve (0: skip)")
    ap.add_argument("--rss-n-process", type=int, default=1)
    ap.add_argument("--dask", action="store_true", help="LocalCluster 1 vs 2 workers")
    ap.add_argument("--shard-size", type=int, default=32)
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--e2e", action="store_true",
                    help="only the end-to-end figures: storylens analyze vs bare spaCy, and --add new articles "
                         "into the --n store vs into an empty one (written to benchmarks/results/scale.md)")
    ap.add_argument("--add", type=int, default=60)
    ap.add_argument("--e2e-n-process", type=int, default=2)
    ap.add_argument("--e2e-baseline-src", help="also run the first analyze with the package in this src folder "
                    "(e.g. `git archive COMMIT src | tar -x -C DIR`, then DIR/src) and compare")
    ap.add_argument("--e2e-baseline-label", help="how the baseline is named in the table (default: its path)")
    ap.add_argument("--no-write", action="store_true", help="print the section, do not write it to scale.md")
    ap.add_argument("--rss-child", help=argparse.SUPPRESS)
    ap.add_argument("--single-child", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.rss_child:
        return rss_child(a.rss_child, a.db, a.n_process[0])
    if a.single_child:
        return single_child(a.single_child, str(a.workdir))
    if a.e2e:
        a.workdir.mkdir(parents=True, exist_ok=True)
        text = end_to_end(a, Config())
        print(text)
        if not a.no_write:
            _write_section(text, "## End to end: `storylens analyze` beside bare spaCy, and a growing store")
        return

    from synth_corpus import write_corpus

    a.workdir.mkdir(parents=True, exist_ok=True)
    config = Config()
    print(f"# storylens throughput — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} CPUs, model {config.spacy_model}, batch_size {config.batch_size}")
    print(f"command: python benchmarks/throughput.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    jsonl = write_corpus(a.workdir / f"synth-{a.n}-{a.words}.jsonl", a.n, a.words, seed=1)
    texts = _texts(jsonl)
    words = sum(len(t.split()) for t in texts) / max(len(texts), 1)
    print(f"\ncorpus: {len(texts)} synthetic articles, {words:.0f} words on average\n")

    from storylens.annotate.nlp import load_nlp
    load_nlp(config.spacy_model)  # load outside the timings
    print(f"load average before: {os.getloadavg()[0]:.1f}\n")
    print("| n_process | bare spaCy art/s (wall) | full pipeline art/s (wall) | full / bare (wall) "
          f"| steady bare art/s | steady full art/s | full / bare (steady, after {WARM} articles) "
          "| bare CPU ms/art | full CPU ms/art | full / bare (per CPU-second) | stored | duplicates |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    n = len(texts)
    for npr in a.n_process:
        cfg = Config(n_process=npr)
        bare, full = [], []
        for _ in range(a.repeat):
            bare.append(bare_spacy(texts, cfg, npr))
            dt, summary, cpu, steady = full_pipeline(jsonl, cfg, a.workdir)
            full.append((dt, cpu, steady))
        (bw, bc, bs), (fw, fc, fs) = min(bare), min(full)
        print(f"| {npr} | {n / bw:.1f} | {n / fw:.1f} | {bw / fw:.2f} | {bs:.1f} | {fs:.1f} | {fs / bs:.2f} "
              f"| {1000 * bc / n:.0f} | {1000 * fc / n:.0f} | {bc / fc:.2f} | {summary.stored} | {summary.duplicates} |",
              flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")

    if a.profile:
        total, timers = profile(jsonl, config, a.workdir)
        print(f"\nwhere the time goes (one process, {len(texts)} articles, {total:.1f} s, "
              f"{len(texts) / total:.1f} art/s):\n")
        print("| part | seconds | share | ms/article |")
        print("|---|---|---|---|")
        for k, v in sorted(timers.items(), key=lambda kv: -kv[1]):
            print(f"| {k} | {v:.2f} | {100 * v / total:.1f}% | {1000 * v / len(texts):.1f} |")

    if a.dask:
        # a fresh process, warmed up on other articles like the workers: the encoder's memo of an earlier
        # run over the same texts would otherwise hide the event stage's sentence encoding from the baseline
        out = subprocess.run([sys.executable, __file__, "--single-child", str(jsonl), "--workdir", str(a.workdir)],
                             capture_output=True, text=True, check=True).stdout
        res = json.loads(out.strip().splitlines()[-1])
        single, single_cpu = res["seconds"], res["cpu"]
        print(f"\nDask LocalCluster (threads_per_worker=1, shard size {a.shard_size}), {n} articles "
              f"(load average {os.getloadavg()[0]:.1f}); every process warmed up on 4 other articles:\n")
        print("| run | cluster start s | run s (wall) | art/s (wall) | CPU ms/art (client + workers) "
              "| CPU ms/art of each worker (its CPU / all articles) |")
        print("|---|---|---|---|---|---|")
        print(f"| plain process, one thread per pool (read, stages, store) | – | {single:.1f} | {n / single:.1f} "
              f"| {1000 * single_cpu / n:.0f} | – |")
        times, cpus = {}, {}
        for w in (1, 2):
            startup, dt, summary, stats, cpu = dask_run(jsonl, config, a.workdir, w, a.shard_size)
            times[w], cpus[w] = dt, cpu["client"] + cpu["workers"]
            print(f"| dask, {w} worker(s) | {startup:.1f} | {dt:.1f} | {n / dt:.1f} | "
                  f"{1000 * cpus[w] / n:.0f} ({1000 * cpu['client'] / n:.0f} + {1000 * cpu['workers'] / n:.0f}) | "
                  f"{', '.join(f'{1000 * c / n:.0f}' for c in cpu['per_worker'])} |", flush=True)
        print(f"\nspeed-up 1 → 2 workers (wall): {times[1] / times[2]:.2f}×; Dask / single-process wall time: "
              f"{times[1] / single:.2f} (1 worker), {times[2] / single:.2f} (2 workers); "
              f"CPU per article, Dask / single process: {cpus[1] / single_cpu:.2f} (1 worker), "
              f"{cpus[2] / single_cpu:.2f} (2 workers)")

    if a.rss_n:
        big = write_corpus(a.workdir / f"synth-{a.rss_n}-{a.words}.jsonl", a.rss_n, a.words, seed=2)
        samples, result = rss_stream(big, a.workdir, a.rss_n_process)
        if samples:
            peak = max(r for _, r in samples)
            dur = samples[-1][0]
            print(f"\nRSS streaming {a.rss_n} articles (n_process={a.rss_n_process}, process + children): "
                  f"peak {peak / 2**20:.0f} MiB over {dur:.0f} s; {result}\n")
            # min and max per tenth of the run: a leak shows as a rising floor, batching as the spread
            print("| part of the run | elapsed | RSS min MiB | RSS max MiB |")
            print("|---|---|---|---|")
            for k in range(10):
                win = [r for t, r in samples if k * dur / 10 <= t <= (k + 1) * dur / 10]
                if win:
                    print(f"| {10 * k}–{10 * (k + 1)}% | {(k + 1) * dur / 10:.0f} s | {min(win) / 2**20:.0f} "
                          f"| {max(win) / 2**20:.0f} |")


if __name__ == "__main__":
    main()
