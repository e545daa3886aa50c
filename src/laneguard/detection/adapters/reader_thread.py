"""What the live cameras' newest-frame reader and the files' prefetching reader share: a
FrameSource wrapper whose inner source is read by a daemon thread of its own, so decoding
overlaps the detector's work, with the inner source's rate and health."""

from __future__ import annotations

import threading

from laneguard.detection.service.ports import FrameSource, SourceHealth


class ReaderThread:
    """Starts `_run` (the subclass's reading loop) in a thread named `name`; a subclass sets up
    what `_run` uses before calling this `__init__`. `_stop` asks the loop to end."""

    def __init__(self, inner: FrameSource, name: str) -> None:
        self._inner = inner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def fps(self) -> float:
        return self._inner.fps

    @property
    def health(self) -> SourceHealth:
        return self._inner.health

    def _run(self) -> None:
        raise NotImplementedError
