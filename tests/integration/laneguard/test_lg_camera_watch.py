"""A camera that stops sending frames, or whose source gives up, raises a staff alert: the live
cameras' watch over real worker threads and a real pipeline, sealed to an enrolled terminal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import numpy as np

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.memory import (
    InMemoryEnrolmentCodes,
    InMemoryTerminalRepository,
    RecordingTransport,
)
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.fakes import AlwaysMoving, FakeJpeg, NoVest, PersonAlways
from laneguard.detection.domain.camera_watch import CameraWatch
from laneguard.detection.domain.zones import CameraRules, Zone
from laneguard.detection.service.live import LiveCamera, LiveCameras
from laneguard.detection.service.pipeline import CameraPipeline
from laneguard.detection.service.ports import Frame, SourceHealth
from laneguard.records.adapters.memory import InMemoryIncidentRepository

T0 = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


class StoppingSource:
    """Sends `frames` frames, then nothing (a frozen stream), until closed; or, with
    `gives_up`, ends reporting FAILED (a stream whose reconnects all failed)."""

    def __init__(self, frames: int = 3, gives_up: bool = False) -> None:
        self._frames = frames
        self._gives_up = gives_up
        self._closed = threading.Event()
        self.state = SourceHealth.OK

    @property
    def fps(self) -> float:
        return 10.0

    @property
    def health(self) -> SourceHealth:
        return self.state

    def frames(self) -> Iterator[Frame]:
        for i in range(self._frames):
            yield Frame(i, i / 10, T0, np.zeros((60, 80, 3), dtype=np.uint8))
        if self._gives_up:
            self.state = SourceHealth.FAILED
            return
        self._closed.wait()

    def close(self) -> None:
        self._closed.set()


def camera(name: str, source: StoppingSource) -> LiveCamera:
    square = ((0.0, 0.0), (80.0, 0.0), (80.0, 60.0), (0.0, 60.0))
    zone = Zone("z", square, frozenset({ObjectClass.PEDESTRIAN}), "1")
    pipeline = CameraPipeline(
        CameraRules(name, (zone,)), PersonAlways(), AlwaysMoving(), NoVest(), FakeJpeg()
    )
    return LiveCamera(name, source, pipeline, realtime=False)


def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_stalled_and_a_failed_camera_alert_staff_once_each() -> None:
    clock = ManualClock(T0)
    repo = InMemoryTerminalRepository()
    terminals = TerminalService(repo, clock, InMemoryEnrolmentCodes(), station="嘉兴东")
    sealer = StationSealer(generate_private_key())
    key = generate_private_key()
    probe = TerminalIdentity("?", "guard", key, sealer.station_public_key)
    enrolled = terminals.enroll("guard", probe.public_key, terminals.issue_code("guard", "op").code)
    guard = TerminalIdentity(enrolled.terminal_id, "guard", key, sealer.station_public_key)
    sent = RecordingTransport("mqtt")
    alerts = AlertService("嘉兴东", InMemoryIncidentRepository(), repo, sealer, [sent], clock)

    now = [0.0]
    frozen, dead = StoppingSource(), StoppingSource(gives_up=True)
    live = LiveCameras(
        [camera("cam-frozen", frozen), camera("cam-dead", dead)],
        watch=CameraWatch(stall_after_s=5),
        monotonic=lambda: now[0],
    )
    pump = threading.Thread(target=lambda: [None for _ in live.events()], daemon=True)
    pump.start()
    try:
        wait_for(lambda: live.frames_processed["cam-frozen"] == 3)
        wait_for(lambda: dead.state is SourceHealth.FAILED)
        now[0] = 4.0  # frozen for 4 s: not yet stalled; the dead one is failed at once
        changes = live.check(clock.now())
        assert [(c.camera, c.state) for c in changes] == [("cam-dead", CameraState.FAILED)]
        now[0] = 6.0
        changes += live.check(clock.now())
        assert [(c.camera, c.state) for c in changes][1:] == [("cam-frozen", CameraState.STALLED)]
        assert live.check(clock.now()) == []  # said once
        assert live.health() == {"cam-frozen": "stalled", "cam-dead": "failed"}
        for change in changes:
            alerts.camera_changed(change)
    finally:
        frozen.close()  # its worker waits in frames(); the camera's own close ends it
        live.close()
        pump.join(timeout=5)
    notices = [guard.open_camera(m) for m in sent.sent]
    assert [(n.camera, n.state, n.station) for n in notices] == [
        ("cam-dead", CameraState.FAILED, "嘉兴东"),
        ("cam-frozen", CameraState.STALLED, "嘉兴东"),
    ]
    assert all(m.kind == "camera" for m in sent.sent)


def test_a_camera_that_sends_again_is_back_to_ok() -> None:
    watch = CameraWatch(stall_after_s=5)
    assert watch.update("c", watch.judge(6, failed=False, ended=False))
    assert watch.states["c"] is CameraState.STALLED
    assert watch.update("c", watch.judge(0.1, failed=False, ended=False))
    assert watch.states["c"] is CameraState.OK
    assert not watch.update("c", watch.judge(10, failed=False, ended=True))  # a file that ended
