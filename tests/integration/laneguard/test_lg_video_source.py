"""The OpenCV video source: files end, streams reconnect, garbage is survived."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from laneguard.detection.adapters.video import OpenCvVideoSource
from laneguard.detection.service.ports import SourceHealth, VideoSourceError

sys.path.insert(0, str(Path(__file__).parent))
from laneguard.demo import VTEST


class FlakyCapture:
    """A stream that gives `good` frames, then garbage, then drops."""

    def __init__(self, good: int, opened: bool = True) -> None:
        self.good = good
        self.opened = opened
        self.reads = 0

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return self.opened

    def read(self) -> tuple[bool, np.ndarray | None]:
        self.reads += 1
        if self.reads <= self.good:
            return True, np.zeros((576, 768, 3), np.uint8)
        if self.reads == self.good + 1:
            return True, np.zeros((3,), np.uint8)  # a garbage payload
        return False, None

    def get(self, prop: int) -> float:
        return 10.0

    def release(self) -> None:
        self.opened = False


def test_a_file_is_read_to_its_end(tmp_path: Path) -> None:
    source = OpenCvVideoSource(str(VTEST), size=(384, 288))
    frames = list(source.frames())
    assert len(frames) == 795
    assert frames[1].pos_s == pytest.approx(0.1)
    assert np.asarray(frames[0].image).shape == (288, 384, 3)
    assert source.health is SourceHealth.ENDED


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VideoSourceError, match="cannot open video"):
        OpenCvVideoSource(str(tmp_path / "nope.avi"))


def test_a_dropped_stream_reconnects_then_gives_up_and_reports_failed() -> None:
    captures: list[FlakyCapture] = []
    waits: list[float] = []

    def opener(url: str) -> FlakyCapture:
        # Connections 0 and 2 work; every other one is refused.
        cap = FlakyCapture(good=3, opened=len(captures) in (0, 2))
        captures.append(cap)
        return cap

    source = OpenCvVideoSource(
        "rtsp://cam-1/stream", opener=opener, sleep=waits.append, max_retries=3, backoff_s=1.0
    )  # type: ignore[arg-type]
    frames = list(source.frames())
    assert len(frames) == 6  # three before the drop, three after reconnecting
    assert source.health is SourceHealth.FAILED
    assert waits == [1.0, 2.0, 1.0, 2.0, 4.0]


class CountingSource:
    """Gives `n` frames as fast as it can, then ends."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.closed = False

    @property
    def fps(self) -> float:
        return 10.0

    @property
    def health(self) -> SourceHealth:
        return SourceHealth.OK

    def frames(self):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime

        from laneguard.detection.service.ports import Frame

        for i in range(self.n):
            if self.closed:
                return
            yield Frame(i, i / 10, datetime(2026, 1, 1, tzinfo=UTC), i)

    def close(self) -> None:
        self.closed = True


def test_latest_frame_reader_drops_what_a_slow_consumer_cannot_take() -> None:
    import threading

    from laneguard.detection.adapters.latest_frame import LatestFrameReader

    reader = LatestFrameReader(CountingSource(500))
    seen = []
    gate = threading.Event()
    for frame in reader.frames():
        seen.append(frame.index)
        gate.wait(0.01)  # a slow detector
    reader.close()
    assert seen == sorted(seen)
    assert seen[-1] == 499  # the newest frame always arrives
    assert len(seen) + reader.dropped == 500
