"""What loading a site file changes, and what it must refuse.

Loading is idempotent: slots whose layout is unchanged are left alone, new ones are added,
changed ones updated, and those no longer in the file removed. A slot holding a sample (or
reserved for one on its way) is never removed, nor made smaller: the whole load is refused,
naming each such slot, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from samplehub.core.domain.instrument import SIZE_CLASSES
from samplehub.storage.domain.site import Site, SiteError, SlotRecord


@dataclass(frozen=True)
class SiteChange:
    added: list[SlotRecord] = field(default_factory=list)
    changed: list[SlotRecord] = field(default_factory=list)  # new layout, occupancy kept
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _held(slot: SlotRecord) -> str | None:
    return slot.occupant or slot.reserved_for


def plan(current: Mapping[str, SlotRecord], site: Site) -> SiteChange:
    """The change from the stored slots to the site's; refuses dropping or shrinking a slot
    that holds (or expects) a sample."""
    change = SiteChange()
    refused: list[str] = []
    for address, old in sorted(current.items()):
        new = site.slots.get(address)
        holder = _held(old)
        if new is None:
            if holder is not None:
                refused.append(f"{address} (holds {holder}) would be dropped")
            else:
                change.removed.append(address)
            continue
        if new.same_layout(old):
            continue
        smaller = SIZE_CLASSES.index(new.size_class) < SIZE_CLASSES.index(old.size_class)
        if holder is not None and smaller:
            refused.append(f"{address} (holds {holder}) would shrink to {new.size_class}")
            continue
        change.changed.append(
            replace(new, occupant=old.occupant, reserved_for=old.reserved_for,
                    reserved_at=old.reserved_at)
        )  # fmt: skip
    if refused:
        keep = "a site keeping every occupied slot, at least as large"
        raise SiteError("storage.slots", "; ".join(refused), keep, None)
    change.added.extend(slot for a, slot in sorted(site.slots.items()) if a not in current)
    return change
