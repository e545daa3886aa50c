"""The installation's health checks (``core/domain/status.py``): where each part turns from
ok to a warning to a fault."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samplehub.core.domain import status
from samplehub.core.domain.outbox import Backlog
from samplehub.core.domain.status import Level

GIB = 1024**3
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def test_the_disk_warns_below_ten_percent_and_faults_below_three_or_one_gib() -> None:
    assert status.disk(50 * GIB, 100 * GIB).level is Level.OK
    assert status.disk(9 * GIB, 100 * GIB).level is Level.WARN
    assert status.disk(2 * GIB, 100 * GIB).level is Level.BAD
    assert status.disk(GIB // 2, 2 * GIB).level is Level.BAD  # a quarter free, but under 1 GiB
    found = status.disk(9 * GIB, 100 * GIB).message.params
    assert found == {"free": "9.0", "share": "9"}


def test_the_nightly_backup_is_judged_against_the_night_it_should_exist() -> None:
    at = time(2, 0)
    morning = datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)  # past 02:00 and its hour of grace
    night = datetime(2026, 12, 5, 2, 30, tzinfo=SHANGHAI)  # tonight's may still be running
    assert status.nightly_backup(None, morning, None).level is Level.WARN  # none set up
    assert status.nightly_backup(date(2026, 12, 5), morning, at).level is Level.OK
    assert status.nightly_backup(date(2026, 12, 4), morning, at).level is Level.BAD
    assert status.nightly_backup(date(2026, 12, 4), night, at).level is Level.OK
    assert status.nightly_backup(date(2026, 12, 3), night, at).level is Level.BAD
    assert status.nightly_backup(None, night, at).level is Level.WARN  # the first is not due
    assert status.nightly_backup(None, morning, at).level is Level.BAD
    assert status.nightly_backup(date(2026, 12, 3), night, at).message.params == {
        "newest": "2026-12-03"
    }


def test_notices_given_up_are_a_fault_and_a_long_wait_a_warning() -> None:
    fresh = NOW - timedelta(minutes=2)
    assert status.outbox(Backlog(0, None, 0), NOW, 7).level is Level.OK
    assert status.outbox(Backlog(3, fresh, 0), NOW, 7).level is Level.OK
    late = status.outbox(Backlog(3, NOW - timedelta(minutes=40), 0), NOW, 7)
    assert late.level is Level.WARN
    assert late.message.params["minutes"] == 40
    assert status.outbox(Backlog(0, None, 2), NOW, 7).level is Level.BAD


def test_records_long_unanchored_are_a_warning() -> None:
    hour = timedelta(hours=1)
    assert status.anchoring(0, None, None, None, NOW, hour).level is Level.OK  # nothing yet
    assert status.anchoring(5, NOW - hour, None, None, NOW, hour).level is Level.OK  # due soon
    assert status.anchoring(5, NOW - 3 * hour, None, None, NOW, hour).level is Level.WARN
    assert status.anchoring(90, NOW, 90, NOW - 10 * hour, NOW, hour).level is Level.OK  # all in
    assert status.anchoring(95, NOW, 90, NOW - hour, NOW, hour).level is Level.OK  # due soon
    behind = status.anchoring(95, NOW, 90, NOW - 3 * hour, NOW, hour)
    assert behind.level is Level.WARN
    assert behind.message.params == {"head": 95, "anchored": 90, "behind": 5}


def test_robots_offline_are_a_warning_and_the_installation_takes_its_worst_level() -> None:
    assert status.fleet("manual", [], []).level is Level.OK
    assert status.fleet("follower", [], []).level is Level.OK
    assert status.fleet("leader", ["R01", "R02"], []).level is Level.OK
    offline = status.fleet("leader", ["R01"], ["R02", "R03"])
    assert offline.level is Level.WARN
    assert offline.message.params == {"online": 1, "total": 3, "offline": "R02, R03"}
    checks = [status.fleet("leader", ["R01"], []), offline, status.disk(GIB // 2, 2 * GIB)]
    assert status.worst(checks) is Level.BAD
    assert status.worst(checks[:2]) is Level.WARN
    assert status.worst([]) is Level.OK


def test_storage_at_a_warning_level_is_a_warning_and_a_full_one_a_fault() -> None:
    assert status.storage([]).level is Level.OK
    filling = status.storage([("A S", 92.4), ("B M", 81.0)])
    assert filling.level is Level.WARN
    assert filling.message.params == {"areas": "A S 92%, B M 81%"}
    assert status.storage([("A L", 100.0), ("A S", 92.4)]).level is Level.BAD


def test_samples_waiting_for_a_label_or_tag_again_are_a_warning() -> None:
    assert status.intake_devices([]).level is Level.OK
    faults = status.intake_devices([f"JX2026-00000{n}" for n in range(1, 8)])
    assert faults.level is Level.WARN
    assert faults.message.params["count"] == 7
    assert faults.message.params["samples"] == ", ".join(f"JX2026-00000{n}" for n in range(1, 6))
