"""The centre's use cases: take a station's message (any number of times), and what the pages
show: every station's incidents, camera states and an overview per station."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from laneguard.centre.domain.copies import StationOverview, overview
from laneguard.centre.service.ports import CentreStore
from laneguard.core.domain.forwarding import (
    CAMERA,
    INCIDENT,
    PRESENCE,
    CameraReport,
    MalformedForwardError,
    parse_camera,
    parse_incident,
    parse_presence,
)
from laneguard.core.domain.records import IncidentRecord

log = logging.getLogger(__name__)


class CentreService:
    def __init__(
        self,
        store: CentreStore,
        stations: Sequence[str],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.stations = list(stations)
        self._now = now
        # each station's link as its last presence message said, and since when it is heard so
        self.presence: dict[str, tuple[str, datetime]] = {}

    def receive(self, topic_station: str, payload: bytes) -> bool:
        """Applies one message published under `topic_station`'s topic; False when it changed
        nothing (a repeat or an older version) or was refused (logged, never raised: one bad
        message must not stop the others). Storage errors are raised, so the message is not
        acknowledged and comes again."""
        try:
            data = json.loads(payload.decode("utf-8"))
            if not isinstance(data, dict):
                raise MalformedForwardError(f"payload is a {type(data).__name__}, not an object")
            station = data.get("station")
            if station != topic_station:
                raise MalformedForwardError(
                    f"field station={station!r} differs from the topic's station "
                    f"{topic_station!r}; a station forwards only its own"
                )
            kind = data.get("kind")
            if kind == INCIDENT:
                record, version = parse_incident(data)
                return self.store.apply_incident(record, version)
            if kind == CAMERA:
                return self.store.apply_camera(parse_camera(data))
            if kind == PRESENCE:
                name, state = parse_presence(data)
                if self.presence.get(name, ("", None))[0] == state:
                    return False
                self.presence[name] = (state, self._now())
                return True
            raise MalformedForwardError(
                f"field kind={kind!r}: one of incident, camera, station wanted"
            )
        except (UnicodeDecodeError, json.JSONDecodeError, MalformedForwardError) as exc:
            log.warning("message from %r refused: %s", topic_station, exc)
            return False

    def incidents(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        station: str | None = None,
        limit: int | None = 200,
    ) -> list[IncidentRecord]:
        """Newest first; of one station when `station` is given; at most `limit`."""
        rows = self.store.list(since=since, until=until, limit=None if station else limit)
        if station:
            rows = [r for r in rows if r.station == station][:limit]
        return rows

    def cameras(self) -> list[CameraReport]:
        return sorted(self.store.cameras(), key=lambda c: (c.station, c.camera))

    def overview(self) -> list[StationOverview]:
        return overview(self.stations, self.store.counts(), self.store.cameras(), self.presence)
