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
