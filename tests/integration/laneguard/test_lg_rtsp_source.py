"""LaneGuard's RTSP source against a real RTSP server: Debian's rtsp-server-perl (an RTSP relay)
fed by Debian's ffmpeg looping the demo clip in real time. Frames arrive through OpenCvVideoSource
(FFmpeg underneath) and the live cameras' pipeline; the server is then killed, the camera
watch raises the stall, and when the server is back the source reconnects and frames flow again.

ffmpeg's own `-rtsp_flags listen` exists only for receiving a stream, not for serving one to a
player, hence the relay. rtsp-server-perl gives RTP over UDP only, so the test asks OpenCV's
FFmpeg for UDP (OpenCV asks for TCP by default)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.fakes import AlwaysMoving, FakeJpeg, NoVest, PersonAlways
from laneguard.detection.adapters.latest_frame import LatestFrameReader
from laneguard.detection.adapters.video import OpenCvVideoSource
from laneguard.detection.domain.camera_watch import CameraWatch
from laneguard.detection.domain.zones import CameraRules, Zone
from laneguard.detection.service.live import LiveCamera, LiveCameras
from laneguard.detection.service.pipeline import CameraPipeline
from laneguard.simulation.broker import free_port

CLIP = Path(__file__).parents[3] / "src/laneguard/demo/vtest.avi"


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class RtspServer:
    """rtsp-server-perl on free ports, and ffmpeg publishing the looped clip to it."""

    def __init__(self) -> None:
        self.client_port = free_port()
        self.source_port = free_port()
        self._procs: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.client_port}/lane"

    def start(self) -> None:
        server = [
            "rtsp-server-perl",
            "--clientport", str(self.client_port),
            "--serverport", str(self.source_port),
            "--client_listen_address", "127.0.0.1",
            "--source_listen_address", "127.0.0.1",
            "--loglevel", "1",
        ]  # fmt: skip
        self._procs.append(subprocess.Popen(server, stdout=subprocess.DEVNULL))
        wait_for(lambda: listening(self.source_port), 5, "the RTSP server")
        push = [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1",
            "-i", str(CLIP), "-an", "-c:v", "mpeg4", "-q:v", "8", "-g", "10",
            "-f", "rtsp", f"rtsp://127.0.0.1:{self.source_port}/lane",
        ]  # fmt: skip
        self._procs.append(subprocess.Popen(push, stdout=subprocess.DEVNULL))

    def kill(self) -> None:
        for proc in reversed(self._procs):
            proc.kill()
            proc.wait(timeout=5)
        self._procs = []


@pytest.fixture
def rtsp(monkeypatch: pytest.MonkeyPatch) -> Iterator[RtspServer]:
    monkeypatch.setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;udp")
    server = RtspServer()
    server.start()
    yield server
    server.kill()


def test_rtsp_frames_a_stall_alert_when_the_server_dies_and_a_reconnect_when_it_returns(
    rtsp: RtspServer,
) -> None:
    video = OpenCvVideoSource(rtsp.url, backoff_s=0.3, max_backoff_s=1.0)
    assert video.live
    square = ((0.0, 0.0), (768.0, 0.0), (768.0, 576.0), (0.0, 576.0))
    rules = CameraRules("cam-rtsp", (Zone("z", square, frozenset({ObjectClass.PEDESTRIAN}), "1"),))
    pipeline = CameraPipeline(rules, PersonAlways(), AlwaysMoving(), NoVest(), FakeJpeg())
    reader = LatestFrameReader(video)
    live = LiveCameras(
        [LiveCamera("cam-rtsp", reader, pipeline, realtime=False)],
        watch=CameraWatch(stall_after_s=1.5),
    )
    pump = threading.Thread(target=lambda: [None for _ in live.events()], daemon=True)
    pump.start()
    states: list[CameraState] = []

    def watch() -> list[CameraState]:
        states.extend(c.state for c in live.check(datetime.now(UTC)))
        return states

    try:
        wait_for(lambda: live.frames_processed["cam-rtsp"] >= 10, 10, "frames over RTSP")
        assert watch() == []
        rtsp.kill()
        wait_for(lambda: CameraState.STALLED in watch(), 8, "the stall alert")
        assert live.health() == {"cam-rtsp": "stalled"}
        before = live.frames_processed["cam-rtsp"]
        rtsp.start()
        wait_for(lambda: live.frames_processed["cam-rtsp"] >= before + 10, 15, "frames again")
        assert video.reconnects >= 1
        wait_for(lambda: watch()[-1] is CameraState.OK, 3, "the camera back to ok")
    finally:
        live.close()
        pump.join(timeout=5)
