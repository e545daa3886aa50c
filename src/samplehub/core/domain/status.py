"""The installation's health at a glance (系统状态): each part's level and one sentence on it.

What would lose a record or leave a customer waiting if nobody looked: the disk of the data
folder filling up, the nightly backup not made, notices not going out, the custody chain no
longer anchored, the kiosk's printer or tag writer failing, storage filling up, robots
offline. Each check here is a pure judgement over
figures the application reads; ``/status`` shows them, ``GET /api/status`` answers them to a
monitoring system.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.outbox import Backlog

GIB = 1024**3
DISK_LOW, DISK_FULL = 0.10, 0.03
"""Free share of the data folder's disk below which it is a warning, then a fault (or less than
1 GiB free, whatever the share): SQLite, the certificates and the backups all write there."""
BACKUP_GRACE = timedelta(hours=1)
"""After ``backup.at``, how long the night's backup may take before its absence is a fault."""
OUTBOX_LATE = timedelta(minutes=15)
"""A notice still waiting this long after it was written: its channel is not delivering."""
ANCHOR_LATE = 2
"""Times the anchors' maximum age after which records not anchored yet are a warning."""


class Level(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    BAD = "bad"


@dataclass(frozen=True)
class Check:
    """One part's state: ``key`` names the part, ``message`` says what was found."""

    key: str
    level: Level
    message: Message


def worst(checks: Sequence[Check]) -> Level:
    """The installation's level: its worst part's."""
    order = list(Level)
    return max((c.level for c in checks), key=order.index, default=Level.OK)


def disk(free: int, total: int) -> Check:
    share = free / total if total else 0.0
    level = Level.OK
    if free < GIB or share < DISK_FULL:
        level = Level.BAD
    elif share < DISK_LOW:
        level = Level.WARN
    values = {"free": f"{free / GIB:.1f}", "share": f"{share * 100:.0f}"}
    said = (
        message_id("core.status_disk") if level is Level.OK else message_id("core.status_disk_low")
    )
    return Check("disk", level, Message(said, values))


def nightly_backup(newest: date | None, now: datetime, at: time | None) -> Check:
    """``newest``: the date of the newest nightly backup; ``now`` in the institute's time
    zone; ``at``: ``backup.at``, None where no backup folder is set."""
    if at is None:
        return Check("backup", Level.WARN, Message(message_id("core.status_backup_off")))
    due = datetime.combine(now.date(), at, now.tzinfo) + BACKUP_GRACE
    expected = now.date() if now >= due else now.date() - timedelta(days=1)
    if newest is None:
        level = Level.BAD if now >= due else Level.WARN
        return Check("backup", level, Message(message_id("core.status_backup_none")))
    values = {"newest": newest.isoformat()}
    if newest < expected:
        return Check("backup", Level.BAD, Message(message_id("core.status_backup_old"), values))
    return Check("backup", Level.OK, Message(message_id("core.status_backup_ok"), values))


def outbox(backlog: Backlog, now: datetime, days: int) -> Check:
    """``backlog.failed`` counts the notices given up in the last ``days`` days."""
    values: dict[str, object] = {"pending": backlog.pending, "failed": backlog.failed, "days": days}
    if backlog.failed:
        return Check("outbox", Level.BAD, Message(message_id("core.status_outbox_failed"), values))
    oldest = backlog.oldest_pending
    if oldest is not None and now - oldest > OUTBOX_LATE:
        values["minutes"] = int((now - oldest).total_seconds() // 60)
        return Check("outbox", Level.WARN, Message(message_id("core.status_outbox_late"), values))
    return Check("outbox", Level.OK, Message(message_id("core.status_outbox_ok"), values))


def anchoring(
    head: int,
    head_at: datetime | None,
    anchored: int | None,
    anchored_at: datetime | None,
    now: datetime,
    max_age: timedelta,
) -> Check:
    """``head``: the last custody record's number and time; ``anchored``: the last anchored
    record's number and the anchor's time. Records that have waited for an anchor more than
    ``ANCHOR_LATE`` times its maximum age are a warning: the anchor job is not running."""
    if head == 0 or head_at is None:
        return Check("anchors", Level.OK, Message(message_id("core.status_anchors_empty")))
    late = ANCHOR_LATE * max_age
    if anchored is None or anchored_at is None:
        level = Level.WARN if now - head_at > late else Level.OK
        return Check(
            "anchors", level, Message(message_id("core.status_anchors_none"), {"head": head})
        )
    values = {"head": head, "anchored": anchored, "behind": head - anchored}
    if head > anchored and now - anchored_at > late:
        return Check("anchors", Level.WARN, Message(message_id("core.status_anchors_late"), values))
    return Check("anchors", Level.OK, Message(message_id("core.status_anchors_ok"), values))


def intake_devices(faults: Sequence[str]) -> Check:
    """``faults``: the samples waiting at intake whose label or RFID tag last failed to print or
    write (the kiosk's printer or tag writer is off, out of labels or unreachable)."""
    if not faults:
        return Check("devices", Level.OK, Message(message_id("core.status_devices_ok")))
    values = {"count": len(faults), "samples": ", ".join(faults[:5])}
    return Check("devices", Level.WARN, Message(message_id("core.status_devices_faults"), values))


def storage(at_levels: Sequence[tuple[str, float]]) -> Check:
    """``at_levels``: each storage area and size class at a capacity warning level (``A S``)
    with its percentage used, fullest first; a full one is a fault."""
    if not at_levels:
        return Check("storage", Level.OK, Message(message_id("core.status_storage_ok")))
    values = {"areas": ", ".join(f"{name} {percent:.0f}%" for name, percent in at_levels)}
    if at_levels[0][1] >= 100:
        return Check("storage", Level.BAD, Message(message_id("core.status_storage_full"), values))
    return Check("storage", Level.WARN, Message(message_id("core.status_storage_warn"), values))


def fleet(role: str, online: Sequence[str], offline: Sequence[str]) -> Check:
    """``role``: this process's part in the fleet (leader, follower, or manual: no robots)."""
    if role == "manual":
        return Check("fleet", Level.OK, Message(message_id("core.status_fleet_manual")))
    if role != "leader":
        return Check("fleet", Level.OK, Message(message_id("core.status_fleet_follower")))
    values: dict[str, object] = {"online": len(online), "total": len(online) + len(offline)}
    if offline:
        values["offline"] = ", ".join(offline)
        return Check("fleet", Level.WARN, Message(message_id("core.status_fleet_offline"), values))
    return Check("fleet", Level.OK, Message(message_id("core.status_fleet_ok"), values))
