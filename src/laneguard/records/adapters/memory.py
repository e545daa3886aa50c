"""In-memory incident records behind the `IncidentRepository`, `ClipIndex` and `MediaStore`
ports, and an in-memory `AccessLog`: for unit tests, the simulator and benchmarks."""

from __future__ import annotations

import builtins
import copy
import threading
from datetime import datetime

from laneguard.core.domain.records import IncidentRecord, StaleIncidentError
from laneguard.records.service.ports import MediaAccess


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
            if old is None or old.version != record.version:
                raise StaleIncidentError(record.incident_id, record.version)
            record.version += 1
            row = copy.copy(record)
            row.clip_path = old.clip_path  # as the SQL one: set_clip only
            self._rows[record.incident_id] = row

    def expired_media(self, before: datetime) -> builtins.list[tuple[str, str | None]]:
        with self._lock:
            return [
                (r.incident_id, r.clip_path)
                for r in self._rows.values()
                if r.opened_at < before and (r.snapshot_jpeg or r.clip_path)
            ]

    def forget_media(self, incident_id: str) -> None:
        with self._lock:
            row = self._rows.get(incident_id)
            if row is not None:
                row.snapshot_jpeg, row.clip_path = b"", None
                row.version += 1

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


class InMemoryAccessLog:
    def __init__(self) -> None:
        self._rows: builtins.list[MediaAccess] = []

    def add(self, access: MediaAccess) -> None:
        self._rows.append(access)

    def list(self, limit: int = 200) -> builtins.list[MediaAccess]:
        return sorted(self._rows, key=lambda a: a.at, reverse=True)[:limit]
