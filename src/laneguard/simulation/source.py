"""A simulated incident source: the stand-in for the detection pipeline in the demo and tests.

Intrusions are triggered on demand (web page, API, tests) or every `interval_s`; each one opens
at once and ends `duration_s` later, carrying a real JPEG snapshot."""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from laneguard.core.domain.incidents import (
    IncidentEnded,
    IncidentEvent,
    IncidentOpened,
    ObjectClass,
)
from laneguard.core.ports import Clock


def demo_snapshot() -> bytes:
    return resources.files("laneguard.simulation").joinpath("assets/demo_snapshot.jpg").read_bytes()


@dataclass(frozen=True)
class SimulatedZone:
    camera: str
    zone: str
    lane: str


class SimulatedIncidentSource:
    def __init__(
        self,
        zones: list[SimulatedZone],
        clock: Clock,
        interval_s: float = 0.0,
        duration_s: float = 4.0,
        snapshot: bytes | None = None,
    ) -> None:
        if not zones:
            raise ValueError("a simulated source needs at least one camera zone with a lane")
        self.zones = zones
        self._clock = clock
        self.interval_s = interval_s
        self.duration_s = duration_s
        self.snapshot = demo_snapshot() if snapshot is None else snapshot
        self._queue: queue.Queue[IncidentEvent] = queue.Queue()
        self._ends: list[tuple[float, IncidentOpened]] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._next_auto = time.monotonic() + interval_s
        self._track = 0

    def trigger(
        self, lane: str | None = None, object_class: ObjectClass = ObjectClass.PEDESTRIAN
    ) -> IncidentOpened:
        """Opens an intrusion at `lane` (the first zone's lane if unset) now."""
        zone = next((z for z in self.zones if lane is None or z.lane == lane), None)
        if zone is None:
            known = ", ".join(sorted({z.lane for z in self.zones}))
            raise ValueError(f"lane={lane!r} has no simulated zone; known lanes: {known}")
        with self._lock:
            self._track += 1
            at = self._clock.now()
            event = IncidentOpened(
                incident_id=f"{at:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}",
                camera=zone.camera,
                zone=zone.zone,
                lane=zone.lane,
                object_class=object_class,
                track_id=self._track,
                score=0.87,
                at=at,
                snapshot_jpeg=self.snapshot,
            )
            self._ends.append((time.monotonic() + self.duration_s, event))
        self._queue.put(event)
        return event

    def events(self) -> Iterator[IncidentEvent]:
        while not self._closed.is_set():
            self._emit_due()
            try:
                yield self._queue.get(timeout=0.05)
            except queue.Empty:
                continue

    def _emit_due(self) -> None:
        now = time.monotonic()
        if self.interval_s > 0 and now >= self._next_auto:
            self._next_auto = now + self.interval_s
            self.trigger()
        with self._lock:
            due = [e for t, e in self._ends if t <= now]
            self._ends = [(t, e) for t, e in self._ends if t > now]
        for opened in due:
            frames = max(1, int(self.duration_s * 10))
            self._queue.put(IncidentEnded(opened.incident_id, self._clock.now(), frames, 0.91))

    def close(self) -> None:
        self._closed.set()
