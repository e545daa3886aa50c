"""The in-process hub between the camera pipelines' threads and the web app's live view.

`FrameHub` receives annotated frames (JPEG) from the camera pipelines for the MJPEG live view:
the detection pipeline calls `FrameHub.publish(camera, jpeg)` for each frame it has drawn on.
"""

from __future__ import annotations

import threading


class FrameHub:
    def __init__(self) -> None:
        self._frames: dict[str, tuple[int, bytes]] = {}
        self._cond = threading.Condition()

    def publish(self, camera: str, jpeg: bytes) -> None:
        with self._cond:
            seq = self._frames.get(camera, (0, b""))[0] + 1
            self._frames[camera] = (seq, jpeg)
            self._cond.notify_all()

    def cameras(self) -> list[str]:
        with self._cond:
            return sorted(self._frames)

    def latest(self, camera: str) -> tuple[int, bytes] | None:
        with self._cond:
            return self._frames.get(camera)

    def wait_newer(self, camera: str, seq: int, timeout_s: float) -> tuple[int, bytes] | None:
        with self._cond:
            self._cond.wait_for(lambda: self._frames.get(camera, (0, b""))[0] > seq, timeout_s)
            return self._frames.get(camera)
