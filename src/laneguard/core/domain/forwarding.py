"""What a station forwards to the management centre, as it travels: one JSON object per change.

An incident change carries the whole record (no snapshot or clip: pictures of the public stay
at the station, under its retention) with its `version`, which each save moves on; the centre
keeps, per (station, incident id), only the highest version it has seen, so a message delivered
twice or late changes nothing. A camera report carries a camera's state and when it began.
Standard library only; both the station's outbox (records) and the centre read this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord

INCIDENT = "incident"
CAMERA = "camera"
PRESENCE = "station"  # retained: the station's link is up (`online`) or gone (`offline`)
KINDS = (INCIDENT, CAMERA, PRESENCE)
ONLINE, OFFLINE = "online", "offline"


class MalformedForwardError(ValueError):
    """A forwarded message that is not one of ours: the field, the value, what was wanted."""


@dataclass(frozen=True)
class OutboxEntry:
    """A message waiting in the station's outbox until the centre's broker has taken it."""

    entry_id: int
    kind: str
    payload: str  # JSON text, as published


@dataclass(frozen=True)
class CameraReport:
    station: str
    camera: str
    state: CameraState
    since: datetime
    detail: str = ""


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError(f"timestamp {at!r} has no time zone")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def incident_message(record: IncidentRecord, version: int) -> dict[str, Any]:
    """The record at `version` (the version it has once the change being written commits)."""
    return {
        "kind": INCIDENT,
        "station": record.station,
        "incident_id": record.incident_id,
        "version": version,
        "camera": record.camera,
        "zone": record.zone,
        "lane": record.lane,
        "class": record.object_class.value,
        "track_id": record.track_id,
        "score": record.score,
        "opened_at": _iso(record.opened_at),
        "ended_at": _iso(record.ended_at),
        "frames": record.frames,
        "max_score": record.max_score,
        "outcome": None if record.outcome is None else record.outcome.value,
        "closed_by": record.closed_by,
        "closed_at": _iso(record.closed_at),
    }


def camera_message(report: CameraReport) -> dict[str, Any]:
    return {
        "kind": CAMERA,
        "station": report.station,
        "camera": report.camera,
        "state": report.state.value,
        "since": _iso(report.since),
        "detail": report.detail,
    }


def _field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise MalformedForwardError(f"field {name}={value!r} is not a {kind}")
    return value


def _text(data: Mapping[str, Any], name: str, optional: bool = False) -> Any:
    if optional and data.get(name) is None:
        return None
    value = _field(data, name, str)
    if not value or len(value) > 128:
        raise MalformedForwardError(f"field {name}={value!r}: 1 to 128 characters wanted")
    return value


def _time(data: Mapping[str, Any], name: str, optional: bool = False) -> datetime | None:
    raw = data.get(name)
    if raw is None and optional:
        return None
    try:
        at = datetime.fromisoformat(str(_field(data, name, str)).replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedForwardError(f"field {name}={raw!r} is not an ISO 8601 time") from exc
    if at.tzinfo is None:
        raise MalformedForwardError(f"field {name}={raw!r} has no time zone; UTC with Z wanted")
    return at.astimezone(UTC)


def _choice(data: Mapping[str, Any], name: str, allowed: type[Any], optional: bool = False) -> Any:
    raw = data.get(name)
    if raw is None and optional:
        return None
    try:
        return allowed(raw)
    except ValueError as exc:
        names = ", ".join(m.value for m in allowed)
        raise MalformedForwardError(f"field {name}={raw!r}: one of {names} wanted") from exc


def parse_incident(data: Mapping[str, Any]) -> tuple[IncidentRecord, int]:
    """The record and its version from an incident message; MalformedForwardError if it is
    not one."""
    version = _field(data, "version", int)
    if version < 0:
        raise MalformedForwardError(f"field version={version!r}: 0 or more wanted")
    opened = _time(data, "opened_at")
    assert opened is not None
    record = IncidentRecord(
        incident_id=_text(data, "incident_id"),
        station=_text(data, "station"),
        camera=_text(data, "camera"),
        zone=_text(data, "zone"),
        lane=_text(data, "lane"),
        object_class=_choice(data, "class", ObjectClass),
        track_id=_field(data, "track_id", int),
        score=float(_field(data, "score", (int, float))),
        opened_at=opened,
        ended_at=_time(data, "ended_at", optional=True),
        frames=_field(data, "frames", int),
        max_score=float(_field(data, "max_score", (int, float))),
        outcome=_choice(data, "outcome", Outcome, optional=True),
        closed_by=_text(data, "closed_by", optional=True),
        closed_at=_time(data, "closed_at", optional=True),
        version=version,
    )
    return record, version


def parse_camera(data: Mapping[str, Any]) -> CameraReport:
    since = _time(data, "since")
    assert since is not None
    detail = data.get("detail") or ""
    return CameraReport(
        station=_text(data, "station"),
        camera=_text(data, "camera"),
        state=_choice(data, "state", CameraState),
        since=since,
        detail=str(detail)[:200],
    )


def presence_message(station: str, state: str) -> dict[str, Any]:
    if state not in (ONLINE, OFFLINE):
        raise ValueError(f"state={state!r}: online or offline")
    return {"kind": PRESENCE, "station": station, "state": state}


def parse_presence(data: Mapping[str, Any]) -> tuple[str, str]:
    """(station, online|offline) from a presence message."""
    state = data.get("state")
    if state not in (ONLINE, OFFLINE):
        raise MalformedForwardError(f"field state={state!r}: online or offline wanted")
    return _text(data, "station"), str(state)
