"""In-memory implementations of the ports: for unit tests, the simulator and benchmarks."""

from __future__ import annotations

import builtins
import copy
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from laneguard.domain.alerts import SealedMessage, Terminal
from laneguard.domain.geometry import Box
from laneguard.domain.incidents import ObjectClass
from laneguard.domain.records import IncidentRecord
from laneguard.domain.tracking import Detection
from laneguard.service.ports import TransportError


class InMemoryIncidentRepository:
    def __init__(self) -> None:
        self._rows: dict[str, IncidentRecord] = {}
        self._lock = threading.Lock()

    def add(self, record: IncidentRecord) -> None:
        with self._lock:
            if record.incident_id in self._rows:
                raise ValueError(f"incident_id={record.incident_id!r} already recorded")
            self._rows[record.incident_id] = copy.copy(record)

    def save(self, record: IncidentRecord) -> None:
        with self._lock:
            old = self._rows.get(record.incident_id)
            row = copy.copy(record)
            row.clip_path = None if old is None else old.clip_path  # as the SQL one: set_clip only
            self._rows[record.incident_id] = row

    def set_clip(self, incident_id: str, path: str) -> None:
        with self._lock:
            if incident_id in self._rows:
                self._rows[incident_id].clip_path = path

    def get(self, incident_id: str) -> IncidentRecord | None:
        with self._lock:
            row = self._rows.get(incident_id)
            return None if row is None else copy.copy(row)

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> builtins.list[IncidentRecord]:
        with self._lock:
            rows = [
                copy.copy(r)
                for r in self._rows.values()
                if (since is None or r.opened_at >= since)
                and (until is None or r.opened_at < until)
            ]
        rows.sort(key=lambda r: r.opened_at, reverse=True)
        return rows if limit is None else rows[:limit]


class InMemoryTerminalRepository:
    def __init__(self) -> None:
        self._rows: dict[str, Terminal] = {}

    def add(self, terminal: Terminal) -> None:
        self._rows[terminal.terminal_id] = copy.copy(terminal)

    def save(self, terminal: Terminal) -> None:
        self._rows[terminal.terminal_id] = copy.copy(terminal)

    def get(self, terminal_id: str) -> Terminal | None:
        row = self._rows.get(terminal_id)
        return None if row is None else copy.copy(row)

    def list(self) -> builtins.list[Terminal]:
        return [copy.copy(t) for t in self._rows.values()]


class RecordingTransport:
    """Keeps what it was given; `fail` makes it behave like a broker that is down."""

    def __init__(self, name: str = "recording", fail: bool = False) -> None:
        self.name = name
        self.fail = fail
        self.sent: builtins.list[SealedMessage] = []

    def deliver(self, message: SealedMessage) -> None:
        if self.fail:
            raise TransportError(f"{self.name} is down")
        self.sent.append(message)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class PersonAlways:
    """A detector that sees one pedestrian, always in the same place (pipeline tests, demos)."""

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return frozenset({ObjectClass.PEDESTRIAN})

    def detect(self, image: object) -> list[Detection]:
        return [Detection(Box(40, 10, 60, 90), 0.9, ObjectClass.PEDESTRIAN)]


class AlwaysMoving:
    """A motion gate that never rests the detector."""

    def moving(self, image: object) -> bool:
        return True


class NoVest:
    """A vest meter that never sees high-visibility colour."""

    def ratio(self, image: object, box: Box) -> float:
        return 0.0


class FakeJpeg:
    """A snapshot encoder that returns fixed bytes."""

    def encode(self, image: object, boxes: Sequence[Box]) -> bytes:
        return b"jpeg"
