"""The `samplehub` command line. Each group lives in its own module and is mounted here."""

from __future__ import annotations

import typer

from samplehub import __version__, bootstrap
from samplehub.config import Settings
from samplehub.entrypoints.cli import admin, certificate, recall
from samplehub.entrypoints.cli import pickup as pickup_cli
from samplehub.entrypoints.cli import vision as vision_cli
from samplehub.entrypoints.cli.simulate import app as simulate_app

app = typer.Typer(name="samplehub", help="SampleHub 样品自助流转系统", no_args_is_help=True)
admin.register(app)
app.add_typer(simulate_app, name="simulate")
app.add_typer(certificate.app, name="certificate")
app.add_typer(recall.app, name="recall")
app.add_typer(pickup_cli.app, name="pickup")


def _certificate_deps() -> certificate.CertificateCliDeps:
    deps = bootstrap.lab_deps(Settings())
    return certificate.CertificateCliDeps(deps.certificates, deps.dcc)


certificate.configure(_certificate_deps)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"samplehub {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit"
    ),
) -> None:
    """SampleHub: intake, storage, lab handover and pickup of calibration samples."""


app.add_typer(vision_cli.app, name="vision")


def main() -> None:
    app()
