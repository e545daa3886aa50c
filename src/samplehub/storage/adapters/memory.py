"""The slot store in memory (unit tests), rolled back with the memory unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from samplehub.core.adapters.memory import MemoryRepository
from samplehub.core.domain.errors import Conflict
from samplehub.storage.domain.events import CapacityLevelReached
from samplehub.storage.domain.inventory import (
    CycleRecord,
    FindingKind,
    FindingRecord,
    FindingState,
    TagTrack,
)
from samplehub.storage.domain.site import SiteNode, SlotRecord


class MemorySlots(MemoryRepository):
    """Implements ``SlotRepository``; records are frozen, so rows are never changed in place."""

    @property
    def _rows(self) -> dict[str, SlotRecord]:
        return self.store.table("storage_slots")

    @property
    def _site(self) -> dict[str, Any]:
        return self.store.table("storage_site")

    def exists(self) -> bool:
        return bool(self._rows)

    def all(self) -> list[SlotRecord]:
        return [self._rows[a] for a in sorted(self._rows)]

    def get(self, address: str) -> SlotRecord | None:
        return self._rows.get(address)

    def find(self, address: str) -> SlotRecord | None:
        return self._rows.get(address)

    def holding(self, sample_number: str) -> list[SlotRecord]:
        return [s for s in self.all() if sample_number in (s.occupant, s.reserved_for)]

    def save(self, slot: SlotRecord) -> None:
        if slot.occupant is not None:
            for other in self._rows.values():
                if other.occupant == slot.occupant and other.address != slot.address:
                    raise Conflict(f"slot occupant {slot.occupant}")
        self._rows[slot.address] = slot

    def remove(self, address: str) -> None:
        self._rows.pop(address, None)

    def areas(self) -> dict[str, str]:
        return dict(self._site.get("areas", {}))

    def nodes(self) -> dict[str, SiteNode]:
        return dict(self._site.get("nodes", {}))

    def places(self) -> dict[str, str]:
        return dict(self._site.get("places", {}))

    def alert(self, reached: CapacityLevelReached) -> None:
        alerts = self.store.table("storage_alerts")
        alerts[f"{len(alerts):08d}"] = reached

    def alerts(self, limit: int = 20) -> list[CapacityLevelReached]:
        alerts = self.store.table("storage_alerts")
        return [alerts[key] for key in sorted(alerts, reverse=True)[:limit]]

    def replace_site(
        self, areas: dict[str, str], nodes: dict[str, SiteNode], places: dict[str, str]
    ) -> None:
        self._site.update(areas=dict(areas), nodes=dict(nodes), places=dict(places))


class MemoryInventory(MemoryRepository):
    """Implements ``InventoryRepository``, rolled back with the memory unit of work."""

    def _table(self, name: str) -> dict[str, Any]:
        return self.store.table(name)

    def tracks(self) -> dict[str, TagTrack]:
        return dict(self._table("inventory_tracks"))

    def replace_tracks(self, tracks: dict[str, TagTrack]) -> None:
        table = self._table("inventory_tracks")
        table.clear()
        table.update(tracks)

    def _add(self, name: str, record: Any) -> int:
        table = self._table(name)
        new_id = len(table) + 1
        table[f"{new_id:08d}"] = replace(record, id=new_id)
        return new_id

    def add_cycle(self, cycle: CycleRecord) -> int:
        return self._add("inventory_cycles", cycle)

    def cycles(self, limit: int = 30) -> list[CycleRecord]:
        table = self._table("inventory_cycles")
        return [table[k] for k in sorted(table, reverse=True)[:limit]]

    def add_finding(self, finding: FindingRecord) -> int:
        return self._add("inventory_findings", finding)

    def findings(self, state: FindingState | None = None, limit: int = 50) -> list[FindingRecord]:
        table = self._table("inventory_findings")
        rows = [table[k] for k in sorted(table, reverse=True)]
        return [f for f in rows if state is None or f.state is state][:limit]

    def resolve(self, epc: str, kind: FindingKind, at: datetime) -> int:
        table = self._table("inventory_findings")
        done = 0
        for key, f in list(table.items()):
            if f.epc == epc and f.kind is kind and f.state is FindingState.OPEN:
                table[key] = replace(f, state=FindingState.RESOLVED, resolved_at=at)
                done += 1
        return done
