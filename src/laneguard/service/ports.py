"""The interfaces of everything outside LaneGuard's services; adapters implement them, fakes in
the tests implement them too, and only bootstrap picks which.

Detection: images travel through the service as opaque objects (numpy arrays in practice): the
service hands them from one port to the next and never looks inside, so it stays free of numpy and
OpenCV and can be tested with fakes that use any object as a frame.
Alerting: transports only ever take a `SealedMessage`, so an alert cannot leave unencrypted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from laneguard.domain.alerts import Acknowledgement, Alert, SealedMessage, Terminal
from laneguard.domain.geometry import Box
from laneguard.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass
from laneguard.domain.records import IncidentRecord
from laneguard.domain.tracking import Detection
from laneguard.domain.voice import WarningLevel

IncidentEvent = IncidentOpened | IncidentEnded


class SourceHealth(enum.StrEnum):
    """A camera's state as the live view and the health endpoint show it."""

    CONNECTING = "connecting"
    OK = "ok"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    ENDED = "ended"


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its index and time on the stream's clock, and the wall time."""

    index: int
    pos_s: float
    at: datetime
    image: object


class FrameSource(Protocol):
    """A video file or network stream; reconnects by itself and reports its health."""

    @property
    def fps(self) -> float: ...

    @property
    def health(self) -> SourceHealth: ...

    def frames(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


class Detector(Protocol):
    """Finds objects in a frame; boxes in the frame's pixels, classes already mapped."""

    @property
    def classes(self) -> frozenset[ObjectClass]: ...

    def detect(self, image: object) -> list[Detection]: ...


class MotionGate(Protocol):
    """Says whether anything moved since the last frames, so the detector can rest."""

    def moving(self, image: object) -> bool: ...


class VestMeter(Protocol):
    """Share of a box's pixels in high-visibility vest colours (0.0 to 1.0)."""

    def ratio(self, image: object, box: Box) -> float: ...


class SnapshotEncoder(Protocol):
    """JPEG of the frame with the given boxes drawn, for alerts and records."""

    def encode(self, image: object, boxes: Sequence[Box]) -> bytes: ...


class LaneGuardError(Exception):
    """Base of the errors adapters raise after translating their vendor's errors."""


class TransportError(LaneGuardError):
    """An alert could not be handed to the network (broker down, socket closed)."""


class DecryptionError(LaneGuardError):
    """A sealed message was tampered with, moved, or sealed for another key."""


class SpeakerError(LaneGuardError):
    """A speaker did not take the clip (unreachable, refused, no player)."""


class IncidentSource(Protocol):
    """Where incidents come from: the detection pipeline, or a simulation."""

    def events(self) -> Iterator[IncidentEvent]:
        """Yields events as they happen; ends when the source is exhausted or closed."""
        ...

    def close(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class Sealer(Protocol):
    """The station's half of end-to-end encryption."""

    @property
    def station_public_key(self) -> bytes: ...

    def seal_alert(self, alert: Alert, terminal: Terminal) -> SealedMessage: ...

    def open_ack(self, message: SealedMessage, terminal: Terminal) -> Acknowledgement:
        """Raises DecryptionError unless the ack was sealed by that terminal's key."""
        ...


class AlertTransport(Protocol):
    """Carries sealed alerts to terminals; it never sees plaintext."""

    name: str

    def deliver(self, message: SealedMessage) -> None:
        """Raises TransportError when the network would not take it."""
        ...


class Speaker(Protocol):
    """A lane's loudspeaker."""

    def play(self, wav: bytes) -> None:
        """Plays a WAV clip; raises SpeakerError when the device would not."""
        ...


class VoiceClips(Protocol):
    def clip(self, lane: str, level: WarningLevel) -> bytes:
        """The WAV for that lane and level (the operator's recording, else the synthesised one);
        raises SpeakerError when there is none and none can be made."""
        ...


class IncidentRepository(Protocol):
    def add(self, record: IncidentRecord) -> None: ...

    def get(self, incident_id: str) -> IncidentRecord | None: ...

    def save(self, record: IncidentRecord) -> None: ...

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> list[IncidentRecord]:
        """Newest first, opened in [since, until)."""
        ...


class ClipError(LaneGuardError):
    """A clip could not be written (disk full, folder not writable, no codec)."""


class ClipWriter(Protocol):
    """Writes a short video of an incident from annotated JPEG frames."""

    def write(self, name: str, frames: Sequence[bytes], fps: float) -> str:
        """Returns where the clip lies; raises ClipError when it could not be written."""
        ...


class ClipIndex(Protocol):
    """Records where an incident's clip lies, touching nothing else of the record."""

    def set_clip(self, incident_id: str, path: str) -> None: ...


class LayoutInvalidError(LaneGuardError):
    """A zone layout from the editor breaks a rule; `problems` lists each as
    {"field", "value", "allowed"} so the page can point at it."""

    def __init__(self, problems: list[dict[str, object]]) -> None:
        super().__init__(
            "; ".join(
                f"{p['field']}: got {p['value']!r}, allowed: {p['allowed']}" for p in problems
            )
        )
        self.problems = problems


class ZoneLayoutStore(Protocol):
    """Where the zone editor keeps each camera's zones, masks and homography, and where the
    pipeline finds them when it starts."""

    def get(self, camera: str) -> dict[str, object] | None:
        """The saved layout, or None when the camera still uses its config's own zones."""
        ...

    def save(self, camera: str, layout: Mapping[str, object]) -> str:
        """Checks and writes the layout at once (never half a file); returns where it lies.
        Raises LayoutInvalidError naming every problem."""
        ...


class TerminalRepository(Protocol):
    def add(self, terminal: Terminal) -> None: ...

    def get(self, terminal_id: str) -> Terminal | None: ...

    def save(self, terminal: Terminal) -> None: ...

    def list(self) -> list[Terminal]: ...
