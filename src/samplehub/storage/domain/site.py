"""The storage site as data: map nodes, areas → racks → shelves → slots, and the places
(intake platforms, lab benches, locker compartments) with the map node a carrier stops at.

``site_from_tree`` validates the site file's tree (already parsed; the adapter keeps the line
of every value) and names the line and the field of the first thing wrong. Slot addresses are
``{area}-{rack:02d}-{shelf}-{slot:02d}`` (``A-03-2-07``), RFID location tags ``LOC-{address}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.instrument import SIZE_CLASSES
from samplehub.core.domain.locations import Location, LocationKind

AREA_ID = re.compile(r"[A-Z][A-Z0-9]{0,7}")
PLACE_KINDS = (
    LocationKind.INTAKE_PLATFORM,
    LocationKind.LAB_BENCH,
    LocationKind.LOCKER_COMPARTMENT,
    LocationKind.COUNTER,
)
EXIT_KINDS = (LocationKind.INTAKE_PLATFORM, LocationKind.LOCKER_COMPARTMENT)
"""Where samples enter and leave the institute: short stays are slotted near them."""
MAX_SLOTS_PER_SHELF = 99


class SiteError(InvalidValue):
    """The site file is wrong at ``line`` in ``field``; nothing was loaded."""

    def __init__(self, field: str, value: object, allowed: str, line: int | None) -> None:
        super().__init__(field, value, allowed)
        self.line = line
        if line is not None:
            self.args = (f"line {line}: {self.args[0]}",)


@dataclass(frozen=True)
class SiteNode:
    id: str
    x: float
    y: float


@dataclass(frozen=True)
class SlotRecord:
    """One slot as stored: where it is, what fits, and who is (or will be) in it."""

    address: str
    area: str
    rack: int
    shelf: int
    size_class: str
    access_node: str
    rfid_tag: str
    blocked: bool = False
    occupant: str | None = None  # sample number
    reserved_for: str | None = None  # sample number a transport task is bringing
    reserved_at: datetime | None = None
    reader: str | None = None  # the rack's RFID reader, when it has one
    antenna: int | None = None  # the reader's antenna that covers this slot

    @property
    def is_open(self) -> bool:
        return not self.blocked and self.occupant is None and self.reserved_for is None

    def same_layout(self, other: SlotRecord) -> bool:
        return (self.area, self.rack, self.shelf, self.size_class, self.access_node,
                self.rfid_tag, self.blocked, self.reader, self.antenna) == (other.area,
                other.rack, other.shelf, other.size_class, other.access_node, other.rfid_tag,
                other.blocked, other.reader, other.antenna)  # fmt: skip


@dataclass(frozen=True)
class Site:
    nodes: dict[str, SiteNode]
    areas: dict[str, str]  # id -> name
    slots: dict[str, SlotRecord]
    places: dict[str, str]  # kind:code -> node


class _Reader:
    """Walks the tree with the path of each value, so errors name the field and its line."""

    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines

    def fail(self, path: str, value: object, allowed: str) -> SiteError:
        probe = path
        while probe and probe not in self.lines:  # a missing key: the line of its parent
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
        return SiteError(path, value, allowed, self.lines.get(probe))

    def mapping(
        self, path: str, value: object, keys: set[str], required: set[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path or "site", value, "a mapping with " + ", ".join(sorted(keys)))
        unknown = sorted(set(value) - keys, key=str)
        if unknown:
            key = unknown[0]
            raise self.fail(_join(path, key), key, "one of " + ", ".join(sorted(keys)))
        for key in sorted(required - set(value)):
            raise self.fail(_join(path, key), None, f"{key} is required")
        return value

    def items(self, path: str, value: object, what: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, value, f"a non-empty list of {what}")
        return value

    def integer(self, path: str, value: object, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(path, value, f"a whole number {low} to {high}")
        return value

    def number(self, path: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, value, "a number (metres)")
        return float(value)

    def text(self, path: str, value: object, pattern: re.Pattern[str], allowed: str) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise self.fail(path, value, allowed)
        return value


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


NODE_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
READER_NAME = re.compile(r"[A-Za-z0-9_.-]{1,32}")
MAX_ANTENNA = 65535  # LLRP AntennaID is an unsigned 16-bit number; 0 means "all"


def _nodes(r: _Reader, tree: Any) -> dict[str, SiteNode]:
    site_map = r.mapping("map", tree, {"map_id", "default_max_speed", "nodes", "edges"}, {"nodes"})
    nodes: dict[str, SiteNode] = {}
    for i, raw in enumerate(r.items("map.nodes", site_map["nodes"], "{id, x, y}")):
        path = f"map.nodes[{i}]"
        node = r.mapping(path, raw, {"id", "x", "y", "kind", "max_speed"}, {"id", "x", "y"})
        node_id = r.text(f"{path}.id", str(node["id"]), NODE_ID, "1-32 of A-Z, a-z, 0-9, _ . -")
        if node_id in nodes:
            raise r.fail(f"{path}.id", node_id, "a node id not used before")
        nodes[node_id] = SiteNode(node_id, r.number(f"{path}.x", node["x"]),
                                  r.number(f"{path}.y", node["y"]))  # fmt: skip
    return nodes


def _node(r: _Reader, path: str, value: object, nodes: Mapping[str, SiteNode]) -> str:
    if not isinstance(value, str) or value not in nodes:
        raise r.fail(path, value, "a node of map.nodes")
    return value


def _areas(
    r: _Reader, storage: dict[str, Any], nodes: Mapping[str, SiteNode]
) -> tuple[dict[str, str], dict[str, SlotRecord]]:
    areas: dict[str, str] = {}
    slots: dict[str, SlotRecord] = {}
    readers: dict[str, dict[int, str]] = {}  # reader -> antenna -> the shelf that has it
    for ai, raw in enumerate(r.items("storage.areas", storage["areas"], "{id, racks}")):
        path = f"storage.areas[{ai}]"
        area = r.mapping(path, raw, {"id", "name", "racks"}, {"id", "racks"})
        area_id = r.text(f"{path}.id", area["id"], AREA_ID, "1-8 of A-Z, 0-9, starting A-Z")
        if area_id in areas:
            raise r.fail(f"{path}.id", area_id, "an area id not used before")
        areas[area_id] = str(area.get("name") or area_id)
        racks_seen: set[int] = set()
        for ri, raw_rack in enumerate(r.items(f"{path}.racks", area["racks"], "racks")):
            rpath = f"{path}.racks[{ri}]"
            rack = r.mapping(rpath, raw_rack, {"number", "access_node", "reader", "shelves"},
                             {"number", "access_node", "shelves"})  # fmt: skip
            number = r.integer(f"{rpath}.number", rack["number"], 1, 99)
            if number in racks_seen:
                raise r.fail(f"{rpath}.number", number, "a rack number not used before in the area")
            racks_seen.add(number)
            access = _node(r, f"{rpath}.access_node", rack["access_node"], nodes)
            reader = _reader(r, f"{rpath}.reader", rack.get("reader"), readers)
            for si, raw_shelf in enumerate(r.items(f"{rpath}.shelves", rack["shelves"], "shelves")):
                spath = f"{rpath}.shelves[{si}]"
                keys = {"size_class", "slots", "antenna", "first_antenna"}
                shelf = r.mapping(spath, raw_shelf, keys, {"size_class", "slots"})
                size = shelf["size_class"]
                if size not in SIZE_CLASSES:
                    raise r.fail(f"{spath}.size_class", size, ", ".join(SIZE_CLASSES))
                count = r.integer(f"{spath}.slots", shelf["slots"], 1, MAX_SLOTS_PER_SHELF)
                antennas = _antennas(r, spath, shelf, reader, count, readers)
                for n in range(1, count + 1):
                    address = f"{area_id}-{number:02d}-{si + 1}-{n:02d}"
                    slots[address] = SlotRecord(
                        address, area_id, number, si + 1, size, access, f"LOC-{address}",
                        reader=reader, antenna=antennas[n - 1],
                    )  # fmt: skip
    return areas, slots


def _reader(r: _Reader, path: str, value: object, readers: dict[str, dict[int, str]]) -> str | None:
    if value is None:
        return None
    name = r.text(path, value, READER_NAME, "a reader name: 1-32 of A-Z, a-z, 0-9, _ . -")
    if name in readers:
        raise r.fail(path, name, "a reader name not used by another rack")
    readers[name] = {}
    return name


def _antennas(
    r: _Reader,
    path: str,
    shelf: dict[str, Any],
    reader: str | None,
    count: int,
    readers: dict[str, dict[int, str]],
) -> list[int | None]:
    """The antenna of each slot: one for the shelf (``antenna``), or one per slot counting up
    from ``first_antenna``; an antenna covers one shelf of one rack's reader."""
    if "antenna" in shelf and "first_antenna" in shelf:
        either = "either antenna (one for the shelf) or first_antenna (one per slot)"
        raise r.fail(f"{path}.first_antenna", shelf["first_antenna"], either)
    key = "antenna" if "antenna" in shelf else "first_antenna" if "first_antenna" in shelf else ""
    if not key:
        return [None] * count
    if reader is None:
        raise r.fail(f"{path}.{key}", shelf[key], "an antenna only on a rack with a reader")
    first = r.integer(f"{path}.{key}", shelf[key], 1, MAX_ANTENNA)
    ids = [first] * count if key == "antenna" else list(range(first, first + count))
    if ids[-1] > MAX_ANTENNA:
        raise r.fail(f"{path}.{key}", first, f"at most {MAX_ANTENNA - count + 1} for {count} slots")
    taken = readers[reader]
    for antenna in sorted(set(ids)):
        if antenna in taken:
            raise r.fail(f"{path}.{key}", first,
                         f"antennas of {reader} not used by {taken[antenna]}")  # fmt: skip
        taken[antenna] = path
    return list(ids)


def _places(r: _Reader, tree: object, nodes: Mapping[str, SiteNode]) -> dict[str, str]:
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise r.fail("places", tree, "a mapping of kind:code to a map node")
    allowed = ", ".join(k.value for k in PLACE_KINDS)
    places: dict[str, str] = {}
    for key, node in tree.items():
        path = f"places.{key}"
        try:
            location = Location.parse(str(key), path)
        except InvalidValue:
            raise r.fail(path, key, f"kind:code with kind one of {allowed}") from None
        if location.kind not in PLACE_KINDS:
            raise r.fail(path, key, f"kind:code with kind one of {allowed}")
        places[str(location)] = _node(r, path, node, nodes)
    return places


def site_from_tree(tree: object, lines: Mapping[str, int] | None = None) -> Site:
    """The site a file describes (``{map, storage, places}``); ``lines`` maps each value's
    path (``storage.areas[0].racks[1].access_node``) to its line in the file."""
    r = _Reader(lines or {})
    top = r.mapping("", tree, {"map", "storage", "places"}, {"map", "storage"})
    nodes = _nodes(r, top["map"])
    storage = r.mapping("storage", top["storage"], {"areas", "blocked"}, {"areas"})
    areas, slots = _areas(r, storage, nodes)
    for i, address in enumerate(storage.get("blocked") or []):
        if address not in slots:
            raise r.fail(f"storage.blocked[{i}]", address, "the address of a slot defined above")
        slots[address] = replace(slots[address], blocked=True)
    return Site(nodes, areas, slots, _places(r, top.get("places"), nodes))
