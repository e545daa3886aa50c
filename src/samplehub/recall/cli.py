"""`samplehub recall send`: today's recall reminders, each sent once and logged."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from samplehub.app import jobs
from samplehub.app.config import Settings
from samplehub.app.wiring.notify import notice_senders

app = typer.Typer(help="到期提醒 Recall reminders", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Recall: instruments coming due for re-verification."""


@app.command("send")
def send(
    today: Annotated[
        str | None, typer.Option(help="Run as if today were this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Send the reminders due today (30 and 7 days before due); none is ever sent twice."""
    day = None
    if today is not None:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            typer.echo(f"error: --today {today!r} is not a date YYYY-MM-DD", err=True)
            raise typer.Exit(2) from None
    settings = Settings()
    if not notice_senders(settings):
        typer.echo("no notification channel configured (SAMPLEHUB_NOTIFY__…)", err=True)
    sent = jobs.send_recall_reminders(settings, day)
    for notice in sent:
        typer.echo(f"{notice.channel.value}\t{notice.recipient}\t{notice.key}")
    typer.echo(
        f"recall reminders sent: {len(sent)} (queued in the outbox; one delivery round done, "
        "failures are retried by serve)",
        err=True,
    )
