"""The `storylens` command line. Each command lives in storylens/commands/<name>.py and registers itself."""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news coverage of a developing political story into a sourced map of it.")

COMMANDS = ("analyze", "actors", "quotes", "events", "stance", "serve", "positions")

for _name in COMMANDS:
    importlib.import_module(f"storylens.commands.{_name}").register(app)


def main():  # console-script entry point
    app()


if __name__ == "__main__":
    main()
