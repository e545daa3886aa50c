"""``SitePlaces``: the core's ``Places`` port on the stored site.

Every method works in the caller's transaction, so a sample's move and the slot it takes or
frees commit together (or not at all). One sample per slot: taking a slot held by another
sample raises, which rolls the move back. Until a site is loaded (no slot stored) it behaves
as ``AnyPlace`` did: any slot text, no occupancy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import ANY_SLOT
from samplehub.core.service.outbox import StaffAlerts
from samplehub.core.service.ports import SampleFilter, UnitOfWork
from samplehub.storage.domain import capacity
from samplehub.storage.domain import warehouse as wh
from samplehub.storage.domain.dwell import DwellBasis, DwellRules, expected_dwell_s
from samplehub.storage.domain.events import CapacityLevelReached
from samplehub.storage.domain.site import EXIT_KINDS, SlotRecord
from samplehub.storage.domain.sizing import size_class_of
from samplehub.storage.service.ports import HasSlots, NoPickups, PickupWindows, SlotRepository

CARRIED = (LocationKind.ROBOT, LocationKind.STAFF)
WAITING_FOR_LAB = (SampleState.RECEIVED, SampleState.STORED)
QUEUE_SCAN = 1000
CAPACITY_ALERT = message_id("storage.alert_capacity")


def _exits(places: dict[str, str], service_completed: bool) -> tuple[str, ...]:
    """The nodes the sample leaves storage by next: a sample waiting for collection by the
    locker ports (its to-locker trip is what the customer waits for), any other by the exits
    (intake, lockers); the dwell bands count distance from these."""
    kinds = (LocationKind.LOCKER_COMPARTMENT,) if service_completed else EXIT_KINDS
    nodes = {n for p, n in places.items() if p.split(":")[0] in kinds}
    if not nodes:  # a site without lockers: the exits there are
        nodes = {n for p, n in places.items() if p.split(":")[0] in EXIT_KINDS}
    return tuple(sorted(nodes))


def _slots(uow: UnitOfWork) -> SlotRepository | None:
    """The slot store when a site is loaded; None without one (any slot text then)."""
    if isinstance(uow, HasSlots) and uow.slots.exists():
        return uow.slots
    return None


@dataclass(frozen=True)
class SitePlaces:
    """Implements ``Places`` on ``uow.slots``."""

    rules: DwellRules = field(default_factory=DwellRules)
    pickups: PickupWindows = field(default_factory=NoPickups)
    turnaround_days: int = 10
    slotting: wh.SlottingPolicy = field(default_factory=wh.DwellSlotting)
    levels: tuple[int, ...] = capacity.LEVELS
    alerts: StaffAlerts = field(default_factory=StaffAlerts)  # staff told of each level reached

    def check(self, uow: UnitOfWork, location: Location, field: str) -> None:
        slots = _slots(uow)
        if slots is None:
            return
        if location.kind is LocationKind.STORAGE_SLOT:
            slot = slots.find(location.code)
            if slot is None:
                raise InvalidValue(field, str(location), _known_slots(slots))
            if slot.blocked:
                raise InvalidValue(field, str(location), "a slot that is not blocked")
        elif location.kind in (LocationKind.INTAKE_PLATFORM, LocationKind.LAB_BENCH):
            places = slots.places()
            if str(location) not in places:
                known = sorted(p for p in places if p.startswith(f"{location.kind.value}:"))
                raise InvalidValue(field, str(location), ", ".join(known) or "none in the site")

    def moved(
        self, uow: UnitOfWork, sample: Sample, before: Location | None, after: Location | None
    ) -> None:
        slots = _slots(uow)
        if slots is None:
            return
        if before is not None and before.kind is LocationKind.STORAGE_SLOT:
            left = slots.get(before.code)
            if left is not None and left.occupant == sample.number:
                slots.save(replace(left, occupant=None))
        if after is None or after.kind in CARRIED:
            return
        taken = None
        if after.kind is LocationKind.STORAGE_SLOT:
            taken = self._take(uow, slots, sample, after)
        for other in slots.holding(sample.number):  # reservations it will not use now
            if other.address != taken and other.reserved_for == sample.number:
                slots.save(replace(other, reserved_for=None, reserved_at=None))

    def _take(self, uow: UnitOfWork, slots: SlotRepository, sample: Sample, at: Location) -> str:
        slot = slots.get(at.code)
        if slot is None:
            raise InvalidValue("location", str(at), _known_slots(slots))
        if slot.occupant not in (None, sample.number):
            free = f"a free slot ({at.code} holds {slot.occupant})"
            raise InvalidValue("location", str(at), free)
        if slot.reserved_for not in (None, sample.number):
            raise InvalidValue(
                "location", str(at), f"a free slot ({at.code} is reserved for {slot.reserved_for})"
            )
        slots.save(replace(slot, occupant=sample.number, reserved_for=None, reserved_at=None))
        if slot.is_open:  # one more slot in use
            self._tell_level(uow, slots, slot, sample.updated_at)
        return slot.address

    def _tell_level(
        self, uow: UnitOfWork, slots: SlotRepository, slot: SlotRecord, at: datetime | None
    ) -> None:
        """Record a warning when the slot's area and size class just reached a new level."""
        alike = [s for s in slots.all() if (s.area, s.size_class) == (slot.area, slot.size_class)]
        total = sum(1 for s in alike if not s.blocked)
        used = sum(1 for s in alike if not s.blocked and not s.is_open)
        level = capacity.level_of(used, total, self.levels)
        if (
            at is not None
            and level is not None
            and level != capacity.level_of(used - 1, total, self.levels)
        ):
            reached = CapacityLevelReached(
                "storage", at, slot.area, slot.size_class, level, used, total
            )
            slots.alert(reached)  # the staff pages list it
            uow.record(reached)  # and the custody chain keeps it
            details = {"area": slot.area, "size": slot.size_class, "level": level,
                       "used": used, "total": total}  # fmt: skip
            self.alerts.alert(uow, "storage_capacity", CAPACITY_ALERT, details, at)

    def choose_slot(
        self, uow: UnitOfWork, sample: Sample, near: Location, now: datetime
    ) -> tuple[Location, dict[str, object]]:
        slots = _slots(uow)
        if slots is None:
            return ANY_SLOT, {}
        for held in slots.holding(sample.number):
            if held.reserved_for == sample.number:
                slots.save(replace(held, reserved_for=None, reserved_at=None))
        stored = slots.all()
        size, size_why = size_class_of(sample.instrument)
        dwell_s, dwell_why = expected_dwell_s(self._basis(uow, sample), now, self.rules)
        places = slots.places()
        nodes = slots.nodes()
        start = self.node(uow, near) or next(iter(sorted(nodes)), "")
        exits = _exits(places, sample.service_completed)

        def distance(a: str, b: str) -> float:
            if a not in nodes or b not in nodes:
                return 0.0
            return math.hypot(nodes[a].x - nodes[b].x, nodes[a].y - nodes[b].y)

        warehouse = wh.Warehouse({s.address: _model(s) for s in stored}, exits)
        # waiting for collection: as near the lockers as a slot is free, whatever the stay
        # (the to-locker trip is what a booked customer waits for)
        near_s = 0.0 if sample.service_completed else dwell_s
        request = wh.PutAwayRequest(sample.number, size, near_s, start)
        slot = None
        while slot is None:
            try:
                chosen = self.slotting.choose(warehouse, request, distance)
            except wh.NoSlotAvailableError:
                return ANY_SLOT, {"size_class": size, "dwell_s": round(dwell_s), "no_slot": True}
            slot = slots.get(chosen.address)  # locked: another put-away may have just taken it
            if slot is None or not slot.is_open:
                chosen.reserved_for, slot = "taken", None  # the next best, in this transaction
        slots.save(replace(slot, reserved_for=sample.number, reserved_at=now))
        self._tell_level(uow, slots, slot, now)
        return Location(LocationKind.STORAGE_SLOT, slot.address), {
            "size_class": size,
            "size_rule": size_why,
            "dwell_s": round(dwell_s),
            "dwell_basis": dwell_why,
            "slot_size": slot.size_class,
            "access_node": slot.access_node,
            "distance_m": round(distance(start, slot.access_node), 1),
        }

    def _basis(self, uow: UnitOfWork, sample: Sample) -> DwellBasis:
        order = uow.orders.get(sample.order_number)
        ahead = 0
        for state in WAITING_FOR_LAB:
            page = uow.samples.search(SampleFilter(state=state, limit=QUEUE_SCAN))
            ahead += sum(
                1 for s in page.items if not s.service_completed and s.number < sample.number
            )
        due = None
        if order is not None:
            due = order.created_at + timedelta(days=self.turnaround_days)
        return DwellBasis(
            service=order.service.value if order is not None else "verification",
            service_completed=sample.service_completed,
            queue_ahead=ahead,
            due=due,
            pickup_at=self.pickups.pickup_at(uow, sample.order_number),
        )

    def node(self, uow: UnitOfWork, location: Location) -> str | None:
        slots = _slots(uow)
        if slots is None:
            return None
        if location.kind is LocationKind.STORAGE_SLOT:
            slot = slots.find(location.code) if location != ANY_SLOT else None
            return slot.access_node if slot is not None else None
        return slots.places().get(str(location))


def _model(slot: SlotRecord) -> wh.Slot:
    return wh.Slot(
        slot.address, slot.area, slot.size_class, slot.access_node, slot.rfid_tag, slot.blocked,
        slot.occupant, slot.reserved_for,
    )  # fmt: skip


def _known_slots(slots: SlotRepository) -> str:
    areas = ", ".join(sorted(slots.areas()))
    return f"a slot of the site (areas {areas}; addresses like A-01-1-01)"
