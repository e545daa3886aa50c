"""The interfaces of the records' use cases beyond the shared `IncidentRepository`
(laneguard.core.ports): where incident clips are written and indexed, the retention job's view
of the pictures, and the log of who viewed them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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


class MediaStore(Protocol):
    """The incidents' pictures of the public (snapshot, clip path) for the retention job."""

    def expired_media(self, before: datetime) -> list[tuple[str, str | None]]:
        """(incident id, clip path) of incidents opened before `before` that still keep a
        snapshot or a clip."""
        ...

    def forget_media(self, incident_id: str) -> None:
        """Drops the incident's snapshot and clip path; the record stays, for the statistics."""
        ...


class ClipRemover(Protocol):
    def delete(self, path: str) -> bool:
        """Deletes a clip file the writer made; False when it was already gone. Raises
        ClipError when it cannot."""
        ...


@dataclass(frozen=True)
class MediaAccess:
    """Who looked at which incident's snapshot or clip, and when (images of the public)."""

    incident_id: str
    user: str
    media: str  # "snapshot" or "clip"
    at: datetime


class AccessLog(Protocol):
    def add(self, access: MediaAccess) -> None: ...

    def list(self, limit: int = 200) -> list[MediaAccess]:
        """Newest first."""
        ...
