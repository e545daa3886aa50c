"""A reader thread that decodes a file's next frames while the detector works on this one.

Decoding a 768×576 frame costs a few milliseconds that the pipeline would otherwise add to every
frame's inference; OpenCV and LiteRT both release the GIL, so on two or more cores the two
overlap. Unlike the live cameras' newest-frame reader, nothing is dropped: a bounded queue
holds the decoded frames in order, and the thread waits when it is full (offline analysis and
the benchmark).
"""

from __future__ import annotations

import queue
from collections.abc import Iterator

from laneguard.detection.adapters.reader_thread import ReaderThread
from laneguard.detection.service.ports import Frame, FrameSource

_END = object()


class PrefetchReader(ReaderThread):
    """FrameSource wrapper: every frame of `inner`, in order, decoded up to `depth` ahead."""

    def __init__(self, inner: FrameSource, depth: int = 4) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        super().__init__(inner, "file-prefetch")

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for frame in self._inner.frames():
                if not self._put(frame):
                    return
        finally:
            self._put(_END)

    def frames(self) -> Iterator[Frame]:
        """Frames in order until the file ends or `close()` is called."""
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    return
                continue
            if item is _END or not isinstance(item, Frame):
                return
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._inner.close()
