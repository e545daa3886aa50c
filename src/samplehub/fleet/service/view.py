"""Read model of the fleet for the live map: site, robots, slots, tasks in flight, alerts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from samplehub.core.domain.errors import SampleHubError
from samplehub.core.domain.messages import Message
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.service.fleet import FleetManager


class NotFoundError(SampleHubError, LookupError):
    """The robot or slot asked for does not exist."""


class SlotView(Protocol):
    """A slot as the map shows it (the simulator's warehouse has them)."""

    @property
    def address(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def size_class(self) -> str: ...
    @property
    def access_node(self) -> str: ...
    @property
    def rfid_tag(self) -> str: ...
    @property
    def blocked(self) -> bool: ...
    @property
    def occupant(self) -> str | None: ...
    @property
    def reserved_for(self) -> str | None: ...

    @property
    def is_open(self) -> bool: ...


class AreaWarning(Protocol):
    @property
    def area(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def used(self) -> int: ...
    @property
    def capacity(self) -> int: ...


class WarehouseView(Protocol):
    @property
    def slots(self) -> Mapping[str, SlotView]: ...
    def capacity_warnings(self) -> Sequence[AreaWarning]: ...


class StoredAlert(Protocol):
    @property
    def message(self) -> Message: ...
    @property
    def time(self) -> float: ...


def alert_view(message: Message, time: float) -> dict[str, Any]:
    """An alert as the map's snapshot carries it: its message id and values, which the map's
    route words in the visitor's language (``fleet/api.py``)."""
    return {"id": message.id, "values": dict(message.params), "time": time}


class StorageView(Protocol):
    """What the map reads of the storage the fleet serves (the simulator's storage)."""

    @property
    def warehouse(self) -> WarehouseView: ...
    @property
    def alerts(self) -> Sequence[StoredAlert]: ...
    @property
    def slot_history(self) -> Mapping[str, Sequence[tuple[float, str]]]: ...


def site_view(site: SiteMap) -> dict[str, Any]:
    """The map's drawing: nodes with their kinds, lanes (one-way marked)."""
    lanes = sorted({tuple(sorted((e.start, e.end))) for e in site.edges.values()})
    one_way = {(e.start, e.end) for e in site.edges.values() if not site.has_edge(e.end, e.start)}
    return {
        "map_id": site.map_id,
        "nodes": [
            {"id": n.node_id, "x": n.x, "y": n.y, "kind": n.kind}
            for n in sorted(site.nodes.values(), key=lambda n: n.node_id)
        ],
        "lanes": [
            {"a": a, "b": b, "one_way": (a, b) in one_way or (b, a) in one_way} for a, b in lanes
        ],
    }


@dataclass(slots=True)
class FleetView:
    fleet: FleetManager
    storage: StorageView | None = None
    """The simulator's storage model (racks, slots, alerts); the running product has none here:
    its slots are in the database."""

    def site(self) -> dict[str, Any]:
        return site_view(self.fleet.site)

    def racks(self) -> list[dict[str, Any]]:
        by_node: dict[str, dict[str, Any]] = {}
        if self.storage is None:
            return []
        for slot in self.storage.warehouse.slots.values():
            rack = by_node.setdefault(
                slot.access_node, {"node": slot.access_node, "slots": 0, "used": 0, "blocked": 0}
            )
            rack["slots"] += 1
            rack["used"] += 0 if slot.is_open or slot.blocked else 1
            rack["blocked"] += 1 if slot.blocked else 0
        return sorted(by_node.values(), key=lambda r: str(r["node"]))

    def fleet_state(self) -> dict[str, Any]:
        fleet = self.fleet
        return {
            "time": fleet.clock.now().timestamp(),
            "robots": [r.snapshot() for r in sorted(fleet.robots.values(), key=lambda r: r.serial)],
            "open_tasks": [
                {
                    "task_id": t.task_id,
                    "kind": t.kind.value,
                    "load": t.load_id,
                    "from": t.source,
                    "to": t.destination,
                }
                for t in fleet.open_tasks.values()
            ],
            "reserved": dict(fleet.traffic.node_holder),
            "stats": {
                "completed": len(fleet.stats.completed),
                "evasions": fleet.stats.evasions,
                "deadlocks": fleet.stats.deadlocks,
                "long_waits": fleet.stats.long_waits,
                "stranded": fleet.stats.stranded,
            },
        }

    def snapshot(self) -> dict[str, Any]:
        snap = self.fleet_state()
        in_flight = [
            {
                "task_id": t.task_id,
                "kind": t.kind.value,
                "load": t.load_id,
                "robot": r.serial,
                "from": t.source,
                "to": t.destination,
                "loaded": t.task_id in r.aboard,
            }
            for r in self.fleet.robots.values()
            for t in r.trip
        ]
        storage = self.storage
        alerts = storage.alerts if storage else []
        warnings = [
            {"area": w.area, "level": w.level, "used": w.used, "capacity": w.capacity}
            for w in (storage.warehouse.capacity_warnings() if storage else [])
        ]
        return {
            **snap,
            "racks": self.racks(),
            "in_flight": in_flight,
            "alerts": [alert_view(a.message, a.time) for a in alerts[-20:]],
            "capacity_warnings": warnings,
        }

    def positions(self) -> dict[str, Any]:
        """The small message the map streams: robot positions, loads and routes."""
        return {
            "time": self.fleet.clock.now().timestamp(),
            "robots": [
                {
                    k: r[k]
                    for k in (
                        "serial",
                        "x",
                        "y",
                        "node",
                        "battery",
                        "purpose",
                        "stopped",
                        "load",
                        "route",
                        "online",
                    )
                }
                for r in (self.fleet.robots[s].snapshot() for s in sorted(self.fleet.robots))
            ],
            "racks": self.racks(),
        }

    def robot(self, serial: str) -> dict[str, Any]:
        robot = self.fleet.robots.get(serial)
        if robot is None:
            raise NotFoundError(f"robot {serial!r} is not known to the fleet")
        return robot.snapshot() | {"history": [{"t": t, "text": x} for t, x in robot.history]}

    def slot(self, address: str) -> dict[str, Any]:
        storage = self.storage
        slot = storage.warehouse.slots.get(address) if storage else None
        if storage is None or slot is None:
            raise NotFoundError(f"slot {address!r} does not exist")
        return {
            "address": slot.address,
            "area": slot.area,
            "size_class": slot.size_class,
            "access_node": slot.access_node,
            "rfid_tag": slot.rfid_tag,
            "blocked": slot.blocked,
            "occupant": slot.occupant,
            "reserved_for": slot.reserved_for,
            "history": [{"t": t, "text": x} for t, x in storage.slot_history.get(address, [])],
        }

    def rack_slots(self, node: str) -> list[dict[str, Any]]:
        slots = self.storage.warehouse.slots.values() if self.storage else []
        return [self.slot(s.address) for s in slots if s.access_node == node]
