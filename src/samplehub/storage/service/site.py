"""Loading the site: one command, one transaction; the slots change together or not at all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.model import Role
from samplehub.core.service.commands import Command
from samplehub.core.service.ports import SampleFilter
from samplehub.storage.domain import layout
from samplehub.storage.domain.events import SiteLoaded
from samplehub.storage.domain.site import site_from_tree
from samplehub.storage.service.ports import StorageUnitOfWork

if TYPE_CHECKING:
    from samplehub.core.service.handlers import Context

SITE_ROLES = (Role.ADMIN, Role.WAREHOUSE)
PAGE = 200


@dataclass(frozen=True)
class LoadSite(Command):
    """Make the stored site what ``tree`` (a parsed site file) describes."""

    tree: Any
    source: str  # the file, for the record
    lines: Mapping[str, int] = field(default_factory=dict)  # value path -> line in the file


@dataclass(frozen=True)
class SiteLoad:
    added: int
    changed: int
    removed: int
    slots: int
    placed: int = 0  # samples already stored in a new slot, now its occupant

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def load_site(cmd: LoadSite, uow: StorageUnitOfWork, ctx: Context) -> SiteLoad:
    if cmd.actor.role not in SITE_ROLES:
        raise Forbidden(cmd.actor.username, "load the storage site")
    site = site_from_tree(cmd.tree, cmd.lines)  # refused before anything is opened
    with uow:
        slots = uow.slots
        change = layout.plan({s.address: s for s in slots.all()}, site)
        for address in change.removed:
            slots.remove(address)
        for slot in [*change.changed, *change.added]:
            slots.save(slot)
        same_site = (slots.areas(), slots.nodes(), slots.places()) == (
            site.areas,
            site.nodes,
            site.places,
        )
        if not same_site:
            slots.replace_site(site.areas, site.nodes, site.places)
        placed = _place_stored_samples(uow) if change.added else 0
        result = SiteLoad(len(change.added), len(change.changed), len(change.removed),
                          len(site.slots), placed)  # fmt: skip
        if change.empty and same_site:
            return result
        uow.record(
            SiteLoaded(cmd.actor.username, ctx.clock.now(), cmd.source, result.added,
                       result.changed, result.removed, result.slots)
        )  # fmt: skip
        uow.commit()
        return result


def _place_stored_samples(uow: StorageUnitOfWork) -> int:
    """Samples stored before their slot was data (free text that names a slot of the site)
    become the occupants of those slots, so slotting never puts a second sample there."""
    placed = 0
    for state in (SampleState.STORED, SampleState.ON_HOLD):
        offset = 0
        while True:
            page = uow.samples.search(SampleFilter(state=state, offset=offset, limit=PAGE))
            for sample in page.items:
                if sample.location.kind is not LocationKind.STORAGE_SLOT:
                    continue
                slot = uow.slots.find(sample.location.code)
                if slot is None or slot.occupant is not None:
                    continue
                if uow.slots.holding(sample.number):
                    continue
                uow.slots.save(replace(slot, occupant=sample.number))
                placed += 1
            offset += PAGE
            if offset >= page.total:
                break
    return placed


STORAGE_HANDLERS: dict[type[Any], Any] = {LoadSite: load_site}
