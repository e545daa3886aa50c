"""What the storage services need: the slot store on the unit of work, and pickup windows."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from samplehub.core.service.ports import UnitOfWork
from samplehub.storage.domain.events import CapacityLevelReached
from samplehub.storage.domain.inventory import (
    CycleRecord,
    FindingKind,
    FindingRecord,
    FindingState,
    TagTrack,
)
from samplehub.storage.domain.site import SiteNode, SlotRecord


class SlotRepository(Protocol):
    """The site as stored: slots with their occupancy, areas, map nodes and places."""

    def exists(self) -> bool:
        """Whether a site was ever loaded (any slot stored)."""
        ...

    def all(self) -> list[SlotRecord]:
        """Every slot, by address."""
        ...

    def get(self, address: str) -> SlotRecord | None:
        """The slot, locked for update until the transaction ends."""
        ...

    def find(self, address: str) -> SlotRecord | None:
        """The slot as last committed (or written here), without locking it."""
        ...

    def holding(self, sample_number: str) -> list[SlotRecord]:
        """The slots the sample occupies or has reserved."""
        ...

    def save(self, slot: SlotRecord) -> None:
        """Insert or replace the slot (occupancy included)."""
        ...

    def remove(self, address: str) -> None: ...
    def areas(self) -> dict[str, str]: ...
    def nodes(self) -> dict[str, SiteNode]: ...
    def places(self) -> dict[str, str]:
        """``kind:code`` → map node."""
        ...

    def alert(self, reached: CapacityLevelReached) -> None:
        """Keep a capacity warning for the staff pages (with the change that caused it)."""
        ...

    def alerts(self, limit: int = 20) -> list[CapacityLevelReached]:
        """The newest capacity warnings first."""
        ...

    def replace_site(
        self, areas: dict[str, str], nodes: dict[str, SiteNode], places: dict[str, str]
    ) -> None:
        """Replace the areas, nodes and places (the slots are saved one by one)."""
        ...


class InventoryRepository(Protocol):
    """Shelf inventory as stored: tag tracks between cycles, the cycles, the findings."""

    def tracks(self) -> dict[str, TagTrack]: ...
    def replace_tracks(self, tracks: dict[str, TagTrack]) -> None: ...
    def add_cycle(self, cycle: CycleRecord) -> int:
        """Store the cycle; returns its id."""
        ...

    def cycles(self, limit: int = 30) -> list[CycleRecord]:
        """The newest cycles first."""
        ...

    def add_finding(self, finding: FindingRecord) -> int: ...
    def findings(self, state: FindingState | None = None, limit: int = 50) -> list[FindingRecord]:
        """The newest findings first (open ones only, or resolved ones only, when asked)."""
        ...

    def resolve(self, epc: str, kind: FindingKind, at: datetime) -> int:
        """Close the open findings of this kind on this tag; returns how many."""
        ...


class StorageUnitOfWork(UnitOfWork, Protocol):
    @property
    def slots(self) -> SlotRepository: ...
    @property
    def inventory(self) -> InventoryRepository: ...


@runtime_checkable
class HasSlots(Protocol):
    """A unit of work with the slot store (the app's); core's own units of work have none."""

    @property
    def slots(self) -> SlotRepository: ...


class PickupWindows(Protocol):
    """When the order's pickup is booked (pickup's bookings, wired by the app)."""

    def pickup_at(self, uow: UnitOfWork, order_number: str) -> datetime | None:
        """Start of the order's live booking window; None when not booked."""
        ...


class NoPickups:
    """Implements ``PickupWindows`` where no bookings exist."""

    def pickup_at(self, uow: UnitOfWork, order_number: str) -> datetime | None:
        return None
