"""The offline reader thread: every frame, in order; closing stops it mid-file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from laneguard.detection.adapters.prefetch import PrefetchReader
from laneguard.detection.service.ports import Frame, SourceHealth

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class Counting:
    fps = 10.0
    health = SourceHealth.OK

    def __init__(self, n: int) -> None:
        self.n = n
        self.closed = False

    def frames(self) -> Iterator[Frame]:
        for i in range(self.n):
            if self.closed:
                return
            yield Frame(i, i / 10, T0, i)

    def close(self) -> None:
        self.closed = True


def test_every_frame_in_order() -> None:
    reader = PrefetchReader(Counting(50), depth=3)
    assert [f.index for f in reader.frames()] == list(range(50))
    reader.close()


def test_close_stops_reading_and_iteration() -> None:
    inner = Counting(10_000)
    reader = PrefetchReader(inner, depth=2)
    seen = []
    for frame in reader.frames():
        seen.append(frame.index)
        if frame.index == 5:
            reader.close()
    assert inner.closed
    assert seen[:6] == list(range(6))
    assert len(seen) <= 6
