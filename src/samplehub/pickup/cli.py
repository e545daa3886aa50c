"""`samplehub pickup`: stage due bookings and expire overdue ones, settle pickups after a restart.

These are what the running app's job does every ``pickup.job_seconds``; the commands let an
operator (or cron) do it by hand. With simulated lockers (``pickup.lockers`` of type simulated) the
cabinets live inside each process, so use the staff page of the running demo instead.
"""

from __future__ import annotations

import dataclasses
import json

import typer

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.pickup.service import kiosk as pickup_kiosk

app = typer.Typer(help="Pickup 取件", no_args_is_help=True)


@app.command("run")
def run() -> None:
    """Stage bookings whose staging lead has begun; send overdue samples back to storage;
    deliver the notices that are due."""
    settings = Settings()
    if settings.pickup.lockers.type == "simulated":
        typer.echo("note: pickup.lockers is simulated; staging uses simulated cabinets", err=True)
    services = bootstrap.bootstrap(settings)
    pickup = pickup_wiring.pickup_app(settings, services, customer_s=None)
    try:
        report = pickup.run_due()
        notices = pickup.deliver()  # what serve's worker would do next
    finally:
        pickup.close()
        services.close()
    typer.echo(
        json.dumps(
            {
                "requested": report.requested,
                "staged": report.staged,
                "rescheduled": report.rescheduled,
                "expired": report.expired,
                "failed": report.failed,
                "notices": dataclasses.asdict(notices),
            },
            ensure_ascii=False,
        )
    )


@app.command("recover")
def recover() -> None:
    """After a power cut: settle every pickup whose code was used, from door sensors and RFID."""
    settings = Settings()
    services = bootstrap.bootstrap(settings)
    pickup = pickup_wiring.pickup_app(settings, services, customer_s=None)
    try:
        receipts = pickup_kiosk.recover(pickup.deps)
    finally:
        pickup.close()
        services.close()
    for receipt in receipts:
        typer.echo(
            json.dumps(
                {
                    "booking": receipt.booking_id,
                    "collected": receipt.collected,
                    "left_behind": receipt.left_behind,
                    "still_open": receipt.still_open,
                    "unreadable": receipt.unreadable,
                }
            )
        )
    typer.echo(f"{len(receipts)} pickups settled")
