"""The `samplehub` command line. Each group lives in its own module and is mounted here."""

from __future__ import annotations

import typer

from samplehub import __version__
from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.wiring import trust
from samplehub.cli import admin, audit
from samplehub.cli import backup as backup_cli
from samplehub.cli import misplace as sim_cli
from samplehub.fleet.cli import app as simulate_app
from samplehub.intake import cli as vision_cli
from samplehub.lab import cli as certificate
from samplehub.pickup import cli as pickup_cli
from samplehub.recall import cli as recall
from samplehub.rfid import cli as rfid_cli
from samplehub.storage import cli as site_cli

app = typer.Typer(name="samplehub", help="SampleHub 样品自助流转系统", no_args_is_help=True)
admin.register(app)
audit.register(app)
simulate_app.command("misplace")(sim_cli.misplace)
app.add_typer(simulate_app, name="simulate")
app.add_typer(certificate.app, name="certificate")
app.add_typer(recall.app, name="recall")
app.add_typer(pickup_cli.app, name="pickup")
app.add_typer(site_cli.app, name="site")
app.add_typer(rfid_cli.app, name="rfid")
app.add_typer(backup_cli.app, name="backup")


def _certificate_deps() -> certificate.CertificateCliDeps:
    settings = Settings()
    lab = bootstrap.bootstrap(settings).lab
    assert lab is not None  # bootstrap wires the lab on the database
    return certificate.CertificateCliDeps(
        lab.deps.certificates,
        lab.deps.dcc,
        lab.deps.signer,
        lambda ca_files: trust.signature_checker(settings, ca_files),
    )


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
