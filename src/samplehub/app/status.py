"""What `/status` and `GET /api/status` show (``core/domain/status.py`` judges it): the figures
of each part of the running installation, read when asked. A part that cannot be read is a
fault of its own, never an error page. ``StatusAlerts`` tells the staff recipients of a full
disk and of notices given up, once a day each."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from samplehub.app.config import Settings
from samplehub.app.jobs import NIGHTLY, every, nightly_backups
from samplehub.app.services import Services
from samplehub.core.domain import status
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.service import commands as c
from samplehub.intake.service import queries as intake_queries
from samplehub.storage.service import queries as storage_queries

log = logging.getLogger(__name__)
FAILED_DAYS = 7
"""Notices given up in this many days make the outbox a fault."""
PARTS = ("disk", "backup", "outbox", "anchors", "devices", "storage", "fleet")
ALERTED = {message_id("core.status_disk_low"), message_id("core.status_outbox_failed")}
"""The faults the staff recipients are told of (a failed nightly backup tells them itself)."""
ALERTED_PARTS = ("disk", "outbox")
"""The parts the alert job reads: only those that can have a fault in ``ALERTED``."""


class StatusReader:
    """Reads each part's figures now; ``fleet`` is the fleet ``serve`` runs (its ``snapshot``),
    None in manual mode or where the fleet does not start."""

    def __init__(
        self,
        settings: Settings,
        services: Services,
        fleet: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.settings = settings
        self.services = services
        self.fleet = fleet

    def __call__(self) -> list[status.Check]:
        return self.read(PARTS)

    def read(self, keys: Sequence[str]) -> list[status.Check]:
        """The parts named, in that order."""
        now = self.services.clock.now()
        readers: dict[str, Callable[[datetime], status.Check]] = {
            "disk": self.disk,
            "backup": self.backup,
            "outbox": self.outbox,
            "anchors": self.anchors,
            "devices": self.intake_devices,
            "storage": self.storage,
            "fleet": self.robots,
        }
        checks = []
        for key in keys:
            try:
                checks.append(readers[key](now))
            except Exception as error:  # the page must show what it can read
                log.exception("status: %s could not be read", key)
                unread = Message(message_id("core.status_unreadable"), {"error": str(error)[:200]})
                checks.append(status.Check(key, status.Level.BAD, unread))
        return checks

    def disk(self, now: datetime) -> status.Check:
        usage = shutil.disk_usage(self.settings.data_dir)
        return status.disk(usage.free, usage.total)

    def backup(self, now: datetime) -> status.Check:
        local = now.astimezone(ZoneInfo(self.settings.institute.time_zone))
        folder = self.settings.backup.folder
        if folder is None:
            return status.nightly_backup(None, local, None)
        made = nightly_backups(folder)
        newest = None
        if made:
            newest = datetime.strptime(made[-1].name.removeprefix(NIGHTLY), "%Y%m%d").date()
        return status.nightly_backup(newest, local, self.settings.backup.at)

    def outbox(self, now: datetime) -> status.Check:
        with self.services.uow_factory() as uow:
            backlog = uow.outbox.backlog(now - timedelta(days=FAILED_DAYS))
        return status.outbox(backlog, now, FAILED_DAYS)

    def anchors(self, now: datetime) -> status.Check:
        with self.services.uow_factory() as uow:
            head = uow.audit.last()
            anchors = uow.audit.anchors()
        last = anchors[-1] if anchors else None
        max_age = timedelta(minutes=self.settings.signing.anchor_max_age_minutes)
        return status.anchoring(
            head.seq if head is not None else 0,
            datetime.fromisoformat(head.at) if head is not None else None,
            last.seq if last is not None else None,
            datetime.fromisoformat(last.at) if last is not None else None,
            now,
            max_age,
        )

    def intake_devices(self, now: datetime) -> status.Check:
        faults = intake_queries.device_faults(self.services.uow_factory, c.SYSTEM)
        return status.intake_devices([fault.sample_number for fault in faults])

    def storage(self, now: datetime) -> status.Check:
        levels = self.settings.storage.warning_levels
        uses = storage_queries.warnings(self.services.uow_factory, levels)
        return status.storage([(f"{u.area} {u.size_class}", u.percent) for u in uses])

    def robots(self, now: datetime) -> status.Check:
        if self.settings.fleet.mode == "manual":
            return status.fleet("manual", [], [])
        if self.fleet is None:
            return status.Check(
                "fleet", status.Level.WARN, Message(message_id("core.status_fleet_none"))
            )
        snapshot = self.fleet()
        online = [r["serial"] for r in snapshot.get("robots", []) if r.get("online")]
        offline = [s for s in snapshot.get("known", []) if s not in online]  # or never seen
        return status.fleet(str(snapshot.get("role", "")), online, offline)


class StatusAlerts:
    """Tells the staff recipients (``notify.staff``) of each part found at fault that they
    should act on (the data folder's disk filling up, notices given up), once a day a part:
    the days told are kept in ``<data_dir>/status-alerts.json``, under a lock, so that several
    `serve` processes on one data folder tell them once."""

    def __init__(
        self, settings: Settings, services: Services, read: Callable[[], list[status.Check]]
    ) -> None:
        self.folder = settings.data_dir
        self.zone = ZoneInfo(settings.institute.time_zone)
        self.services = services
        self.read = read

    def run_once(self) -> list[str]:
        """The parts told of now."""
        faults = [
            check
            for check in self.read()
            if check.level is status.Level.BAD and check.message.id in ALERTED
        ]
        if not faults:
            return []
        day = self.services.clock.now().astimezone(self.zone).date().isoformat()
        with (self.folder / ".status-alerts.lock").open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []  # another process is telling them
            kept = self.folder / "status-alerts.json"
            told: dict[str, str] = json.loads(kept.read_text("utf-8")) if kept.exists() else {}
            now_told = [check for check in faults if told.get(check.key) != day]
            for check in now_told:
                details = {k: str(v) for k, v in check.message.params.items()}
                kind = f"status_{check.key}"
                self.services.bus.handle(c.AlertStaff(c.SYSTEM, kind, check.message.id, details))
                told[check.key] = day
            partial = kept.with_suffix(".part")
            partial.write_text(json.dumps(told, sort_keys=True), "utf-8")
            os.replace(partial, kept)
        return [check.key for check in now_told]


def start_status_alerts(
    settings: Settings, services: Services, read: StatusReader
) -> Callable[[], None]:
    """Look every 10 minutes whether the staff must be told of a fault; the stop function."""
    alerts = StatusAlerts(settings, services, lambda: read.read(ALERTED_PARTS))
    return every(600, alerts.run_once, "status-alerts")
