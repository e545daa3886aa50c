"""Warehouse layout (areas → racks → shelves → slots), occupancy and put-away slotting.

Samples are referred to by their EPC string only; the sample lifecycle and custody records live
elsewhere and are told about moves through the fleet service.

Slotting chooses a slot lexicographically by
1. size fit: the smallest size class that holds the sample (big slots stay free for big items),
2. expected dwell: samples that leave soon go to slots near the exits, long stays go deep,
3. travel distance from where the sample is now.
``ClosestOpenSlot`` is the baseline it is measured against.  Blocked or occupied slots are never
candidates in either policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from samplehub.core.domain.errors import SampleHubError
from samplehub.core.domain.instrument import SIZE_CLASSES

CAPACITY_WARNING_LEVELS: tuple[int, ...] = (80, 90, 100)


class StorageError(SampleHubError, ValueError):
    """A layout or request that cannot be used; names the field, the value and what is allowed."""


class NoSlotAvailableError(StorageError):
    """No open, unblocked slot fits the sample."""


def size_rank(size_class: str, where: str = "size_class") -> int:
    try:
        return SIZE_CLASSES.index(size_class)
    except ValueError:
        raise StorageError(f"{where}: {size_class!r}; allowed: {', '.join(SIZE_CLASSES)}") from None


@dataclass(slots=True)
class Slot:
    address: str
    area: str
    size_class: str
    access_node: str
    rfid_tag: str
    blocked: bool = False
    occupant: str | None = None
    reserved_for: str | None = None

    @property
    def is_open(self) -> bool:
        return not self.blocked and self.occupant is None and self.reserved_for is None


@dataclass(frozen=True, slots=True)
class CapacityWarning:
    area: str
    level: int
    used: int
    capacity: int


@dataclass(frozen=True, slots=True)
class PutAwayRequest:
    """What slotting needs to know about a sample: its EPC, size and expected dwell in seconds."""

    epc: str
    size_class: str
    expected_dwell_s: float
    from_node: str


DistanceFn = Callable[[str, str], float]


@dataclass(slots=True)
class Warehouse:
    slots: dict[str, Slot]
    exit_nodes: tuple[str, ...] = ()
    _by_epc: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for slot in self.slots.values():
            if slot.occupant:
                self._by_epc[slot.occupant] = slot.address

    def slot(self, address: str) -> Slot:
        try:
            return self.slots[address]
        except KeyError:
            raise StorageError(f"slot: unknown address {address!r}") from None

    def slot_of(self, epc: str) -> Slot | None:
        address = self._by_epc.get(epc)
        return self.slots[address] if address else None

    def areas(self) -> list[str]:
        return sorted({s.area for s in self.slots.values()})

    def usage(self, area: str) -> tuple[int, int]:
        """(used, capacity) of an area; blocked slots count as unavailable capacity."""
        in_area = [s for s in self.slots.values() if s.area == area]
        capacity = sum(1 for s in in_area if not s.blocked)
        used = sum(1 for s in in_area if not s.blocked and not s.is_open)
        return used, capacity

    def capacity_warnings(self) -> list[CapacityWarning]:
        """Areas at or above 80, 90 or 100 % use (reserved slots count as used)."""
        warnings = []
        for area in self.areas():
            used, capacity = self.usage(area)
            percent = 100.0 if capacity == 0 else 100.0 * used / capacity
            reached = [lvl for lvl in CAPACITY_WARNING_LEVELS if percent >= lvl]
            if reached:
                warnings.append(CapacityWarning(area, reached[-1], used, capacity))
        return warnings

    def reserve(self, address: str, epc: str) -> Slot:
        slot = self.slot(address)
        if not slot.is_open:
            raise StorageError(
                f"slot {address}: cannot reserve for {epc}; it is "
                f"{'blocked' if slot.blocked else 'occupied or reserved'}"
            )
        slot.reserved_for = epc
        return slot

    def release_reservation(self, address: str) -> None:
        self.slot(address).reserved_for = None

    def store(self, address: str, epc: str) -> None:
        """Record ``epc`` in ``address`` (after the RFID read confirmed it there)."""
        slot = self.slot(address)
        if slot.occupant is not None and slot.occupant != epc:
            raise StorageError(f"slot {address}: holds {slot.occupant}, cannot store {epc}")
        if slot.reserved_for not in (None, epc):
            raise StorageError(f"slot {address}: reserved for {slot.reserved_for}, not {epc}")
        slot.occupant, slot.reserved_for = epc, None
        self._by_epc[epc] = address

    def remove(self, epc: str) -> Slot:
        address = self._by_epc.pop(epc, None)
        if address is None:
            raise StorageError(f"epc: {epc!r} is not stored in any slot")
        slot = self.slots[address]
        slot.occupant = None
        return slot

    def set_blocked(self, address: str, blocked: bool) -> None:
        self.slot(address).blocked = blocked


class SlottingPolicy(Protocol):
    def choose(self, warehouse: Warehouse, request: PutAwayRequest, distance: DistanceFn) -> Slot:
        """The open slot the sample should go to; raises NoSlotAvailableError when none fits."""
        ...


def _fitting_open_slots(warehouse: Warehouse, request: PutAwayRequest) -> list[Slot]:
    need = size_rank(request.size_class, "request.size_class")
    fitting = [
        s
        for s in warehouse.slots.values()
        if s.is_open and SIZE_CLASSES.index(s.size_class) >= need
    ]
    if not fitting:
        raise NoSlotAvailableError(
            f"no open slot of size {request.size_class} or larger for {request.epc}"
        )
    return fitting


class ClosestOpenSlot:
    """Baseline: the nearest open slot that the sample fits in, nothing else considered."""

    def choose(self, warehouse: Warehouse, request: PutAwayRequest, distance: DistanceFn) -> Slot:
        fitting = _fitting_open_slots(warehouse, request)
        return min(fitting, key=lambda s: (distance(request.from_node, s.access_node), s.address))


@dataclass(frozen=True, slots=True)
class DwellSlotting:
    """Size fit, then expected dwell against distance-to-exit bands, then travel distance.

    Slots are ranked by their distance to the nearest exit (intake or locker port) and cut into
    ``len(dwell_bands_s) + 1`` equal bands; a sample whose expected dwell falls in band *k* prefers
    slots in exit band *k* (short stays near the exits).
    """

    dwell_bands_s: tuple[float, ...] = (2 * 86400.0, 7 * 86400.0)

    def _dwell_band(self, dwell_s: float) -> int:
        return sum(1 for limit in self.dwell_bands_s if dwell_s > limit)

    def choose(self, warehouse: Warehouse, request: PutAwayRequest, distance: DistanceFn) -> Slot:
        fitting = _fitting_open_slots(warehouse, request)
        exits = warehouse.exit_nodes or (request.from_node,)
        access_nodes = sorted({s.access_node for s in warehouse.slots.values()})
        exit_dist = {n: min(distance(n, e) for e in exits) for n in access_nodes}
        ranked = sorted(access_nodes, key=lambda n: (exit_dist[n], n))
        bands = len(self.dwell_bands_s) + 1
        band_of = {n: min(bands - 1, i * bands // len(ranked)) for i, n in enumerate(ranked)}
        want_size = SIZE_CLASSES.index(request.size_class)
        want_band = self._dwell_band(request.expected_dwell_s)
        return min(
            fitting,
            key=lambda s: (
                SIZE_CLASSES.index(s.size_class) - want_size,
                abs(band_of[s.access_node] - want_band),
                distance(request.from_node, s.access_node),
                s.address,
            ),
        )


def warehouse_from_dict(data: Mapping[str, Any], exit_nodes: tuple[str, ...] = ()) -> Warehouse:
    """Build a warehouse from ``{areas: [{id, racks: [{id, access_node, shelves: [...]}]}]}``.

    A shelf is ``{slots: N, size_class: S|M|L|XL}``; slot addresses are
    ``{area}-{rack:02d}-{shelf}-{slot:02d}`` (e.g. ``A-03-2-07``), RFID location tags
    ``LOC-{address}``.
    ``blocked`` lists addresses closed for maintenance.
    """
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        raise StorageError("areas: must be a non-empty list of {id, racks}")
    slots: dict[str, Slot] = {}
    for ai, area in enumerate(areas):
        area_id = str(area.get("id", ""))
        if not area_id:
            raise StorageError(f"areas[{ai}].id: missing")
        for ri, rack in enumerate(area.get("racks") or []):
            where = f"areas[{ai}].racks[{ri}]"
            rack_no = rack.get("number", ri + 1)
            access = rack.get("access_node")
            if not access:
                raise StorageError(f"{where}.access_node: missing; the node robots stop at")
            for si, shelf in enumerate(rack.get("shelves") or []):
                size = str(shelf.get("size_class", "M"))
                size_rank(size, f"{where}.shelves[{si}].size_class")
                count = shelf.get("slots")
                if not isinstance(count, int) or count < 1:
                    raise StorageError(f"{where}.shelves[{si}].slots: {count!r}; need an int ≥ 1")
                for n in range(1, count + 1):
                    address = f"{area_id}-{int(rack_no):02d}-{si + 1}-{n:02d}"
                    slots[address] = Slot(address, area_id, size, str(access), f"LOC-{address}")
    blocked = data.get("blocked") or []
    for address in blocked:
        if address not in slots:
            raise StorageError(f"blocked: unknown slot address {address!r}")
        slots[address].blocked = True
    return Warehouse(slots, exit_nodes)
