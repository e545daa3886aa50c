"""A short clip per incident: the last seconds of each camera's annotated frames, kept in a ring
buffer and written out when the incident ends (or once it has been open long enough).

Writing happens on an executor, and every failure (disk full, unwritable folder, a crash in the
codec) is logged and dropped: a clip is evidence worth having, never a reason to delay or lose
the alarm itself.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import Executor
from datetime import datetime, timedelta

from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened
from laneguard.core.errors import LaneGuardError
from laneguard.records.service.ports import ClipIndex, ClipWriter

log = logging.getLogger(__name__)

DEFAULT_FPS = 5.0


class ClipRecorder:
    """Keeps `seconds` of frames per camera; writes one clip per incident, at its end or
    `after_open_s` after it opened, whichever comes first."""

    def __init__(
        self,
        writer: ClipWriter,
        index: ClipIndex,
        executor: Executor,
        seconds: float = 6.0,
        after_open_s: float = 10.0,
    ) -> None:
        if seconds <= 0:
            raise ValueError(f"clip seconds={seconds!r}; allowed: a number above 0")
        if after_open_s <= 0:
            raise ValueError(f"clip after_open_s={after_open_s!r}; allowed: a number above 0")
        self._writer = writer
        self._index = index
        self._executor = executor
        self._span = timedelta(seconds=seconds)
        self._after_open = timedelta(seconds=after_open_s)
        self._buffers: dict[str, deque[tuple[datetime, bytes]]] = {}
        self._open: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def add_frame(self, camera: str, at: datetime, jpeg: bytes) -> None:
        """Called by each camera's worker with every annotated frame it publishes."""
        with self._lock:
            buffer = self._buffers.setdefault(camera, deque())
            buffer.append((at, jpeg))
            while buffer and buffer[0][0] < at - self._span:
                buffer.popleft()

    def opened(self, event: IncidentOpened) -> None:
        with self._lock:
            self._open[event.incident_id] = (event.camera, event.at)

    def ended(self, event: IncidentEnded) -> None:
        with self._lock:
            found = self._open.pop(event.incident_id, None)
        if found is not None:
            self._write(event.incident_id, found[0])

    def tick(self, now: datetime) -> None:
        """Writes the clips of incidents open for `after_open_s` or longer."""
        with self._lock:
            due = [i for i, (_, at) in self._open.items() if now - at >= self._after_open]
            cameras = {i: self._open.pop(i)[0] for i in due}
        for incident_id, camera in cameras.items():
            self._write(incident_id, camera)

    def _write(self, incident_id: str, camera: str) -> None:
        with self._lock:
            frames = list(self._buffers.get(camera, ()))
        if not frames:
            log.warning(
                "no frames of camera %s kept; incident %s gets no clip", camera, incident_id
            )
            return
        self._executor.submit(self._write_now, incident_id, frames)

    def _write_now(self, incident_id: str, frames: list[tuple[datetime, bytes]]) -> None:
        span = (frames[-1][0] - frames[0][0]).total_seconds()
        fps = (len(frames) - 1) / span if span > 0 and len(frames) > 1 else DEFAULT_FPS
        try:
            path = self._writer.write(incident_id, [jpeg for _, jpeg in frames], fps)
            self._index.set_clip(incident_id, path)
        except LaneGuardError as exc:
            log.error("clip of incident %s not kept: %s", incident_id, exc)
        except Exception:  # a codec bug must show in the log, not vanish in the executor
            log.exception("clip of incident %s crashed", incident_id)
        else:
            log.info("clip of incident %s: %s (%d frames)", incident_id, path, len(frames))
