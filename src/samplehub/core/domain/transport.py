"""Transport tasks: every physical move of a sample, as a record with its own state machine.

A task is made in the same transaction as the lifecycle step that needs the move (intake
receive → put-away, lab request → to-bench, send back → return, pickup staging → to-locker,
uncollected expiry → back-to-storage, relocation). Whoever carries it (a robot of the fleet, or a
person in manual mode: ``staff:<username>``) advances it:

    created → assigned → picking → carrying → delivered → done
    any open state → failed | cancelled;  assigned/picking → created again (released, a retry)

Each step is an event on the sample's custody chain. The sample's own lifecycle moves at
``picked`` (to the carrier) and ``delivered`` (to the target); the service layer applies both.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.events import Event, NamesItsSample
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.messages import Message

MAX_ATTEMPTS = 3  # a task released this many times fails, and its sample is held


class TaskKind(enum.StrEnum):
    PUT_AWAY = "put_away"  # intake platform → storage slot
    TO_BENCH = "to_bench"  # storage → lab bench
    RETURN = "return"  # lab bench → storage slot
    TO_LOCKER = "to_locker"  # storage → pickup locker compartment (or counter)
    BACK_TO_STORAGE = "back_to_storage"  # uncollected: locker → storage slot
    RELOCATE = "relocate"  # storage slot → a better storage slot


class TaskState(enum.StrEnum):
    CREATED = "created"
    ASSIGNED = "assigned"
    PICKING = "picking"
    CARRYING = "carrying"
    DELIVERED = "delivered"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Confirmation(enum.StrEnum):
    """How arrival at the target was confirmed."""

    RFID = "rfid"  # the sample's tag read at the target
    SCAN = "scan"  # a person scanned the sample's label
    PRESENCE_ONLY = "presence_only"  # a presence bit, identity not read
    NONE = "none"


T = TaskState
FINAL = frozenset({T.DONE, T.FAILED, T.CANCELLED})
OPEN = frozenset(set(TaskState) - FINAL)
NEXT: dict[TaskState, TaskState] = {
    T.CREATED: T.ASSIGNED,
    T.ASSIGNED: T.PICKING,
    T.PICKING: T.CARRYING,
    T.CARRYING: T.DELIVERED,
    T.DELIVERED: T.DONE,
}

ANY_SLOT = Location(LocationKind.STORAGE_SLOT, "*")
"""Target of a storage task when no slot could be chosen yet: the carrier is given one at
delivery (a person types or scans it; the fleet asks storage)."""


@dataclass(frozen=True)
class TransportTaskChanged(NamesItsSample, Event):
    """One step of a transport task, on the custody chain of its sample."""

    task_id: str
    number: str
    order: str
    kind: str
    state: str
    source: str
    target: str
    carrier: str | None
    reason: str | None


@dataclass
class TransportTask:
    id: str
    kind: TaskKind
    sample_number: str
    order_number: str
    source: Location
    target: Location
    priority: int  # 0 (routine) … 9 (most urgent)
    deadline: datetime | None
    state: TaskState
    created_at: datetime
    updated_at: datetime
    carrier: str | None = None  # robot serial, or staff:<username>
    attempts: int = 0
    reason: str | None = None  # why it was made, failed, cancelled or re-routed
    confirmation: Confirmation | None = None
    estimate: dict[str, Any] = field(default_factory=dict)
    """What the slot choice was based on (expected dwell and its inputs), to check it later."""
    version: int = 0
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        task_id: str,
        kind: TaskKind,
        sample_number: str,
        order_number: str,
        source: Location,
        target: Location,
        *,
        actor: str,
        at: datetime,
        priority: int = 0,
        deadline: datetime | None = None,
        reason: str | None = None,
        estimate: dict[str, Any] | None = None,
    ) -> TransportTask:
        if not 0 <= priority <= 9:
            raise InvalidValue("priority", priority, "a whole number 0 to 9")
        if source == target:
            raise InvalidValue("target", str(target), f"a place other than the source {source}")
        task = cls(
            task_id, kind, sample_number, order_number, source, target, priority, deadline,
            T.CREATED, at, at, reason=reason, estimate=dict(estimate or {}),
        )  # fmt: skip
        task._changed(actor, at)
        return task

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def picked_up(self) -> bool:
        """The sample has left its source (it is on the carrier or at the target)."""
        return self.state in (T.CARRYING, T.DELIVERED, T.DONE)

    def late(self, now: datetime) -> bool:
        return self.is_open and self.deadline is not None and now > self.deadline

    def _changed(self, actor: str, at: datetime) -> None:
        self.updated_at = at
        self.events.append(
            TransportTaskChanged(
                actor, at, self.id, self.sample_number, self.order_number, self.kind.value,
                self.state.value, str(self.source), str(self.target), self.carrier, self.reason,
            )
        )  # fmt: skip

    def _require(self, allowed: frozenset[TaskState] | set[TaskState], step: str) -> None:
        if self.state not in allowed:
            names = ", ".join(sorted(s.value for s in allowed))
            raise InvalidValue(f"task {self.id}.state", self.state.value, f"{names} to {step}")

    def advance(
        self,
        to: TaskState,
        *,
        actor: str,
        at: datetime,
        carrier: str | None = None,
        confirmation: Confirmation | None = None,
        target: Location | None = None,
    ) -> None:
        """One step forward along created → … → done (only to the next state)."""
        expected = NEXT.get(self.state)
        if expected is not to:
            self._require({s for s, n in NEXT.items() if n is to}, to.value)
        if to is T.ASSIGNED:
            if not carrier:
                raise InvalidValue("carrier", carrier, "a robot serial or staff:<username>")
            self.carrier = carrier
        elif carrier is not None and carrier != self.carrier:
            raise InvalidValue("carrier", carrier, f"{self.carrier} (the assigned carrier)")
        if to is T.DELIVERED:
            place = target or self.target
            if place == ANY_SLOT or (target is not None and target.kind is not self.target.kind):
                raise InvalidValue("target", str(place), f"a concrete {self.target.kind} place")
            self.target = place
        if to is T.DONE:
            self.confirmation = confirmation or Confirmation.NONE
        self.state = to
        self._changed(actor, at)

    def release(self, reason: str, *, actor: str, at: datetime) -> bool:
        """The carrier gave the task back before picking up (offline, refused): it is open to
        another carrier; after ``MAX_ATTEMPTS`` it fails instead. Returns True when it failed."""
        self._require({T.ASSIGNED, T.PICKING}, "release")
        self.attempts += 1
        self.carrier, self.reason = None, reason
        if self.attempts >= MAX_ATTEMPTS:
            self.state = T.FAILED
            self.reason = reasons.ATTEMPT(
                reason=reason, attempt=self.attempts, attempts=MAX_ATTEMPTS
            )
        else:
            self.state = T.CREATED
        self._changed(actor, at)
        return self.state is T.FAILED

    def fail(self, reason: str, *, actor: str, at: datetime) -> None:
        self._require(OPEN, "fail")
        self.state, self.reason = T.FAILED, _reason(reason)
        self._changed(actor, at)

    def cancel(self, reason: str, *, actor: str, at: datetime) -> None:
        """Staff withdraw a task whose sample has not left its source."""
        self._require({T.CREATED, T.ASSIGNED, T.PICKING}, "cancel")
        self.state, self.reason = T.CANCELLED, _reason(reason)
        self._changed(actor, at)

    def reroute(self, target: Location, reason: str, *, actor: str, at: datetime) -> None:
        """Send the task to another place (a free slot, another bench) without losing it."""
        self._require({T.CREATED, T.ASSIGNED, T.PICKING, T.CARRYING}, "re-route")
        if target == self.source:
            raise InvalidValue(
                "target", str(target), f"a place other than the source {self.source}"
            )
        self.target, self.reason = target, _reason(reason)
        self._changed(actor, at)


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text or len(text) > 200:
        line = Message("core.allowed_reason_line")
        raise InvalidValue("reason", reason, "1 to 200 characters on one line", line)
    return text
