"""Loading the site: one command, one transaction; the slots change together or not at all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.model import Role
from samplehub.core.service.commands import Command
from samplehub.storage.domain import layout
from samplehub.storage.domain.events import SiteLoaded
from samplehub.storage.domain.site import site_from_tree
from samplehub.storage.service.ports import StorageUnitOfWork

if TYPE_CHECKING:
    from samplehub.core.service.handlers import Context

SITE_ROLES = (Role.ADMIN, Role.WAREHOUSE)


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
        result = SiteLoad(len(change.added), len(change.changed), len(change.removed),
                          len(site.slots))  # fmt: skip
        if change.empty and same_site:
            return result
        uow.record(
            SiteLoaded(cmd.actor.username, ctx.clock.now(), cmd.source, result.added,
                       result.changed, result.removed, result.slots)
        )  # fmt: skip
        uow.commit()
        return result


STORAGE_HANDLERS: dict[type[Any], Any] = {LoadSite: load_site}
