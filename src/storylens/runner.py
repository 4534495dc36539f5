"""What `storylens analyze` does: a run over the store with progress, summary, exports and report.

Whatever fails, the run keeps what it can: articles are stored batch by batch as they are
analysed; a failing cross-article stage or report is a warning (exit 3) and analysis.json is
still written from what the store holds. The run's row in the store says how it ended
(done / failed / interrupted); a run killed outright is marked interrupted by the next one.
"""
from __future__ import annotations

import sys
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from .config import Config
from .model import Problem
from .pipeline import RunSummary, ingest_and_store, reanalyze
from .store import Store
from .store.export import write_json


def one_line(s: str, limit: int = 500) -> str:
    """A name or reason made safe for a one-line message: control characters (newlines included) escaped."""
    out = []
    for ch in str(s):
        if ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                       if ch not in "\n\t\r" else {"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        else:
            out.append(ch)
    text = "".join(out)
    return text if len(text) <= limit else text[:limit] + "…"


def _progress(enabled: bool):
    from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    return Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                    TextColumn("{task.fields[items]}"), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[current]}"),
                    transient=False, disable=not enabled, redirect_stdout=False)


def run_dask(paths: Sequence[str], store, config: Config, scheduler: str | None = None, workers: int = 2,
             run_id: int | None = None, out: str | Path | None = None, *, on_item: Callable[[str], None] | None = None,
             shard_size: int | None = None, client=None, stats=None, summary: RunSummary | None = None) -> RunSummary:
    """Per-article stages on Dask, results stored in `store` and written as Parquet under OUT/parquet/."""
    from .scale.dask_runner import DEFAULT_SHARD_SIZE, close_client, dask_session, dask_target, shard_dispatcher

    shard_size = shard_size or DEFAULT_SHARD_SIZE
    client, own = dask_session(config, scheduler, workers, client)
    try:
        process = shard_dispatcher(client, config, shard_size, stats=stats)
        # one store transaction (and one Parquet part) per shard
        return ingest_and_store(paths, dask_target(store, out, run_id), replace(config, batch_size=shard_size),
                                on_item=on_item, run_id=run_id, process=process, summary=summary)
    finally:
        if own:
            close_client(client)


def _warn(summary: RunSummary, store: Store, run_id: int, p: Problem) -> None:
    summary.warnings.append(p)
    try:
        store.log(run_id, "(run)", f"{p.stage}: {p.message}", level="warning")
    except Exception as exc:  # the message still reaches the user below
        summary.warnings.append(Problem("store", f"could not log a warning: {type(exc).__name__}: {exc}"))


def run_analysis(paths: Sequence[str], out: Path, db: Path, config: Config, *, engine: str = "local",
                 scheduler: str | None = None, workers: int = 2, report: bool = True, progress: bool = True,
                 exports: Sequence[str] = ()) -> int:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(db)
    run_id = store.start_run("analyze " + " ".join(map(str, paths)))
    summary = RunSummary()
    status = "done"
    try:
        try:
            _ingest(paths, store, config, run_id, out, engine, scheduler, workers, progress, summary)
        except Exception as exc:
            # what was stored before the failure stays and is still analysed and exported below
            status = "failed"
            _warn(summary, store, run_id, Problem("ingest", f"the run stopped reading: {type(exc).__name__}: {exc}"))
        problems: list[Problem] = []
        try:
            analysis = reanalyze(store, config, problems)
        except Exception as exc:
            problems.append(Problem("analysis", f"cross-article analysis not saved: {type(exc).__name__}: {exc}"))
            analysis = store.load_analysis()   # the stored articles and the last saved analysis
        for p in problems:
            _warn(summary, store, run_id, p)
        write_json(analysis, out / "analysis.json")
        if "parquet" in exports:
            from .store.export import write_parquet_tables

            write_parquet_tables(analysis, out / "parquet")
        if report:
            try:
                from .publish.report import write_report

                write_report(store, out / "report.html")
            except Exception as exc:
                _warn(summary, store, run_id, Problem("report", f"report.html not written: {type(exc).__name__}: {exc}"))
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except BaseException:
        status = "failed"
        raise
    finally:
        store.finish_run(run_id, read=summary.read, stored=summary.stored, duplicates=summary.duplicates,
                         skipped=len(summary.skipped), status=status)
    for sk in summary.skipped:
        print(f"skipped {one_line(sk.source_path)}: {one_line(sk.reason)}", file=sys.stderr)
    for source, p in summary.errors:
        print(f"{p.level} {one_line(source)}: {p.stage}: {one_line(p.message)}", file=sys.stderr)
    for p in summary.warnings:
        print(f"warning: {p.stage}: {one_line(p.message)}", file=sys.stderr)
    print(summary.line())
    print(f"database: {db}")
    print(f"analysis: {out / 'analysis.json'}")
    if report and (out / "report.html").exists():
        print(f"report:   {out / 'report.html'}")
    if "parquet" in exports:
        print(f"parquet:  {out / 'parquet'}")
    store.close()
    return 1 if status == "failed" else summary.exit_code


def _ingest(paths, store, config, run_id, out, engine, scheduler, workers, progress, summary: RunSummary) -> None:
    from .scale.progress import ProgressTracker, input_size

    show = progress and sys.stderr.isatty()
    total = input_size(paths)[1] if show else None
    with _progress(show) as bar:
        task = bar.add_task("reading", total=total, items="", rate="", current="")
        on_item = ProgressTracker(bar, task, total)
        if engine == "dask":
            run_dask(paths, store, config, scheduler=scheduler, workers=workers, run_id=run_id, out=out,
                     on_item=on_item, summary=summary)
        else:
            ingest_and_store(paths, store, config, on_item=on_item, run_id=run_id, summary=summary)
        on_item.finish()
