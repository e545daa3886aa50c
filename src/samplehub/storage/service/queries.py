"""What staff read of storage: occupancy by area and size class, warnings, the slots in use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from samplehub.core.service.ports import UnitOfWork
from samplehub.storage.domain import capacity
from samplehub.storage.domain.capacity import Use
from samplehub.storage.domain.events import CapacityLevelReached
from samplehub.storage.domain.inventory import CycleRecord, FindingRecord, FindingState
from samplehub.storage.domain.site import SlotRecord
from samplehub.storage.service.ports import HasSlots


@dataclass(frozen=True)
class StorageOverview:
    areas: dict[str, str]  # id -> name
    uses: list[Use]
    warnings: list[Use]
    held: list[SlotRecord]  # slots with a sample in them or on its way, by address
    blocked: list[SlotRecord]
    alerts: list[CapacityLevelReached]  # the warnings given, newest first


def overview(
    uow_factory: Callable[[], UnitOfWork], levels: Sequence[int] = capacity.LEVELS
) -> StorageOverview:
    """The whole site's use; empty where the unit of work has no slot store."""
    slots: list[SlotRecord] = []
    areas: dict[str, str] = {}
    alerts: list[CapacityLevelReached] = []
    with uow_factory() as uow:
        if isinstance(uow, HasSlots):
            slots, areas, alerts = uow.slots.all(), uow.slots.areas(), uow.slots.alerts()
    uses = capacity.occupancy(slots, levels)
    held = [s for s in slots if s.occupant or s.reserved_for]
    return StorageOverview(
        areas, uses, capacity.warnings(uses), held, [s for s in slots if s.blocked], alerts
    )


def warnings(
    uow_factory: Callable[[], UnitOfWork], levels: Sequence[int] = capacity.LEVELS
) -> list[Use]:
    """The (area, size class) pairs at a warning level, fullest first (the staff banner);
    none where the unit of work has no slot store."""
    with uow_factory() as uow:
        if not isinstance(uow, HasSlots):
            return []
        return capacity.warnings(capacity.occupancy(uow.slots.all(), levels))


@dataclass(frozen=True)
class InventoryView:
    """The shelf inventory for staff: the last cycle's accuracy, findings, the trend."""

    last: CycleRecord | None
    trend: list[CycleRecord]  # oldest first
    open: list[FindingRecord]
    recent: list[FindingRecord]  # newest first, open and resolved

    @property
    def accuracy(self) -> float | None:
        return self.last.accuracy if self.last else None


def inventory(uow_factory: Callable[[], UnitOfWork], cycles: int = 30) -> InventoryView:
    """Empty where the unit of work has no inventory store."""
    with uow_factory() as uow:
        store = getattr(uow, "inventory", None)
        if store is None:
            return InventoryView(None, [], [], [])
        recent = store.cycles(cycles)
        return InventoryView(
            recent[0] if recent else None,
            list(reversed(recent)),
            store.findings(FindingState.OPEN),
            store.findings(limit=20),
        )
