"""Incident clips: ring buffer per camera, one clip per incident at its end or after a while,
and failures that are logged while the alarm goes on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from laneguard.alerting.adapters.crypto import StationSealer, generate_private_key
from laneguard.alerting.adapters.memory import (
    InMemoryEnrolmentCodes,
    InMemoryTerminalRepository,
    RecordingTransport,
)
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass, Outcome
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.records.service.clips import ClipRecorder
from laneguard.records.service.ports import ClipError
from tests.unit.laneguard.core.fakes import InlineExecutor

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


class HeldExecutor(Executor):
    """Keeps the work until `run_all`, as a busy disk would."""

    def __init__(self) -> None:
        self.held: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.held.append((fn, args))
        return Future()

    def run_all(self) -> None:
        for fn, args in self.held:
            fn(*args)
        self.held.clear()


class FakeWriter:
    def __init__(self, fail: Exception | None = None) -> None:
        self.written: list[tuple[str, list[bytes], float]] = []
        self.fail = fail

    def write(self, name: str, frames: Sequence[bytes], fps: float) -> str:
        if self.fail is not None:
            raise self.fail
        self.written.append((name, list(frames), fps))
        return f"/clips/{name}.avi"


def opened(incident_id: str = "i1", camera: str = "cam", at: datetime = T0) -> IncidentOpened:
    return IncidentOpened(incident_id, camera, "z", "3", ObjectClass.PEDESTRIAN, 7, 0.9, at, b"j")


def feed(recorder: ClipRecorder, camera: str, seconds: float, fps: float = 5.0) -> None:
    for i in range(int(seconds * fps)):
        recorder.add_frame(camera, T0 + timedelta(seconds=i / fps), f"{camera}{i}".encode())


def test_clip_on_end_holds_only_the_last_seconds_of_that_camera() -> None:
    writer, index = FakeWriter(), InMemoryIncidentRepository()
    recorder = ClipRecorder(writer, index, InlineExecutor(), seconds=2.0, after_open_s=30)
    recorder.opened(opened())
    feed(recorder, "cam", seconds=5)
    feed(recorder, "other", seconds=5)
    recorder.ended(IncidentEnded("i1", T0 + timedelta(seconds=5), 20, 0.9))
    [(name, frames, fps)] = writer.written
    assert name == "i1"
    assert frames[0] == b"cam14"
    assert frames[-1] == b"cam24"
    assert len(frames) == 11
    assert fps == pytest.approx(5.0)
    recorder.ended(IncidentEnded("i1", T0 + timedelta(seconds=6), 20, 0.9))
    assert len(writer.written) == 1  # one clip per incident


def test_long_incident_gets_its_clip_after_open_s_and_not_again_at_end() -> None:
    writer = FakeWriter()
    recorder = ClipRecorder(
        writer, InMemoryIncidentRepository(), InlineExecutor(), seconds=3, after_open_s=10
    )
    recorder.opened(opened())
    feed(recorder, "cam", seconds=4)
    recorder.tick(T0 + timedelta(seconds=9))
    assert writer.written == []
    recorder.tick(T0 + timedelta(seconds=10))
    assert [w[0] for w in writer.written] == ["i1"]
    recorder.ended(IncidentEnded("i1", T0 + timedelta(seconds=12), 60, 0.9))
    assert len(writer.written) == 1


def test_no_frames_means_no_clip_and_no_error(caplog: pytest.LogCaptureFixture) -> None:
    writer = FakeWriter()
    recorder = ClipRecorder(writer, InMemoryIncidentRepository(), InlineExecutor())
    recorder.opened(opened(camera="silent"))
    with caplog.at_level(logging.WARNING):
        recorder.ended(IncidentEnded("i1", T0, 1, 0.9))
    assert writer.written == []
    assert "no frames of camera silent" in caplog.text


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(ValueError, match="seconds=0"):
        ClipRecorder(FakeWriter(), InMemoryIncidentRepository(), InlineExecutor(), seconds=0)


class World:
    def __init__(self, writer: FakeWriter, executor: Executor) -> None:
        self.clock = ManualClock(T0)
        self.incidents = InMemoryIncidentRepository()
        self.terminals = InMemoryTerminalRepository()
        self.sealer = StationSealer(generate_private_key())
        self.transport = RecordingTransport("mqtt")
        self.recorder = ClipRecorder(writer, self.incidents, executor, seconds=2, after_open_s=8)
        self.service = AlertService(
            "S1",
            self.incidents,
            self.terminals,
            self.sealer,
            [self.transport],
            self.clock,
            clips=self.recorder,
        )
        enrolment = TerminalService(self.terminals, self.clock, InMemoryEnrolmentCodes())
        enrolment.enroll(
            "张三",
            StationSealer(generate_private_key()).station_public_key,
            enrolment.issue_code("张三", "operator").code,
        )


def test_alert_service_records_the_clip_path_and_keeps_the_outcome() -> None:
    executor = HeldExecutor()
    world = World(FakeWriter(), executor)
    world.service.handle(opened())
    feed(world.recorder, "cam", seconds=3)
    world.service.handle(IncidentEnded("i1", T0 + timedelta(seconds=3), 15, 0.9))
    # staff close it while the clip is still being written: neither write loses the other
    record = world.incidents.get("i1")
    assert record is not None
    record.close(Outcome.TURNED_BACK, "张三", T0 + timedelta(seconds=4))
    world.incidents.save(record)
    executor.run_all()
    final = world.incidents.get("i1")
    assert final is not None
    assert final.clip_path == "/clips/i1.avi"
    assert final.outcome is Outcome.TURNED_BACK


def test_tick_writes_the_clip_of_a_long_incident() -> None:
    world = World(FakeWriter(), InlineExecutor())
    world.service.handle(opened())
    feed(world.recorder, "cam", seconds=3)
    world.clock.advance(8)
    world.service.tick()
    record = world.incidents.get("i1")
    assert record is not None
    assert record.clip_path == "/clips/i1.avi"


@pytest.mark.parametrize(
    "failure", [ClipError("disk full: 10 bytes free"), RuntimeError("codec crashed")]
)
def test_clip_failure_is_logged_and_the_alert_still_goes_out(
    failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    world = World(FakeWriter(fail=failure), InlineExecutor())
    feed(world.recorder, "cam", seconds=1)
    with caplog.at_level(logging.ERROR):
        sent = world.service.opened(opened())
        world.service.ended(IncidentEnded("i1", T0 + timedelta(seconds=1), 5, 0.9))
    assert len(sent) == 1
    assert len(world.transport.sent) == 1
    record = world.incidents.get("i1")
    assert record is not None
    assert record.clip_path is None
    assert record.ended_at is not None
    assert "clip of incident i1" in caplog.text
