"""A reader thread per live camera that keeps only the newest frame, as Frigate's workers do.

Decoding must keep pace with the camera or the stream's buffer grows and alerts come late; the
detector may not keep pace when several cameras share a CPU. So a thread decodes (and resizes)
continuously, the pipeline takes whatever frame is newest, and the frames it could not process
are dropped and counted rather than queued.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from laneguard.detection.adapters.reader_thread import ReaderThread
from laneguard.detection.service.ports import Frame, FrameSource


class LatestFrameReader(ReaderThread):
    """FrameSource wrapper: the inner source runs in a thread; `frames()` yields the newest."""

    def __init__(self, inner: FrameSource, poll_s: float = 0.5) -> None:
        self._poll_s = poll_s
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._finished = False
        self.dropped = 0
        super().__init__(inner, "camera-reader")

    def _run(self) -> None:
        try:
            for frame in self._inner.frames():
                with self._cond:
                    if self._latest is not None:
                        self.dropped += 1
                    self._latest = frame
                    self._cond.notify()
                if self._stop.is_set():
                    break
        finally:
            with self._cond:
                self._finished = True
                self._cond.notify()

    def frames(self) -> Iterator[Frame]:
        while True:
            with self._cond:
                while self._latest is None and not self._finished:
                    self._cond.wait(self._poll_s)
                frame = self._latest
                self._latest = None
                if frame is None:
                    return
            yield frame

    def close(self) -> None:
        self._stop.set()
        self._inner.close()
        self._thread.join(timeout=5)
