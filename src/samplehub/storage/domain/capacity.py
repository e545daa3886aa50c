"""Occupancy per area and size class, and the capacity warnings staff see (80/90/100 %).

A slot counts as used when a sample is in it or on its way to it (reserved); blocked slots are
neither capacity nor use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from samplehub.core.domain.instrument import SIZE_CLASSES
from samplehub.core.domain.model import Role
from samplehub.core.domain.permissions import Action, may
from samplehub.storage.domain.site import SlotRecord

LEVELS: tuple[int, ...] = (80, 90, 100)


@dataclass(frozen=True)
class Use:
    area: str
    size_class: str
    used: int
    capacity: int
    blocked: int
    level: int | None  # the highest warning level reached, None below the first

    @property
    def percent(self) -> float:
        return 100.0 if self.capacity == 0 else 100.0 * self.used / self.capacity


def level_of(used: int, capacity: int, levels: Sequence[int] = LEVELS) -> int | None:
    """The highest of ``levels`` (percent) that ``used`` of ``capacity`` reaches."""
    percent = 100.0 if capacity == 0 else 100.0 * used / capacity
    reached = [level for level in sorted(levels) if percent >= level]
    return reached[-1] if reached else None


def occupancy(slots: Iterable[SlotRecord], levels: Sequence[int] = LEVELS) -> list[Use]:
    """Use of every (area, size class) that has slots, by area then size."""
    counts: dict[tuple[str, str], list[int]] = {}
    for slot in slots:
        row = counts.setdefault((slot.area, slot.size_class), [0, 0, 0])
        if slot.blocked:
            row[2] += 1
        else:
            row[1] += 1
            row[0] += 0 if slot.is_open else 1
    order = {size: i for i, size in enumerate(SIZE_CLASSES)}
    return [
        Use(area, size, used, capacity, blocked, level_of(used, capacity, levels))
        for (area, size), (used, capacity, blocked) in sorted(
            counts.items(), key=lambda item: (item[0][0], order.get(item[0][1], 9))
        )
    ]


def warnings(uses: Iterable[Use]) -> list[Use]:
    """The uses at a warning level, fullest first."""
    return sorted((u for u in uses if u.level is not None), key=lambda u: (-u.percent, u.area))


def may_see_storage(role: Role) -> bool:
    """Staff who see storage occupancy and its warnings; the kiosk and customers never do."""
    return may(role, Action.STORAGE_SEE)
