"""What `/status` and `GET /api/status` show (``core/domain/status.py`` judges it): the figures
of each part of the running installation, read when asked. A part that cannot be read is a
fault of its own, never an error page."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from samplehub.app.config import Settings
from samplehub.app.jobs import NIGHTLY, nightly_backups
from samplehub.app.services import Services
from samplehub.core.domain import status
from samplehub.core.domain.messages import Message, message_id

log = logging.getLogger(__name__)
FAILED_DAYS = 7
"""Notices given up in this many days make the outbox a fault."""


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
        now = self.services.clock.now()
        parts: list[tuple[str, Callable[[datetime], status.Check]]] = [
            ("disk", self.disk),
            ("backup", self.backup),
            ("outbox", self.outbox),
            ("anchors", self.anchors),
            ("fleet", self.robots),
        ]
        checks = []
        for key, read in parts:
            try:
                checks.append(read(now))
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
