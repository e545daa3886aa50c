"""The interfaces of everything outside detection's services; adapters implement them, fakes in
the tests implement them too, and only the app's bootstrap picks which.

Images travel through the service as opaque objects (numpy arrays in practice): the service
hands them from one port to the next and never looks inside, so it stays free of numpy and
OpenCV and can be tested with fakes that use any object as a frame.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.errors import LaneGuardError
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.tracking import Detection


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


class ModelUnavailableError(LaneGuardError):
    """The detector's model file is missing, corrupt, or cannot be loaded."""


class VideoSourceError(LaneGuardError):
    """A video file or stream cannot be opened at all."""


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
