"""Retention of snapshots and clips, and the log of who viewed them, on real SQLite and
PostgreSQL and real clip files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentOpened, ObjectClass
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.adapters.clips import AviClipWriter
from laneguard.records.adapters.db import SqlIncidentRepository
from laneguard.records.adapters.media_db import SqlAccessLog, SqlMediaStore
from laneguard.records.service.ports import ClipError
from laneguard.records.service.records import RecordsService
from laneguard.records.service.retention import RetentionService

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    fixture: Engine = request.getfixturevalue(f"{request.param}_engine")
    return fixture


def incident(n: int, days_ago: float) -> IncidentRecord:
    at = NOW - timedelta(days=days_ago)
    event = IncidentOpened(f"inc-{n}", "cam", "z", "1", ObjectClass.BICYCLE, n, 0.9, at, b"jpeg")
    return IncidentRecord.from_opened(event, "S1")


def test_pictures_older_than_the_period_are_deleted_and_records_stay(
    engine: Engine, tmp_path: Path
) -> None:
    incidents = SqlIncidentRepository(engine)
    clips = AviClipWriter(tmp_path / "clips", min_free_bytes=0)
    (tmp_path / "clips").mkdir()
    for n, days in ((1, 31), (2, 29), (3, 45)):
        incidents.add(incident(n, days))
        path = tmp_path / "clips" / f"inc-{n}.avi"
        path.write_bytes(b"avi")
        incidents.set_clip(f"inc-{n}", str(path))
    (tmp_path / "clips" / "inc-3.avi").unlink()  # already gone: the record is still cleared
    job = RetentionService(SqlMediaStore(engine), clips, ManualClock(NOW), timedelta(days=30))

    report = job.run()

    assert (report.incidents, report.clips_deleted, report.failed) == (2, 1, 0)
    old = incidents.get("inc-1")
    assert old is not None
    assert (old.snapshot_jpeg, old.clip_path) == (b"", None)
    assert old.object_class is ObjectClass.BICYCLE  # the record stays for the statistics
    assert not (tmp_path / "clips" / "inc-1.avi").exists()
    recent = incidents.get("inc-2")
    assert recent is not None
    assert recent.snapshot_jpeg == b"jpeg"
    assert (tmp_path / "clips" / "inc-2.avi").exists()
    assert job.run().incidents == 0  # nothing left to do


def test_a_clip_path_outside_the_clip_folder_is_never_deleted(tmp_path: Path) -> None:
    outside = tmp_path / "precious.avi"
    outside.write_bytes(b"x")
    with pytest.raises(ClipError, match="is not a clip in"):
        AviClipWriter(tmp_path / "clips", min_free_bytes=0).delete(str(outside))
    assert outside.exists()


def test_every_view_is_logged_newest_first(engine: Engine) -> None:
    clock = ManualClock(NOW)
    records = RecordsService(SqlIncidentRepository(engine), SqlAccessLog(engine), clock)
    records.viewed("inc-1", "张三", "snapshot")
    clock.advance(60)
    records.viewed("inc-1", "李四", "clip")
    log = records.access_log()
    assert [(a.user, a.media, a.at) for a in log] == [
        ("李四", "clip", NOW + timedelta(seconds=60)),
        ("张三", "snapshot", NOW),
    ]
