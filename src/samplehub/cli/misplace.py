"""``samplehub simulate misplace SAMPLE SLOT``: the demo's misplacement by a person.

The running simulation (``make run``) moves the sample's tag to SLOT without any record; the
next cycle counts find it and make a relocation task back to its recorded slot.
"""

from __future__ import annotations

from typing import Annotated

import typer

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.wiring.inventory import misplace_inbox
from samplehub.core.domain.locations import LocationKind
from samplehub.simulation.shelf_readers import write_misplacement


def misplace(
    sample: Annotated[str, typer.Argument(help="样品编号 / sample number")],
    slot: Annotated[str, typer.Argument(help="货位 / slot address, e.g. A-02-3-05")],
) -> None:
    """模拟错放 / Move a stored sample's tag to another slot without a record (demo)."""
    settings = Settings()
    services = bootstrap.bootstrap(settings)
    try:
        with services.uow_factory() as uow:
            found = uow.samples.get(sample.strip().upper())
            target = uow.slots.find(slot.strip())
    finally:
        services.close()
    if found is None:
        typer.echo(f"error: sample: {sample!r} not found", err=True)
        raise typer.Exit(1)
    if found.location.kind is not LocationKind.STORAGE_SLOT or not found.epc:
        typer.echo(
            f"error: sample: {found.number} is {found.location} (tag {found.epc or 'none'}); "
            "allowed: a stored sample with an RFID tag",
            err=True,
        )
        raise typer.Exit(1)
    if target is None or target.address == found.location.code:
        typer.echo(
            f"error: slot: {slot!r}; allowed: a slot of the site other than {found.location.code}",
            err=True,
        )
        raise typer.Exit(1)
    write_misplacement(misplace_inbox(settings), found.epc, target.address)
    typer.echo(
        f"{found.number} (tag {found.epc}) moved from {found.location.code} to "
        f"{target.address} without a record; the next cycle counts will find it"
    )
