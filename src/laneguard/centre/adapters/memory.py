"""The centre's copies in memory behind `CentreStore`: for unit tests and the security tier."""

from __future__ import annotations

import builtins
from datetime import datetime

from laneguard.centre.domain.copies import (
    StationCounts,
    camera_is_newer,
    count,
    incident_is_newer,
)
from laneguard.core.domain.forwarding import CameraReport
from laneguard.core.domain.records import IncidentRecord


class InMemoryCentreStore:
    def __init__(self) -> None:
        self._incidents: dict[tuple[str, str], IncidentRecord] = {}
        self._cameras: dict[tuple[str, str], CameraReport] = {}

    def apply_incident(self, record: IncidentRecord, version: int) -> bool:
        key = (record.station, record.incident_id)
        stored = self._incidents.get(key)
        if not incident_is_newer(None if stored is None else stored.version, version):
            return False
        record.version = version
        self._incidents[key] = record
        return True

    def apply_camera(self, report: CameraReport) -> bool:
        key = (report.station, report.camera)
        stored = self._cameras.get(key)
        if not camera_is_newer(None if stored is None else stored.since, report.since):
            return False
        self._cameras[key] = report
        return True

    def cameras(self) -> builtins.list[CameraReport]:
        return builtins.list(self._cameras.values())

    def counts(self) -> builtins.list[StationCounts]:
        return count(self._incidents.values())

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> builtins.list[IncidentRecord]:
        rows = sorted(self._incidents.values(), key=lambda r: r.opened_at, reverse=True)
        rows = [
            r
            for r in rows
            if (since is None or r.opened_at >= since) and (until is None or r.opened_at < until)
        ]
        return rows[:limit]

    def get(self, incident_id: str) -> IncidentRecord | None:
        return next((r for r in self._incidents.values() if r.incident_id == incident_id), None)

    def add(self, record: IncidentRecord) -> None:
        self.apply_incident(record, record.version)

    def save(self, record: IncidentRecord) -> None:
        self.apply_incident(record, record.version)
