"""The interfaces of everything outside the alert service; adapters implement them, fakes in
the tests implement them too, and only the app's bootstrap picks which.

Transports only ever take a `SealedMessage`, so an alert cannot leave unencrypted. The voice
warner and the clip recorder belong to other slices (warning, records); the alert service knows
them only by the small interfaces below.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from laneguard.alerting.domain.alerts import (
    Acknowledgement,
    Alert,
    CameraAlert,
    SealedMessage,
    Terminal,
)
from laneguard.alerting.domain.enrolment import EnrolmentCode
from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock


class TransportError(LaneGuardError):
    """An alert could not be handed to the network (broker down, socket closed)."""


class DecryptionError(LaneGuardError):
    """A sealed message was tampered with, moved, or sealed for another key."""


class Sealer(Protocol):
    """The station's half of end-to-end encryption."""

    @property
    def station_public_key(self) -> bytes: ...

    def seal_alert(self, alert: Alert, terminal: Terminal) -> SealedMessage: ...

    def seal_camera(self, alert: CameraAlert, terminal: Terminal) -> SealedMessage: ...

    def open_ack(self, message: SealedMessage, terminal: Terminal) -> Acknowledgement:
        """Raises DecryptionError unless the ack was sealed by that terminal's key."""
        ...


class AlertTransport(Protocol):
    """Carries sealed alerts to terminals; it never sees plaintext."""

    name: str

    def deliver(self, message: SealedMessage) -> None:
        """Raises TransportError when the network would not take it."""
        ...


class EnrolmentCodeRepository(Protocol):
    def add(self, code: EnrolmentCode) -> None: ...

    def consume(self, digest: str, terminal_name: str, now: datetime) -> EnrolmentCode | None:
        """Marks the unused, unexpired code with that digest and terminal name used, in one
        atomic step, and returns it; None when there is no such code (two enrolments racing
        for one code: only one gets it)."""
        ...


class TerminalRepository(Protocol):
    def add(self, terminal: Terminal) -> None: ...

    def get(self, terminal_id: str) -> Terminal | None: ...

    def save(self, terminal: Terminal) -> None: ...

    def list(self) -> list[Terminal]: ...


class Warner(Protocol):
    """Warns at the lane by voice as incidents open, last and end (the warning slice's
    `VoiceWarner`)."""

    def opened(self, event: IncidentOpened) -> None: ...

    def ended(self, event: IncidentEnded) -> None: ...

    def tick(self, clock: Clock) -> None: ...

    def repeat(self, lane: str, incident_id: str) -> None:
        """Plays the lane's strong warning again now (an escalation), whatever the cooldown."""
        ...


class ClipKeeper(Protocol):
    """Keeps a short clip per incident (the records slice's `ClipRecorder`)."""

    def opened(self, event: IncidentOpened) -> None: ...

    def ended(self, event: IncidentEnded) -> None: ...

    def tick(self, now: datetime) -> None: ...
