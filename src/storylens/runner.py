"""What `storylens analyze` does: a run over the store with progress, summary, exports and report."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from .config import Config
from .pipeline import RunSummary, ingest_and_store, reanalyze
from .store import Store
from .store.export import write_json


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("{task.fields[current]}"),
                    transient=False, disable=not enabled, redirect_stdout=False)


def run_analysis(paths: Sequence[str], out: Path, db: Path, config: Config, *, engine: str = "local",
                 scheduler: str | None = None, workers: int = 2, report: bool = True, progress: bool = True) -> int:
    import time

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(db)
    run_id = store.start_run("analyze " + " ".join(map(str, paths)))
    summary = RunSummary()
    status = "done"
    try:
        if engine == "dask":
            from .scale.dask_runner import run_dask

            summary = run_dask(paths, store, config, scheduler=scheduler, workers=workers, run_id=run_id, out=out)
        else:
            t0 = time.time()
            with _progress(progress and sys.stderr.isatty()) as bar:
                task = bar.add_task("reading", total=None, rate="", current="")
                count = [0]

                def on_item(path: str):
                    count[0] += 1
                    rate = count[0] / max(time.time() - t0, 1e-6)
                    bar.update(task, advance=1, rate=f"{rate:.1f} items/s", current=Path(path).name[:40])

                summary = ingest_and_store(paths, store, config, on_item=on_item, run_id=run_id)
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
        print(f"skipped {sk.source_path}: {sk.reason}", file=sys.stderr)
    print(summary.line())
    print(f"database: {db}")
    print(f"analysis: {out / 'analysis.json'}")
    if report and (out / "report.html").exists():
        print(f"report:   {out / 'report.html'}")
    store.close()
    return summary.exit_code
