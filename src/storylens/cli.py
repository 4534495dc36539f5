"""The `storylens` command line. Each command lives in storylens/commands/<name>.py and registers itself."""
from __future__ import annotations

import importlib
import logging
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news coverage of a developing political story into a sourced map of it.")

COMMANDS = ("analyze", "actors", "quotes", "events", "stance", "serve", "schema", "timeline", "positions")


def _version(value: bool):
    if value:
        from . import __version__

        typer.echo(f"storylens {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Print the version and exit."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details (to stderr)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Log errors only."),
):
    """Turn news coverage of a developing political story into a sourced map of it."""
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    # libraries (trafilatura, dateparser, ...) speak only with --verbose: their warnings about one
    # page are noise beside the one-line reasons storylens gives per input
    logging.basicConfig(level=logging.DEBUG if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s", force=True)
    logging.getLogger("storylens").setLevel(level)

for _name in COMMANDS:
    importlib.import_module(f"storylens.commands.{_name}").register(app)


def main():  # console-script entry point
    app()


if __name__ == "__main__":
    main()
