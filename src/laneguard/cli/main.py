"""The `laneguard` command line."""

from __future__ import annotations

import typer

from laneguard import __version__
from laneguard.cli.analyze import analyze
from laneguard.cli.centre import centre
from laneguard.cli.evaluate import evaluate_command
from laneguard.cli.model import model_app
from laneguard.cli.retention import retention
from laneguard.cli.run import run
from laneguard.cli.stats import stats
from laneguard.cli.terminal import terminal_app
from laneguard.cli.user import user_app

app = typer.Typer(
    name="laneguard", help="LaneGuard 收费车道行人/非机动车误闯预警", no_args_is_help=True
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"laneguard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit"
    ),
) -> None:
    """LaneGuard: detect lane intrusions, warn by voice, alert staff, keep statistics."""


app.command("analyze")(analyze)
app.command("centre")(centre)
app.command("evaluate")(evaluate_command)
app.add_typer(model_app, name="model")
app.command("retention")(retention)
app.command("run")(run)
app.command("stats")(stats)
app.add_typer(terminal_app, name="terminal")
app.add_typer(user_app, name="user")


def main() -> None:
    app()
