"""The app's recurring jobs: the daily recall run, the pickup staging and expiry loop, the
anchoring of the custody chain, the cycle counts of the shelves and the nightly backup."""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from samplehub.app import backup
from samplehub.app.bootstrap import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import nothing_to_close
from samplehub.app.wiring.notify import deliverer, notice_senders

if TYPE_CHECKING:
    from samplehub.app.services import Services
    from samplehub.app.wiring.inventory import InventoryRunner
    from samplehub.core.domain.anchors import Anchor
    from samplehub.core.service.notifications import Notice, NoticeSender
    from samplehub.pickup.service.app import PickupApp


def send_recall_reminders(
    settings: Settings, today: date | None = None, senders: list[NoticeSender] | None = None
) -> list[Notice]:
    """Queue today's recall reminders (30 and 7 days before due, by default) in the outbox
    over the channels in use (``notify.*``, or ``senders``), then run one delivery round over
    them; returns what was queued. Failed deliveries are retried by ``serve``'s worker."""
    from datetime import UTC

    from samplehub.recall.domain.recall import reminder_days
    from samplehub.recall.service.recall import send_reminders

    now = datetime.now(UTC)
    today = today or institute_today(settings, now)
    services = bootstrap(settings)
    chosen = notice_senders(settings) if senders is None else {s.channel: s for s in senders}
    try:
        queued = send_reminders(
            services.bus.handle,
            services.uow_factory,
            set(chosen),
            today,
            now,
            reminder_days(settings.recall.reminder_days),
        )
        deliverer(settings, services, chosen).run_once()
        return queued
    finally:
        services.close()


def institute_today(settings: Settings, now: datetime) -> date:
    """The institute's calendar day at ``now`` (``institute.time_zone``): reminders go by it."""
    return now.astimezone(ZoneInfo(settings.institute.time_zone)).date()


PICKUP_FOLLOW_S = 2.0
"""How often the pickup job looks whether a booking is being staged: then it runs at once and
again at this pace (a new booking's staging starts, the compartments open for the arriving
robots and confirm what they brought), so nobody waits for the next ``job_seconds`` round."""


def start_pickup_job(app: PickupApp, seconds: float) -> Callable[[], None]:
    """Run ``app.run_due`` every ``seconds`` in a daemon thread, and every ``PICKUP_FOLLOW_S``
    while some booking is being staged; returns the stop function.

    Failures are logged and the next round tries again; ``seconds`` <= 0 starts nothing.
    """
    if seconds <= 0:
        return nothing_to_close
    last = [time.monotonic()]

    def round_when_due() -> None:
        if app.staging() or time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            app.run_due()

    return every(min(seconds, PICKUP_FOLLOW_S), round_when_due, "pickup-job")


class AnchorJob:
    """Signs the chain's head into the anchor log when due: every ``anchor_every_records``
    records, and at least every ``anchor_max_age_minutes`` while records come in."""

    def __init__(self, settings: Settings, services: Services) -> None:
        from samplehub.app.wiring import trust

        self.settings = settings
        self.services = services
        self.signer = trust.anchor_signer(settings)
        self.copy = trust.anchor_file(settings)

    def run_once(self) -> Anchor | None:
        from samplehub.core.service.anchoring import anchor_if_due

        signing = self.settings.signing
        return anchor_if_due(
            self.services.uow_factory,
            self.signer,
            self.copy,
            self.services.clock,
            signing.anchor_every_records,
            timedelta(minutes=signing.anchor_max_age_minutes),
        )


def start_anchor_job(settings: Settings, services: Services) -> Callable[[], None]:
    """Make the demo keys if none exist (logged; never with production keys), then look every
    ``signing.anchor_check_seconds`` whether an anchor is due; returns the stop function."""
    from samplehub.app.wiring import trust

    trust.institute_keys(settings).ensure()
    seconds = settings.signing.anchor_check_seconds
    if seconds <= 0:
        return nothing_to_close
    job = AnchorJob(settings, services)
    return every(seconds, job.run_once, "anchor-job")


NIGHTLY = "samplehub-"
"""Names of the nightly backups: ``samplehub-YYYYMMDD`` (the institute's date)."""


def nightly_backups(folder: Path) -> list[Path]:
    """The whole nightly backups in ``folder``, oldest first (``samplehub-YYYYMMDD``)."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.startswith(NIGHTLY)]
    return sorted(p for p in found if (p / backup.MANIFEST).is_file())


class NightlyBackup:
    """The backup `samplehub serve` makes once a day from ``backup.at`` (the institute's time
    zone; at once if the service starts later) into ``backup.folder``, keeping the newest
    ``backup.keep``; files unchanged since the last one are hard links to its copies. It is made
    under a temporary name and renamed when whole, so a crash leaves no half backup under a
    night's name."""

    RETRY = timedelta(minutes=30)
    """How long after a failed backup the next try waits."""

    def __init__(
        self,
        settings: Settings,
        now: Callable[[], datetime],
        alert: Callable[[dict[str, str]], object] | None = None,
    ) -> None:
        assert settings.backup.folder is not None
        self.settings = settings
        self.folder = settings.backup.folder
        self.now = now
        self.alert = alert  # told once a day of a failed backup (the staff recipients)
        self.retry_at: datetime | None = None
        self.alerted_on: date | None = None

    def made(self) -> list[Path]:
        """The nightly backups there, oldest first."""
        return nightly_backups(self.folder)

    def run_once(self) -> Path | None:
        """Make tonight's backup if it is due and not made yet; the backup made, or None. A
        failure is logged and raised; staff are told once a day, and the next try waits."""
        now = self.now()
        if self.retry_at is not None and now < self.retry_at:
            return None
        try:
            return self._due(now)
        except Exception as error:
            self.retry_at = now + self.RETRY
            day = now.astimezone(ZoneInfo(self.settings.institute.time_zone)).date()
            if self.alert is not None and self.alerted_on != day:
                self.alerted_on = day
                self.alert({"folder": str(self.folder), "error": str(error)[:200]})
            raise

    def _due(self, now: datetime) -> Path | None:
        local = now.astimezone(ZoneInfo(self.settings.institute.time_zone))
        if local.time() < self.settings.backup.at:
            return None
        name = f"{NIGHTLY}{local:%Y%m%d}"
        if (self.folder / name).exists():
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".nightly.lock").open("a") as lock:
            try:  # several workers of one database: one makes it
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            if (self.folder / name).exists():  # another worker made it just before
                return None
            partial = self.folder / f".partial-{name}"
            shutil.rmtree(partial, ignore_errors=True)  # a crash's leftovers
            earlier = self.made()
            backup.create(self.settings, partial, link_dest=earlier[-1] if earlier else None)
            os.replace(partial, self.folder / name)
            for old in self.made()[: -self.settings.backup.keep]:
                shutil.rmtree(old)
        return self.folder / name


def start_backup_job(settings: Settings, services: Services) -> Callable[[], None]:
    """Look every minute whether tonight's backup is due (``backup.*``; none without a
    folder); returns the stop function."""
    if settings.backup.folder is None:
        return nothing_to_close
    from samplehub.core.domain.messages import message_id
    from samplehub.core.service import commands as c

    def alert(details: dict[str, str]) -> None:
        failed = message_id("core.alert_backup_failed")
        services.bus.handle(c.AlertStaff(c.SYSTEM, "backup_failed", failed, details))

    nightly = NightlyBackup(settings, services.clock.now, alert)
    return every(60, nightly.run_once, "backup-job")


def start_inventory_job(settings: Settings, runner: InventoryRunner) -> Callable[[], None]:
    """Run a cycle count of the shelves every ``storage.inventory_minutes`` (0: none)."""
    minutes = settings.storage.inventory_minutes
    if minutes <= 0:
        return nothing_to_close
    return every(minutes * 60, runner, "inventory-job")


def every(seconds: float, work: Callable[[], object], name: str) -> Callable[[], None]:
    """Run ``work`` every ``seconds`` in a daemon thread, surviving failures (logged)."""
    import logging

    stop = threading.Event()
    log = logging.getLogger(f"samplehub.{name}")

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                work()
            except Exception:  # the job must outlive one bad round (the database, the keys)
                log.exception("%s round failed; trying again in %s s", name, seconds)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()

    def stop_job() -> None:
        stop.set()
        thread.join(10)

    return stop_job
