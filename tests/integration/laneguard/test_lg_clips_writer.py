"""The MJPEG-AVI clip writer on the real disk: the clip reads back in OpenCV; a full disk or an
unwritable folder is a ClipError naming the problem; SQL keeps the path beside the outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.adapters.clips import AviClipWriter
from laneguard.records.adapters.db import SqlIncidentRepository, make_engine
from laneguard.records.adapters.migrate import upgrade
from laneguard.records.service.ports import ClipError


def jpegs(n: int, size: tuple[int, int] = (160, 120)) -> list[bytes]:
    out = []
    for i in range(n):
        image = np.zeros((size[1], size[0], 3), dtype=np.uint8)
        cv2.rectangle(image, (i * 8, 20), (i * 8 + 20, 60), (0, 0, 255), -1)
        ok, data = cv2.imencode(".jpg", image)
        assert ok
        out.append(bytes(data.tobytes()))
    return out


def test_clip_reads_back_with_its_frames_and_size(tmp_path: Path) -> None:
    writer = AviClipWriter(tmp_path / "clips", min_free_bytes=0)
    path = Path(writer.write("inc-1", jpegs(12), fps=5.0))
    assert path == tmp_path / "clips" / "inc-1.avi"
    capture = cv2.VideoCapture(str(path))
    frames = 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        assert image.shape == (120, 160, 3)
        frames += 1
    capture.release()
    assert frames == 12
    assert [p.name for p in path.parent.iterdir()] == ["inc-1.avi"]  # no partial file left


def test_full_disk_is_refused_before_writing(tmp_path: Path) -> None:
    writer = AviClipWriter(tmp_path, min_free_bytes=2**62)
    with pytest.raises(ClipError, match="disk full"):
        writer.write("inc-2", jpegs(3), fps=5.0)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_and_garbage_frames_are_clip_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ClipError, match="clip folder"):
        AviClipWriter(blocker / "clips", min_free_bytes=0).write("inc-3", jpegs(2), 5.0)
    with pytest.raises(ClipError, match="none of the 2 frames"):
        AviClipWriter(tmp_path / "c", min_free_bytes=0).write("inc-4", [b"no", b"jpeg"], 5.0)
    with pytest.raises(ClipError, match="plain file name"):
        AviClipWriter(tmp_path / "c", min_free_bytes=0).write("../x", jpegs(1), 5.0)


def test_sql_keeps_clip_path_and_outcome_apart(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lg.db'}")
    upgrade(engine)
    upgrade(engine)  # idempotent (an older table gains the column: test_lg_migrations)
    repo = SqlIncidentRepository(engine)
    at = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    repo.add(IncidentRecord("i9", "S", "cam", "z", "1", ObjectClass.BICYCLE, 3, 0.8, at))
    stale = repo.get("i9")
    assert stale is not None
    assert stale.clip_path is None
    repo.set_clip("i9", "/data/clips/i9.avi")
    stale.close(Outcome.FALSE_ALARM, "李四", at)
    repo.save(stale)  # a record read before the clip was set must not erase it
    got = repo.get("i9")
    assert got is not None
    assert got.clip_path == "/data/clips/i9.avi"
    assert got.outcome is Outcome.FALSE_ALARM
    engine.dispose()


def test_old_incidents_table_gains_the_clip_column(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE lg_incidents (incident_id VARCHAR(64) PRIMARY KEY)")
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with sqlite3.connect(db) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(lg_incidents)")]
    assert "clip_path" in columns
    engine.dispose()
