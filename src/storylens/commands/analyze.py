"""`storylens analyze PATH... --out DIR`."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


ENGINES = ("local", "dask")
EXPORTS = ("parquet",)


def _spacy_problem(name: str, parses_here: bool = True) -> str | None:
    """Why the spaCy pipeline cannot be loaded (checked before any work), or None.

    ``parses_here`` False: worker processes parse, this one never does; an installed pipeline package
    is then not loaded here only to be checked (0.5 CPU-s), a pipeline folder still is."""
    from ..annotate.nlp import installed_package, load_nlp

    if not parses_here and installed_package(name):
        return None
    try:
        load_nlp(name)
    except (OSError, ImportError, ValueError) as exc:
        return " ".join(str(exc).split())[:200]
    return None


def analyze(
    paths: List[Path] = typer.Argument(..., help="Files or folders to read (txt, md, html, json/jsonl, rss/atom, warc; optionally .gz)."),
    out: Path = typer.Option(Path("storylens-out"), "--out", "-o", help="Folder for analysis.json, report.html and the database."),
    db: Optional[Path] = typer.Option(None, "--db", help="SQLite database (default OUT/storylens.sqlite)."),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="spaCy pipeline to use (name or path)."),
    registry: Optional[Path] = typer.Option(None, "--registry", help="Actor registry YAML (aliases, merges, splits)."),
    engine: str = typer.Option("local", "--engine", help="local, or dask for the distributed runner."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://HOST:8786)."),
    workers: int = typer.Option(2, "--workers", help="Local Dask workers when no scheduler is given."),
    n_process: int = typer.Option(1, "--n-process", help="spaCy worker processes for the local engine."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write OUT/report.html."),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Settings file (TOML); see docs/configuration.md."),
    export: List[str] = typer.Option([], "--export", help="Also write the tables as: parquet (OUT/parquet/<table>.parquet)."),
):
    """Read articles, analyse them, store them, and write analysis.json and report.html."""
    from ..runner import run_analysis

    if engine not in ENGINES:
        typer.echo(f"unknown --engine {engine!r}: use one of {', '.join(ENGINES)}", err=True)
        raise typer.Exit(2)
    unknown = [e for e in export if e not in EXPORTS]
    if unknown:
        typer.echo(f"unknown --export {unknown[0]!r}: use one of {', '.join(EXPORTS)}", err=True)
        raise typer.Exit(2)
    from ..config import ConfigError, load_config

    try:
        config = load_config(config_file)
    except ConfigError as exc:
        typer.echo(f"config: {exc}", err=True)
        raise typer.Exit(2)
    if spacy_model:
        config.spacy_model = spacy_model
    if registry:
        config.registry = str(registry)
    if config.registry:
        from ..link.registry import RegistryError, load_registry
        try:
            load_registry(config.registry)   # fail before any work, with the entry at fault
        except RegistryError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2)
    config.n_process = n_process
    problem = _spacy_problem(config.spacy_model, parses_here=engine == "local" and n_process <= 1)
    if problem:
        typer.echo(f"spaCy model {config.spacy_model!r} cannot be loaded: {problem}", err=True)
        raise typer.Exit(2)
    from ..pipeline import check_config
    from ..registry import PipelineError
    try:
        check_config(config)   # an unknown stage or a missing requirement stops the run before any work
    except PipelineError as exc:
        typer.echo(f"pipeline: {exc}", err=True)
        raise typer.Exit(2)
    code = run_analysis([str(p) for p in paths], out, db or out / "storylens.sqlite", config,
                        engine=engine, scheduler=scheduler, workers=workers, report=report, progress=progress,
                        exports=tuple(export))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
