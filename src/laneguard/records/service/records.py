"""Read-side queries over incident records for the pages and the API."""

from __future__ import annotations

from laneguard.core.domain.records import IncidentRecord
from laneguard.core.ports import Clock, IncidentRepository
from laneguard.records.service.ports import AccessLog, MediaAccess


class RecordsService:
    def __init__(
        self,
        incidents: IncidentRepository,
        access: AccessLog | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._incidents = incidents
        self._access = access
        self._clock = clock

    def viewed(self, incident_id: str, user: str, media: str) -> None:
        """Logs that `user` views the incident's `media` (snapshot or clip), before it is
        shown: a StorageError here means it must not be shown."""
        if self._access is None or self._clock is None:
            return
        self._access.add(MediaAccess(incident_id, user, media, self._clock.now()))

    def access_log(self, limit: int = 200) -> list[MediaAccess]:
        return [] if self._access is None else self._access.list(limit)

    def recent(self, limit: int = 100) -> list[IncidentRecord]:
        return self._incidents.list(limit=limit)

    def get(self, incident_id: str) -> IncidentRecord | None:
        return self._incidents.get(incident_id)
