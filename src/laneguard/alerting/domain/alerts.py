"""Staff alerts and acknowledgements, and the sealed envelope every one of them travels in.

The alert is what a wearable terminal shows; the acknowledgement is how staff close an incident.
Neither is ever put on a wire as is: transports only accept a `SealedMessage`, which is the
ciphertext for one terminal. Standard library only, so the wire format is defined here once and
both the station and the terminals (Python and browser) follow it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.incidents import ObjectClass, Outcome

WIRE_VERSION = 1
MessageKind = Literal["alert", "ack", "camera"]
KINDS: tuple[MessageKind, ...] = ("alert", "ack", "camera")
Member = TypeVar("Member", bound=StrEnum)


class MalformedMessageError(ValueError):
    """A payload from the network that does not follow the wire format."""


def iso_z(at: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, the project's timestamp form on every wire."""
    if at.tzinfo is None:
        raise ValueError(f"timestamp {at!r} has no time zone; pass an aware datetime")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(text: str, field_name: str) -> datetime:
    """Read an ISO 8601 timestamp, naming the field when it is not one."""
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise MalformedMessageError(f"{field_name}={text!r} is not an ISO 8601 timestamp") from exc
    if at.tzinfo is None:
        raise MalformedMessageError(f"{field_name}={text!r} has no time zone; use UTC with Z")
    return at


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: object, field_name: str) -> bytes:
    if not isinstance(text, str):
        raise MalformedMessageError(
            f"{field_name} must be a base64 string, got {type(text).__name__}"
        )
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedMessageError(f"{field_name} is not valid base64") from exc


def _load_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedMessageError(f"{what} is not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise MalformedMessageError(f"{what} must be a JSON object, got {type(obj).__name__}")
    return obj


def _member(kind: type[Member], text: str, field_name: str) -> Member:
    """`text` as one of `kind`'s members, naming the allowed values when it is none of them."""
    try:
        return kind(text)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise MalformedMessageError(f"{field_name}={text!r}; allowed: {allowed}") from exc


def _text(obj: dict[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedMessageError(f"{what}.{key}={value!r}: a non-empty string is required")
    return value


@dataclass(frozen=True)
class Alert:
    """What a staff terminal shows for an intrusion; plaintext only inside a SealedMessage."""

    incident_id: str
    station: str
    camera: str
    zone: str
    lane: str
    object_class: ObjectClass
    at: datetime
    snapshot_jpeg: bytes = field(repr=False, default=b"")
    escalated: bool = False  # sent again to the shift leader: nobody acknowledged in time

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "incident_id": self.incident_id,
                "station": self.station,
                "camera": self.camera,
                "zone": self.zone,
                "lane": self.lane,
                "class": self.object_class.value,
                "at": iso_z(self.at),
                "snapshot_jpeg": b64e(self.snapshot_jpeg),
                "escalated": self.escalated,
            },
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Alert:
        obj = _load_object(data, "alert")
        object_class = _member(ObjectClass, _text(obj, "class", "alert"), "alert.class")
        return cls(
            incident_id=_text(obj, "incident_id", "alert"),
            station=_text(obj, "station", "alert"),
            camera=_text(obj, "camera", "alert"),
            zone=_text(obj, "zone", "alert"),
            lane=_text(obj, "lane", "alert"),
            object_class=object_class,
            at=parse_iso(_text(obj, "at", "alert"), "alert.at"),
            snapshot_jpeg=b64d(obj.get("snapshot_jpeg", ""), "alert.snapshot_jpeg"),
            escalated=_flag(obj, "escalated", "alert"),
        )


def _flag(obj: dict[str, object], key: str, what: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise MalformedMessageError(f"{what}.{key}={value!r}; allowed: true, false")
    return value


@dataclass(frozen=True)
class CameraAlert:
    """Staff are told a camera stalled, failed or came back (kind `camera`, nothing to ack)."""

    station: str
    camera: str
    state: CameraState
    at: datetime
    detail: str = ""

    @property
    def message_id(self) -> str:
        """The envelope's id (in the place of an incident id): camera, state and time."""
        return f"camera-{self.camera}-{self.state.value}-{self.at:%Y%m%dT%H%M%S}"

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "station": self.station,
                "camera": self.camera,
                "state": self.state.value,
                "at": iso_z(self.at),
                "detail": self.detail,
            },
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> CameraAlert:
        obj = _load_object(data, "camera alert")
        state = _member(CameraState, _text(obj, "state", "camera alert"), "camera.state")
        return cls(
            station=_text(obj, "station", "camera alert"),
            camera=_text(obj, "camera", "camera alert"),
            state=state,
            at=parse_iso(_text(obj, "at", "camera alert"), "camera.at"),
            detail=str(obj.get("detail") or ""),
        )


@dataclass(frozen=True)
class Acknowledgement:
    """A terminal's word on an incident: its outcome, closing it."""

    incident_id: str
    terminal_id: str
    outcome: Outcome
    at: datetime

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "incident_id": self.incident_id,
                "terminal_id": self.terminal_id,
                "outcome": self.outcome.value,
                "at": iso_z(self.at),
            }
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Acknowledgement:
        obj = _load_object(data, "ack")
        return cls(
            incident_id=_text(obj, "incident_id", "ack"),
            terminal_id=_text(obj, "terminal_id", "ack"),
            outcome=parse_outcome(_text(obj, "outcome", "ack")),
            at=parse_iso(_text(obj, "at", "ack"), "ack.at"),
        )


def parse_outcome(text: str) -> Outcome:
    """An outcome from its wire name, with the allowed names in the error."""
    return _member(Outcome, text, "outcome")


@dataclass(frozen=True)
class SealedMessage:
    """The only form an alert or acknowledgement takes on a network: AES-256-GCM ciphertext for one
    terminal. `incident_id` and `terminal_id` are in clear for routing, and bound to the ciphertext
    as associated data, so moving a ciphertext to another incident or terminal fails to decrypt."""

    kind: MessageKind
    incident_id: str
    terminal_id: str
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def associated_data(self) -> bytes:
        return associated_data(self.kind, self.incident_id, self.terminal_id)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "v": WIRE_VERSION,
                "kind": self.kind,
                "incident_id": self.incident_id,
                "terminal_id": self.terminal_id,
                "salt": b64e(self.salt),
                "nonce": b64e(self.nonce),
                "ciphertext": b64e(self.ciphertext),
            }
        ).encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> SealedMessage:
        obj = _load_object(data, "sealed message")
        if obj.get("v") != WIRE_VERSION:
            raise MalformedMessageError(
                f"sealed message v={obj.get('v')!r}; allowed: {WIRE_VERSION}"
            )
        kind = next((k for k in KINDS if k == obj.get("kind")), None)
        if kind is None:
            raise MalformedMessageError(
                f"sealed message kind={obj.get('kind')!r}; allowed: {', '.join(KINDS)}"
            )
        nonce = b64d(obj.get("nonce"), "nonce")
        if len(nonce) != 12:
            raise MalformedMessageError(f"nonce has {len(nonce)} bytes; AES-GCM needs 12")
        return cls(
            kind=kind,
            incident_id=_text(obj, "incident_id", "sealed message"),
            terminal_id=_text(obj, "terminal_id", "sealed message"),
            salt=b64d(obj.get("salt"), "salt"),
            nonce=nonce,
            ciphertext=b64d(obj.get("ciphertext"), "ciphertext"),
        )


def associated_data(kind: str, incident_id: str, terminal_id: str) -> bytes:
    """AES-GCM associated data: binds a ciphertext to its kind, incident and terminal."""
    return f"laneguard/v{WIRE_VERSION}|{kind}|{incident_id}|{terminal_id}".encode()


def key_info(kind: str, terminal_id: str) -> bytes:
    """HKDF `info`: separates alert keys from acknowledgement keys and terminals from each other."""
    return f"laneguard/v{WIRE_VERSION}/{kind}/{terminal_id}".encode()


@dataclass(frozen=True)
class TerminalScope:
    """Which alerts a terminal gets: those of `station` (None: any station), of `lanes` (empty:
    every lane); a `leader` terminal (the shift leader's) also gets escalations."""

    station: str | None = None
    lanes: frozenset[str] = frozenset()
    leader: bool = False

    def __post_init__(self) -> None:
        bad = sorted(lane for lane in self.lanes if not lane or "," in lane or len(lane) > 32)
        if bad:
            raise ValueError(f"lanes={bad}: a lane name has 1 to 32 characters and no comma")
        if self.station is not None and not 0 < len(self.station) <= 64:
            raise ValueError(f"station={self.station!r}: 1 to 64 characters are required")

    def covers(self, station: str, lane: str) -> bool:
        return (self.station is None or self.station == station) and (
            not self.lanes or lane in self.lanes
        )

    @property
    def lanes_text(self) -> str:
        """The lanes as stored: sorted, comma-separated ("" for every lane)."""
        return ",".join(sorted(self.lanes))

    @staticmethod
    def parse_lanes(text: str | None) -> frozenset[str]:
        return frozenset(lane for lane in (text or "").split(",") if lane)


@dataclass
class Terminal:
    """A staff wearable (or a phone's web terminal) enrolled with its X25519 public key."""

    terminal_id: str
    name: str
    public_key: bytes
    enrolled_at: datetime
    revoked_at: datetime | None = None
    scope: TerminalScope = field(default_factory=lambda: TerminalScope())

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def receives(self, station: str, lane: str) -> bool:
        """Whether alerts of this station's lane are for this terminal (and it is active)."""
        return self.active and self.scope.covers(station, lane)

    def revoke(self, at: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at
