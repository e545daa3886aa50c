"""The interfaces of the records' use cases beyond the shared `IncidentRepository`
(laneguard.core.ports): where incident clips are written and indexed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from laneguard.core.errors import LaneGuardError


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
