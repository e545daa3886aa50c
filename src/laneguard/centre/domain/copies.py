"""The centre's rules for the copies it keeps of every station's incidents and cameras.

Messages may come twice (QoS 1 redelivers what was not acknowledged) or out of order (a station
catching up after its link came back): a copy is replaced only by a newer one, so applying the
same messages again, in any order, leaves the same state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.forwarding import CameraReport
from laneguard.core.domain.records import IncidentRecord


def incident_is_newer(stored_version: int | None, incoming_version: int) -> bool:
    """Apply an incident message only over an older version (or none)."""
    return stored_version is None or incoming_version > stored_version


def camera_is_newer(stored_since: datetime | None, incoming_since: datetime) -> bool:
    """Apply a camera report only when its state began no earlier than the stored one's."""
    return stored_since is None or incoming_since >= stored_since


@dataclass(frozen=True)
class StationCounts:
    """What the centre keeps of a station, counted (by the store, not from every record)."""

    station: str
    incidents: int
    open: int
    last_incident: datetime | None


def count(records: Iterable[IncidentRecord]) -> list[StationCounts]:
    """Counts per station from records (for stores that hold them in memory)."""
    rows: dict[str, list[IncidentRecord]] = {}
    for r in records:
        rows.setdefault(r.station, []).append(r)
    return [
        StationCounts(
            name,
            len(rs),
            sum(1 for r in rs if r.outcome is None),
            max(r.opened_at for r in rs),
        )
        for name, rs in sorted(rows.items())
    ]


@dataclass(frozen=True)
class StationOverview:
    station: str
    incidents: int
    open: int
    cameras: int
    cameras_down: int  # stalled or failed
    last_incident: datetime | None
    link: str | None = None  # online, offline, or None: never heard
    link_since: datetime | None = None


def overview(
    stations: Iterable[str],
    counts: Iterable[StationCounts],
    cameras: Iterable[CameraReport],
    presence: Mapping[str, tuple[str, datetime]] | None = None,
) -> list[StationOverview]:
    """One line per station, the configured ones first (in their order), then any other that
    has sent something."""
    names = list(dict.fromkeys(stations))
    counted = {c.station: c for c in counts}
    cams: dict[str, list[CameraReport]] = {}
    for c in cameras:
        cams.setdefault(c.station, []).append(c)
    heard = presence or {}
    names += sorted((set(counted) | set(cams) | set(heard)) - set(names))
    out = []
    for name in names:
        n = counted.get(name, StationCounts(name, 0, 0, None))
        cs = cams.get(name, [])
        out.append(
            StationOverview(
                station=name,
                incidents=n.incidents,
                open=n.open,
                cameras=len(cs),
                cameras_down=sum(1 for c in cs if c.state is not CameraState.OK),
                last_incident=n.last_incident,
                link=heard[name][0] if name in heard else None,
                link_since=heard[name][1] if name in heard else None,
            )
        )
    return out
