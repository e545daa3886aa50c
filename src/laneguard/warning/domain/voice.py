"""When to play a voice warning at a lane: once on entry, a stronger one if the person stays.

A per-lane cooldown stops one group of people walking in from triggering a warning for each of them,
and stops the loudspeaker nagging. Time is passed in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta


class WarningLevel(enum.StrEnum):
    """Which clip to play: the first polite request or the stronger repeat."""

    FIRST = "first"
    STRONG = "strong"


@dataclass(frozen=True)
class WarningDue:
    lane: str
    incident_id: str
    level: WarningLevel


@dataclass
class _OpenWarning:
    lane: str
    first_at: datetime
    escalated: bool = False


@dataclass
class VoiceWarningPolicy:
    """Decides which warnings are due. `cooldown` is per lane; `escalate_after` is how long an
    intrusion may last after its first warning before the stronger message plays (once)."""

    cooldown: timedelta = timedelta(seconds=10)
    escalate_after: timedelta = timedelta(seconds=8)
    _last_played: dict[str, datetime] = field(default_factory=dict)
    _open: dict[str, _OpenWarning] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.cooldown < timedelta(0):
            raise ValueError(f"cooldown={self.cooldown}: must be zero or positive")
        if self.escalate_after <= timedelta(0):
            raise ValueError(f"escalate_after={self.escalate_after}: must be positive")

    def on_opened(self, lane: str, incident_id: str, now: datetime) -> WarningDue | None:
        """An incident opened: a first warning unless the lane warned within the cooldown."""
        last = self._last_played.get(lane)
        self._open[incident_id] = _OpenWarning(lane=lane, first_at=now)
        if last is not None and now - last < self.cooldown:
            return None
        self._last_played[lane] = now
        return WarningDue(lane, incident_id, WarningLevel.FIRST)

    def on_ended(self, incident_id: str) -> None:
        self._open.pop(incident_id, None)

    def due(self, now: datetime) -> list[WarningDue]:
        """Stronger warnings for intrusions still open `escalate_after` after they began."""
        out: list[WarningDue] = []
        for incident_id, warning in self._open.items():
            if warning.escalated or now - warning.first_at < self.escalate_after:
                continue
            warning.escalated = True
            self._last_played[warning.lane] = now
            out.append(WarningDue(warning.lane, incident_id, WarningLevel.STRONG))
        return out
