"""Read-side queries over incident records for the pages and the API."""

from __future__ import annotations

from laneguard.core.domain.records import IncidentRecord
from laneguard.core.ports import IncidentRepository


class RecordsService:
    def __init__(self, incidents: IncidentRepository) -> None:
        self._incidents = incidents

    def recent(self, limit: int = 100) -> list[IncidentRecord]:
        return self._incidents.list(limit=limit)

    def get(self, incident_id: str) -> IncidentRecord | None:
        return self._incidents.get(incident_id)
