"""Cycle counts: read every shelf antenna, reconcile the reads with the records, act on findings.

Reading takes seconds per reader, so it happens outside any transaction (``count_cycle``); the
reads then go through the bus as one ``RecordCycleCount``, whose handler stores the cycle, each
finding with what it caused (a relocation task back to the recorded slot, a hold for a missing
sample, a check for staff) and the custody records, in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.lifecycle import HoldReason, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Role
from samplehub.core.domain.rfid import ReaderUnavailable, TagRead
from samplehub.core.domain.transport import TaskKind, TransportTask
from samplehub.core.service import transport
from samplehub.core.service.commands import Actor, Command
from samplehub.core.service.ports import TagReaders
from samplehub.storage.domain.events import InventoryCounted, ShelfFinding
from samplehub.storage.domain.inventory import (
    CycleRecord,
    Expected,
    Finding,
    FindingKind,
    FindingRecord,
    InventoryPolicy,
    Spot,
    locate,
    reconcile,
)
from samplehub.storage.domain.site import SlotRecord
from samplehub.storage.service.ports import StorageUnitOfWork

if TYPE_CHECKING:
    from samplehub.core.service.handlers import Context

log = logging.getLogger(__name__)
COUNT_ROLES = (Role.ADMIN, Role.WAREHOUSE)
RELOCATE_PRIORITY = 3


@dataclass(frozen=True)
class RecordCycleCount(Command):
    """One cycle count's reads (every round of every reader that answered)."""

    reads: tuple[TagRead, ...]
    answered: frozenset[str]
    unavailable: tuple[str, ...] = ()
    policy: InventoryPolicy = field(default_factory=InventoryPolicy)


@dataclass(frozen=True)
class CycleSummary:
    cycle: int
    expected: int
    confirmed: int
    findings: list[FindingRecord]
    unavailable: tuple[str, ...]

    @property
    def accuracy(self) -> float | None:
        return self.confirmed / self.expected if self.expected else None


def may_count(role: Role) -> bool:
    return role in COUNT_ROLES


def spots_of(slots: list[SlotRecord]) -> dict[Spot, list[str]]:
    """Each antenna and the slots it covers, by address."""
    spots: dict[Spot, list[str]] = {}
    for slot in slots:
        if slot.reader is not None and slot.antenna is not None:
            spots.setdefault(Spot(slot.reader, slot.antenna), []).append(slot.address)
    return spots


def count_cycle(
    readers: TagReaders,
    uow_factory: Callable[[], StorageUnitOfWork],
    handle: Callable[[Command], Any],
    actor: Actor,
    policy: InventoryPolicy,
    seconds: float = 0.5,
) -> CycleSummary:
    """Read every reader of the site for ``policy.rounds`` rounds, then record the cycle.

    A reader that cannot be reached is logged and left out: its slots are neither confirmed
    nor missed this cycle."""
    if not may_count(actor.role):
        raise Forbidden(actor.username, "run a cycle count")
    with uow_factory() as uow:
        spots = spots_of(uow.slots.all())
    antennas: dict[str, set[int]] = {}
    for spot in spots:
        antennas.setdefault(spot.reader, set()).add(spot.antenna)
    reads: list[TagRead] = []
    answered: set[str] = set()
    unavailable: list[str] = []
    for reader, ids in sorted(antennas.items()):
        try:
            for _ in range(policy.rounds):
                reads.extend(readers.inventory(reader, sorted(ids), seconds))
        except ReaderUnavailable as error:
            log.warning("cycle count: reader %s left out: %s", reader, error)
            unavailable.append(reader)
            continue
        answered.add(reader)
    summary: CycleSummary = handle(
        RecordCycleCount(actor, tuple(reads), frozenset(answered), tuple(unavailable), policy)
    )
    return summary


def record_cycle_count(cmd: RecordCycleCount, uow: StorageUnitOfWork, ctx: Context) -> CycleSummary:
    if not may_count(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "run a cycle count")
    now, actor = ctx.clock.now(), cmd.actor.username
    with uow:
        slots = uow.slots.all()
        spots = spots_of(slots)
        expected = []
        for slot in slots:
            if slot.occupant is None or slot.reader is None or slot.antenna is None:
                continue
            sample = uow.samples.get(slot.occupant)
            if sample is not None and sample.epc:
                spot = Spot(slot.reader, slot.antenna)
                expected.append(Expected(sample.epc.lower(), sample.number, slot.address, spot))
        sightings = locate(cmd.reads, set(spots))
        outcome = reconcile(expected, sightings, uow.inventory.tracks(), cmd.policy, cmd.answered)
        inventory = uow.inventory
        cycle = inventory.add_cycle(
            CycleRecord(now, actor, outcome.expected, outcome.confirmed, outcome.not_read,
                        len(outcome.findings), cmd.unavailable)
        )  # fmt: skip
        for epc, kind in outcome.resolved:
            inventory.resolve(epc, kind, now)
        stored = []
        for finding in outcome.findings:
            action, task_id = _act(uow, ctx, finding, spots, actor, now)
            seen = _seen(finding.seen, spots)
            record = FindingRecord(
                now, cycle, finding.kind, finding.epc, finding.sample, finding.recorded_slot,
                seen, finding.rssi, action, task_id,
            )  # fmt: skip
            inventory.add_finding(record)
            stored.append(record)
            uow.record(ShelfFinding(
                actor, now, cycle, finding.kind.value, finding.epc, finding.sample,
                finding.recorded_slot, seen, action,
            ))  # fmt: skip
        inventory.replace_tracks(outcome.tracks)
        uow.record(InventoryCounted(actor, now, cycle, outcome.expected, outcome.confirmed,
                                    len(stored), list(cmd.unavailable)))  # fmt: skip
        uow.commit()
        return CycleSummary(cycle, outcome.expected, outcome.confirmed, stored, cmd.unavailable)


def _seen(spot: Spot | None, spots: dict[Spot, list[str]]) -> str | None:
    if spot is None:
        return None
    slots = spots.get(spot, [])
    where = slots[0] if len(slots) == 1 else f"{slots[0]}…{slots[-1]}" if slots else "?"
    return f"{where} ({spot})"


def _act(
    uow: StorageUnitOfWork,
    ctx: Context,
    finding: Finding,
    spots: dict[Spot, list[str]],
    actor: str,
    now: datetime,
) -> tuple[str, str | None]:
    """What the finding causes, in the same transaction: (what was done, the task made)."""
    sample = uow.samples.get(finding.sample) if finding.sample else None
    if finding.kind is FindingKind.UNKNOWN or sample is None:
        return "staff: identify the tag and take it to the desk", None
    busy = [t.id for t in uow.tasks.for_sample(sample.number) if t.is_open]
    if busy:
        return f"staff: check; {busy[0]} is already moving the sample", None
    if finding.kind is FindingKind.MISSING:
        if Transition.HOLD not in sample.allowed():
            return f"staff: search; the sample is {sample.state.value}", None
        transport.move(
            uow, ctx.places, sample, Transition.HOLD, None, actor=actor, at=now,
            reason=reasons.NOT_READ(slot=finding.recorded_slot),
            hold_reason=HoldReason.MISSING,
        )  # fmt: skip
        return "hold (missing); staff: search", None
    seen_slots = spots.get(finding.seen, []) if finding.seen else []
    recorded = finding.recorded_slot
    if not seen_slots or recorded is None or recorded in seen_slots:
        return "staff: check the shelf", None
    source = Location(LocationKind.STORAGE_SLOT, seen_slots[0])
    target = Location(LocationKind.STORAGE_SLOT, recorded)
    task = TransportTask.create(
        f"TT{uow.sequences.next('transport_task'):06d}", TaskKind.RELOCATE, sample.number,
        sample.order_number, source, target, actor=actor, at=now, priority=RELOCATE_PRIORITY,
        reason=reasons.SEEN_ELSEWHERE(seen=seen_slots[0], recorded=recorded),
    )  # fmt: skip
    uow.tasks.add(task)
    return f"relocation {task.id} back to {recorded}", task.id


INVENTORY_HANDLERS: dict[type[Any], Any] = {RecordCycleCount: record_cycle_count}
