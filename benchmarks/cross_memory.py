"""Memory of the cross-article phase alone, replayed on a copy of a store.

    PYTHONPATH=src .venv/bin/python benchmarks/cross_memory.py STORE.sqlite --out /tmp/cross

Copies the store (and its WAL) into --out, removes the saved comparison state (so every story is
computed as in a first run, as after the last article of `storylens analyze` on a fresh store, unless
--keep-state), then runs what `storylens analyze` runs after the last article: `pipeline.reanalyze`
and `write_json`. The resident memory of the process is sampled every 0.2 s; the RSS before and after
each cross-article stage (link, compare, positions) and the saving of the analysis, and the peaks, are
printed, with the process's maximum resident set so far (``ru_maxrss``: a spike shorter than the sampling
interval shows there). The analysis.json it writes can be compared byte for byte with one made by other code on the
same store. A store to replay: the soak.sqlite that `benchmarks/soak.py` leaves in its work folder.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import shutil
import sqlite3
import threading
import time
from pathlib import Path


def _maxrss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)   # KiB on Linux


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--keep-state", action="store_true", help="keep the saved comparison state (a later run)")
    a = ap.parse_args(argv)

    import psutil

    a.out.mkdir(parents=True, exist_ok=True)
    db = a.out / "store.sqlite"
    for ext in ("", "-wal"):
        src = Path(str(a.store) + ext)
        if src.exists():
            shutil.copy(src, str(db) + ext)
    if not a.keep_state:
        with sqlite3.connect(db) as c:
            c.execute("DELETE FROM state WHERE key='compare'")

    me = psutil.Process()
    peak = {"stage": 0, "all": 0}

    def watch():
        while True:
            r = me.memory_info().rss
            peak["stage"], peak["all"] = max(peak["stage"], r), max(peak["all"], r)
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    mib = lambda b: round(b / 2**20)  # noqa: E731
    # imports made before the measure, so that they are not counted in the first stage
    import storylens.compare  # noqa: F401
    import storylens.link.actors  # noqa: F401
    import storylens.positions  # noqa: F401
    import storylens.store.db as db_mod
    from storylens import registry
    from storylens.config import Config
    from storylens.pipeline import reanalyze
    from storylens.store.export import write_json

    rows = []

    def measured(name, fn):
        def run(*args, **kw):
            before, t = me.memory_info().rss, time.time()
            peak["stage"] = before
            out = fn(*args, **kw)
            # max_rss_so_far_mib: the kernel's high-water mark of the process, which no 0.2 s sample misses
            rows.append({"step": name, "rss_before_mib": mib(before), "rss_after_mib": mib(me.memory_info().rss),
                         "peak_mib": mib(peak["stage"]), "max_rss_so_far_mib": _maxrss_mib(),
                         "s": round(time.time() - t, 1)})
            print(json.dumps(rows[-1]), flush=True)
            return out
        return run

    registry._builtin()
    for name in ("link", "compare", "positions"):
        st = registry.STAGES[name]
        registry.STAGES[name] = dataclasses.replace(st, func=measured(name, st.func))
    db_mod.Store.replace_analysis = measured("save analysis", db_mod.Store.replace_analysis)

    base, t0 = me.memory_info().rss, time.time()
    problems = []
    an = reanalyze(db_mod.Store(db), Config(), problems)
    t1 = time.time()
    measured("write analysis.json", write_json)(an, a.out / "analysis.json")
    summary = {"rss_at_start_mib": mib(base), "peak_mib": mib(peak["all"]),
               "max_rss_mib": _maxrss_mib(),
               "reanalyze_s": round(t1 - t0, 1), "articles": len(an.articles), "quotes": len(an.quotes),
               "events": len(an.events), "problems": [f"{p.stage}: {p.message}" for p in problems]}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
