"""Events of the storage site, chained into the custody records with the change."""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.core.domain.events import Event


@dataclass(frozen=True)
class SiteLoaded(Event):
    """A site file changed the slots (a load that changes nothing records nothing)."""

    source: str
    added: int
    changed: int
    removed: int
    slots: int  # slots of the site after the load


@dataclass(frozen=True)
class CapacityLevelReached(Event):
    """An area's slots of one size class filled past a warning level: staff are told."""

    area: str
    size_class: str
    level: int
    used: int
    capacity: int


@dataclass(frozen=True)
class InventoryCounted(Event):
    """A cycle count: how many records the readers covered and confirmed."""

    cycle: int
    expected: int
    confirmed: int
    findings: int
    unavailable: list[str]


@dataclass(frozen=True)
class ShelfFinding(Event):
    """A cycle count found a record and the shelf disagreeing, and what was done about it."""

    cycle: int
    kind: str
    epc: str
    sample: str | None
    recorded_slot: str | None
    seen: str | None
    action: str

    @property
    def sample_number(self) -> str | None:
        return self.sample
