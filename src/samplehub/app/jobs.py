"""The app's recurring jobs: the daily recall run and the pickup staging and expiry loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from samplehub.app.bootstrap import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import nothing_to_close
from samplehub.app.wiring.recall import recall_senders

if TYPE_CHECKING:
    from samplehub.core.service.notifications import Notice, NoticeSender
    from samplehub.pickup.service.app import PickupApp


def send_recall_reminders(
    settings: Settings, today: date | None = None, senders: list[NoticeSender] | None = None
) -> list[Notice]:
    """Send today's recall reminders (30 and 7 days before due, by default) and log them."""
    from datetime import UTC, datetime, timedelta

    from samplehub.recall.domain.recall import reminder_days
    from samplehub.recall.service.recall import send_reminders

    now = datetime.now(UTC)
    today = today or (now + timedelta(hours=8)).date()  # the institute's calendar day (UTC+8)
    services = bootstrap(settings)
    try:
        return send_reminders(
            services.bus.handle,
            services.uow_factory,
            recall_senders(settings) if senders is None else senders,
            today,
            now,
            reminder_days(settings.recall.reminder_days),
        )
    finally:
        services.close()


def start_pickup_job(app: PickupApp, seconds: float) -> Callable[[], None]:
    """Run ``app.run_due`` every ``seconds`` in a daemon thread; returns the stop function.

    Failures are logged and the next round tries again; ``seconds`` <= 0 starts nothing.
    """
    import logging

    if seconds <= 0:
        return nothing_to_close
    stop = threading.Event()
    log = logging.getLogger("samplehub.pickup.job")

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                app.run_due()
            except Exception:  # the job must outlive one bad round (a locker, the database)
                log.exception("pickup job round failed; trying again in %s s", seconds)

    thread = threading.Thread(target=loop, name="pickup-job", daemon=True)
    thread.start()

    def stop_job() -> None:
        stop.set()
        thread.join(10)

    return stop_job
