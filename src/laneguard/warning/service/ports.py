"""The interfaces the voice warner plays through; adapters implement them, fakes in the tests
implement them too, and only the app's bootstrap picks which."""

from __future__ import annotations

from typing import Protocol

from laneguard.core.errors import LaneGuardError
from laneguard.warning.domain.voice import WarningLevel


class SpeakerError(LaneGuardError):
    """A speaker did not take the clip (unreachable, refused, no player)."""


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
