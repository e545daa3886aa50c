"""`samplehub site load FILE`: the storage site (areas, racks, shelves, slots, places) from YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.wiring import storage as wiring
from samplehub.core.domain.errors import DomainError

app = typer.Typer(help="存储现场 Storage site", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Storage: areas, racks, shelves and slots as data."""


@app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="Site file (YAML: map, storage, places)")],
) -> None:
    """Load the site; loading the same file again changes nothing. Refused, with nothing
    changed, when it names a wrong value (line and field given) or would drop or shrink a slot
    that holds a sample."""
    services = bootstrap.bootstrap(Settings())
    try:
        done = wiring.load_site(services, file)
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()
    if not done.changed_anything:
        typer.echo(f"site unchanged: {done.slots} slots")
        return
    typer.echo(
        f"site loaded: {done.slots} slots ({done.added} added, {done.changed} changed, "
        f"{done.removed} removed)"
    )
