"""What robot job a transport task record becomes: its kind for the fleet, and the site-map
nodes of its places (from ``Places``, else by the kind of place)."""

from __future__ import annotations

import zlib

from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.transport import ANY_SLOT
from samplehub.core.domain.transport import TaskKind as CoreKind
from samplehub.core.domain.transport import TransportTask as Record
from samplehub.core.service.ports import Places, UnitOfWork
from samplehub.fleet.domain.dispatch import DEFAULT_PRIORITY, TaskKind, TransportTask
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.service.orders import INTO_SLOT

KINDS: dict[CoreKind, TaskKind] = {
    CoreKind.PUT_AWAY: TaskKind.PUT_AWAY,
    CoreKind.TO_BENCH: TaskKind.LAB_DELIVERY,
    CoreKind.RETURN: TaskKind.RETURN,
    CoreKind.TO_LOCKER: TaskKind.STAGING,
    CoreKind.BACK_TO_STORAGE: TaskKind.RETURN,
    CoreKind.RELOCATE: TaskKind.RELOCATION,
}

NODE_KINDS: dict[LocationKind, str] = {
    LocationKind.INTAKE_PLATFORM: "intake",
    LocationKind.LAB_BENCH: "lab_drop",
    LocationKind.LOCKER_COMPARTMENT: "locker_port",
    LocationKind.COUNTER: "locker_port",
    LocationKind.STORAGE_SLOT: "rack_access",
}
"""Where a place is on the site map while ``Places.node`` knows no better (no storage site)."""


def job_for(
    uow: UnitOfWork, places: Places, site: SiteMap, record: Record
) -> tuple[TransportTask | None, str | None]:
    """The fleet's task for a record: nodes from ``Places``, else by the kind of place."""
    sample = uow.samples.get(record.sample_number)
    load = (sample.epc if sample is not None else None) or record.sample_number
    source = node(uow, places, site, record.source)
    if source is None:
        return None, None
    place = None
    if record.target == ANY_SLOT:
        destination = nearest(site, "rack_access", source)
        place = f"storage_slot:{destination}-{record.id}" if destination else None
        slot = place.partition(":")[2] if place else None
    else:
        destination = node(uow, places, site, record.target)
        slot = record.target.code
    if destination is None:
        return None, None
    kind = KINDS[record.kind]
    from_slot = record.source.code if record.source.kind is LocationKind.STORAGE_SLOT else None
    job = TransportTask(
        record.id, kind, load, source, destination, record.created_at.timestamp(),
        record.deadline.timestamp() if record.deadline else None,
        priority=DEFAULT_PRIORITY[kind] + record.priority,
        slot_address=slot if kind in INTO_SLOT else from_slot,
        source_slot=from_slot if kind is TaskKind.RELOCATION else None,
    )  # fmt: skip
    return job, place


def node(uow: UnitOfWork, places: Places, site: SiteMap, location: Location) -> str | None:
    known = places.node(uow, location)
    if known is not None:
        return known
    kind = NODE_KINDS.get(location.kind)
    nodes = [n.node_id for n in site.nodes_of_kind(kind)] if kind else []
    if not nodes:
        return None
    if location.code in nodes:
        return location.code
    return nodes[zlib.crc32(location.code.encode()) % len(nodes)]


def nearest(site: SiteMap, kind: str, origin: str) -> str | None:
    nodes = [n.node_id for n in site.nodes_of_kind(kind)]
    return min(nodes, key=lambda n: (site.distance(origin, n), n), default=None)
