"""The live cameras as one incident source: a worker thread per camera runs its detection
pipeline and feeds one queue that `laneguard run` drains into the alert service.

A camera that fails is logged and reported in `health()`; the others go on. Files are paced to
their own frame rate (a looped demo video then behaves like a camera); streams come as fast as
the camera sends them.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from laneguard.core.domain.cameras import CameraHealthChanged, CameraState
from laneguard.core.domain.incidents import IncidentEvent
from laneguard.detection.domain.camera_watch import CameraWatch
from laneguard.detection.service.pipeline import CameraPipeline, FrameResult, run_pipeline
from laneguard.detection.service.ports import FrameSource, SourceHealth

log = logging.getLogger(__name__)

FrameSink = Callable[[str, CameraPipeline, FrameResult], None]


@dataclass
class LiveCamera:
    name: str
    source: FrameSource
    pipeline: CameraPipeline
    realtime: bool


class LiveCameras:
    """IncidentSource over several camera pipelines."""

    def __init__(
        self,
        cameras: list[LiveCamera],
        on_frame: FrameSink | None = None,
        frame_every: int = 2,
        watch: CameraWatch | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not cameras:
            raise ValueError("the pipeline source needs at least one camera in `cameras`")
        self.cameras = cameras
        self._on_frame = on_frame
        self._frame_every = frame_every
        self._queue: queue.Queue[IncidentEvent] = queue.Queue()
        self._closed = threading.Event()
        self._threads: list[threading.Thread] = []
        self._failed: set[str] = set()
        self.frames_processed: dict[str, int] = {c.name: 0 for c in cameras}
        self.watch = watch or CameraWatch()
        self._monotonic = monotonic
        self._last_frame: dict[str, float] = {}  # monotonic time of each camera's last frame

    def events(self) -> Iterator[IncidentEvent]:
        if not self._threads:
            now = self._monotonic()
            for camera in self.cameras:
                self._last_frame.setdefault(camera.name, now)
                thread = threading.Thread(
                    target=self._work, args=(camera,), daemon=True, name=f"camera-{camera.name}"
                )
                thread.start()
                self._threads.append(thread)
        while not self._closed.is_set():
            try:
                yield self._queue.get(timeout=0.1)
            except queue.Empty:
                continue

    def health(self) -> dict[str, str]:
        """Each camera's state: the source's, or `stalled` while the watch finds it silent."""
        shown = {}
        for c in self.cameras:
            if c.name in self._failed:
                shown[c.name] = SourceHealth.FAILED.value
            elif self.watch.states.get(c.name) is CameraState.STALLED:
                shown[c.name] = CameraState.STALLED.value
            else:
                shown[c.name] = c.source.health.value
        return shown

    def check(self, at: datetime) -> list[CameraHealthChanged]:
        """Judges every camera now; the changes since the last check (call it every second)."""
        now = self._monotonic()
        changes = []
        for c in self.cameras:
            health = c.source.health
            silent = now - self._last_frame.get(c.name, now)
            state = self.watch.judge(
                silent,
                failed=c.name in self._failed or health is SourceHealth.FAILED,
                ended=health is SourceHealth.ENDED,
            )
            if self.watch.update(c.name, state):
                detail = f"no frame for {silent:.0f} s; source {health.value}"
                changes.append(CameraHealthChanged(c.name, state, at, detail))
        return changes

    def _work(self, camera: LiveCamera) -> None:
        started: float | None = None
        first_pos = 0.0
        try:
            for result in run_pipeline(camera.source, camera.pipeline):
                if self._closed.is_set():
                    break
                self._last_frame[camera.name] = self._monotonic()
                if camera.realtime:
                    if started is None:
                        started, first_pos = time.monotonic(), result.frame.pos_s
                    delay = started + (result.frame.pos_s - first_pos) - time.monotonic()
                    if delay > 0:
                        self._closed.wait(delay)
                for event in result.events:
                    self._queue.put(event)
                count = self.frames_processed[camera.name] + 1
                self.frames_processed[camera.name] = count
                if self._on_frame is not None and count % self._frame_every == 0:
                    try:
                        self._on_frame(camera.name, camera.pipeline, result)
                    except Exception:
                        log.exception("live view of camera %s failed", camera.name)
        except Exception:
            self._failed.add(camera.name)
            log.exception("camera %s stopped; the other cameras go on", camera.name)

    def close(self) -> None:
        """Stops the workers; each closes its own source (a capture released from another
        thread while it decodes crashes OpenCV), so a source is closed from here only when its
        worker is stuck or never started."""
        self._closed.set()
        started = {t.name: t for t in self._threads}
        for camera in self.cameras:
            thread = started.get(f"camera-{camera.name}")
            if thread is not None:
                thread.join(timeout=5)
            if thread is None or thread.is_alive():
                camera.source.close()
