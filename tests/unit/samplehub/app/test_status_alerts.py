"""The installation's health as ``app/status.py`` reads it: a part that cannot be read is a
fault saying why, the others are read all the same; the staff recipients are told of a full
disk and of notices given up, once a day a part, however many `serve` processes share the data
folder; warnings and a missing backup (which tells them itself) are not sent."""

from __future__ import annotations

import fcntl
from datetime import timedelta
from pathlib import Path

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.status import StatusAlerts, StatusReader
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain import status
from samplehub.core.domain.outbox import Backlog

GIB = 1024**3


def _services(settings: Settings, clock: FixedClock) -> Services:
    store = MemoryStore()
    return bootstrap.bootstrap(
        settings, uow_factory=lambda: MemoryAppUnitOfWork(store), hasher=PlainHasher(), clock=clock
    )


def test_a_part_that_cannot_be_read_is_a_fault_saying_why(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "gone", secret_key="unit-test-secret-0123")
    checks = StatusReader(settings, _services(settings, FixedClock()))()
    disk = next(check for check in checks if check.key == "disk")
    assert disk.level is status.Level.BAD
    assert disk.message.id == "core.status_unreadable"
    assert "gone" in str(disk.message.params["error"])
    assert [check.key for check in checks] == [
        "disk", "backup", "outbox", "anchors", "devices", "storage", "fleet",
    ]  # fmt: skip
    fleet = checks[-1]
    assert (fleet.level, fleet.message.id) == (status.Level.WARN, "core.status_fleet_none")


def test_each_fault_is_told_once_a_day(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, secret_key="unit-test-secret-0123", notify={"staff": "sms:13800000000"}
    )
    clock = FixedClock()
    services = _services(settings, clock)
    checks = [
        status.disk(GIB // 2, 100 * GIB),  # a fault: told
        status.nightly_backup(None, clock.at, None),  # a warning: not told
        status.outbox(Backlog(0, None, 0), clock.at, 7),
    ]
    alerts = StatusAlerts(settings, services, lambda: checks)

    def sent() -> list[str]:
        with services.uow_factory() as uow:
            return sorted(m.kind for m in uow.outbox.recent())

    assert alerts.run_once() == ["disk"]
    assert sent() == ["status_disk"]
    assert alerts.run_once() == []  # the same day
    checks[2] = status.outbox(Backlog(1, clock.at, 2), clock.at, 7)
    assert alerts.run_once() == ["outbox"]
    clock.at += timedelta(days=1)
    with (tmp_path / ".status-alerts.lock").open("a") as other:  # another process telling them
        fcntl.flock(other, fcntl.LOCK_EX)
        assert alerts.run_once() == []
    assert alerts.run_once() == ["disk", "outbox"]
    assert sent() == ["status_disk", "status_disk", "status_outbox", "status_outbox"]
    with services.uow_factory() as uow:
        body = next(m for m in uow.outbox.due(clock.at) if m.kind == "status_disk").body
    assert body is not None
    assert "磁盘空间不足" in body
    assert "Disk space low" in body
