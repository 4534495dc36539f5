"""What `storylens analyze` does: a run over the store with progress, summary, exports and report."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from .config import Config
from .ingest.paths import display_path
from .pipeline import RunSummary, ingest_and_store, reanalyze
from .store import Store
from .store.export import write_json


def _progress(enabled: bool):
    from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    return Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                    TextColumn("{task.fields[items]}"), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[current]}"),
                    transient=False, disable=not enabled, redirect_stdout=False)


def run_analysis(paths: Sequence[str], out: Path, db: Path, config: Config, *, engine: str = "local",
                 scheduler: str | None = None, workers: int = 2, report: bool = True, progress: bool = True) -> int:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(db)
    run_id = store.start_run("analyze " + " ".join(map(str, paths)))
    summary = RunSummary()
    status = "done"
    try:
        from .scale.progress import ProgressTracker, input_size

        show = progress and sys.stderr.isatty()
        total = input_size(paths)[1] if show else None
        with _progress(show) as bar:
            task = bar.add_task("reading", total=total, items="", rate="", current="")
            on_item = ProgressTracker(bar, task, total)
            if engine == "dask":
                from .scale.dask_runner import run_dask

                summary = run_dask(paths, store, config, scheduler=scheduler, workers=workers, run_id=run_id,
                                   out=out, on_item=on_item)
            else:
                summary = ingest_and_store(paths, store, config, on_item=on_item, run_id=run_id)
            on_item.finish()
        analysis = reanalyze(store, config)
        write_json(analysis, out / "analysis.json")
        if report:
            try:
                from .publish.report import write_report
            except ImportError:
                write_report = None
            if write_report is not None:
                write_report(store, out / "report.html")
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        store.finish_run(run_id, read=summary.read, stored=summary.stored, duplicates=summary.duplicates,
                         skipped=len(summary.skipped), status=status)
    for sk in summary.skipped:
        print(f"skipped {display_path(sk.source_path)}: {display_path(sk.reason)}", file=sys.stderr)
    print(summary.line())
    print(f"database: {db}")
    print(f"analysis: {out / 'analysis.json'}")
    if report and (out / "report.html").exists():
        print(f"report:   {out / 'report.html'}")
    store.close()
    return summary.exit_code
