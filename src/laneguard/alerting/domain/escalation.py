"""When nobody acknowledges an alert in time: the rule of escalation.

An incident still open (no outcome) `after` its opening is escalated once: the lane's voice
warning plays again and the shift leader's terminals get the alert marked `escalated`. A leader
terminal is one enrolled as such (`TerminalScope.leader`) or named (by name or id) in
`leaders`. Only incidents that fell due within `grace` are escalated, so a restarted station
does not replay the warnings of yesterday's open incidents at the lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from laneguard.alerting.domain.alerts import Terminal

ESCALATE_AFTER = timedelta(seconds=60)
GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class EscalationPolicy:
    after: timedelta = ESCALATE_AFTER
    leaders: frozenset[str] = frozenset()
    grace: timedelta = GRACE

    def __post_init__(self) -> None:
        if self.after <= timedelta(0):
            raise ValueError(f"escalation after={self.after}: must be more than 0 s")

    def is_leader(self, terminal: Terminal) -> bool:
        return (
            terminal.scope.leader
            or terminal.name in self.leaders
            or terminal.terminal_id in self.leaders
        )

    def due(self, opened_at: datetime, now: datetime) -> bool:
        """Whether an incident opened at `opened_at`, still open, escalates at `now`."""
        return opened_at + self.after <= now < opened_at + self.after + self.grace

    def window_start(self, now: datetime) -> datetime:
        """The earliest opening time that can be due at `now` (what to read from the records)."""
        return now - self.after - self.grace
