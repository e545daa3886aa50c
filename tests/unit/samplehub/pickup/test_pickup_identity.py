"""Locker identity: a compartment with a reader confirms *which* tag is inside on loading and
on collection (a wrong item is refused, staff told once); a cabinet without one confirms by
presence only; a compartment still holding an instrument after an expiry is never given out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from samplehub.core.adapters.memory import MemoryStore
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.rfid import ReaderUnavailable, TagRead
from samplehub.core.domain.transport import Confirmation, TaskState
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.domain.booking import BookingStatus
from samplehub.pickup.domain.capacity import Compartment
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.identity import IdentifiedLockers
from samplehub.pickup.service.ports import LockerFault
from tests.unit.samplehub.pickup.test_pickup_service import (  # the fixtures and helpers
    S,
    _at_window,
    _book,
    _carrier,
    _clock,
    _get,
    _lockers,
    _notes,
    _stage_all,
    _tasks,
    deps,
    store,
)

__all__ = ["deps", "store"]  # fixtures used by name
C1_01 = Location(LocationKind.LOCKER_COMPARTMENT, "C1-01")


def _tag(sample: str) -> str:
    return giai_for_sample(sample, "0614141").to_hex()


def test_a_wrong_item_in_a_compartment_with_a_reader_is_refused(deps: pickup.PickupDeps) -> None:
    booking_id = _book(deps, {"S-1": S})
    pickup.request_staging(deps, booking_id)
    task_id = _carrier(deps).carry_sample("S-1", TaskState.DELIVERED)
    lockers = _lockers(deps)
    lockers.reads_tags = True
    lockers.occupied.add("C1-01")  # an item is inside, and the presence bit is set
    lockers.contents["C1-01"] = _tag("S-9")  # but its tag is S-9's
    dropped = MemoryLoader(lockers, fails={"S-1"})
    assert pickup.follow_staging(deps, dropped, booking_id) == {}
    assert pickup.follow_staging(deps, dropped, booking_id) == {}
    assert _get(deps, booking_id).status is BookingStatus.BOOKED
    wrong = [d for key, d in _notes(deps).staff if key == "locker_wrong_item"]
    assert wrong == [{"compartment": "C1-01", "sample": "S-1", "tags": _tag("S-9")}]  # once
    [task] = [t for t in _tasks(deps, "S-1") if t.id == task_id]
    assert task.state is TaskState.DELIVERED  # not done: nothing confirmed it
    lockers.contents["C1-01"] = _tag("S-1")
    assert pickup.follow_staging(deps, dropped, booking_id) == {"S-1": C1_01}
    [task] = [t for t in _tasks(deps, "S-1") if t.id == task_id]
    assert task.confirmation is Confirmation.RFID


def test_the_same_wrong_item_passes_a_cabinet_with_only_a_presence_bit(
    deps: pickup.PickupDeps,
) -> None:
    booking_id = _book(deps, {"S-1": S})
    pickup.request_staging(deps, booking_id)
    task_id = _carrier(deps).carry_sample("S-1", TaskState.DELIVERED)
    lockers = _lockers(deps)
    lockers.occupied.add("C1-01")
    lockers.contents["C1-01"] = _tag("S-9")
    assert pickup.follow_staging(deps, MemoryLoader(lockers, fails={"S-1"}), booking_id) == {
        "S-1": C1_01
    }
    [task] = [t for t in _tasks(deps, "S-1") if t.id == task_id]
    assert task.confirmation is Confirmation.PRESENCE_ONLY  # recorded as presence only


def test_collection_reads_which_item_is_left(deps: pickup.PickupDeps) -> None:
    _lockers(deps).reads_tags = True
    booking_id = _book(deps)
    _stage_all(deps, booking_id)
    _at_window(deps, booking_id)
    answer = pickup_kiosk.enter_code(deps, "K1", _notes(deps).codes[booking_id])
    lockers = _lockers(deps)
    lockers.contents["C1-01"] = "X-7"  # S-1 taken, something else put back in its place
    for code in answer.opened:
        lockers.close(code)
    receipt = pickup_kiosk.doors_closed(deps, booking_id)
    assert (receipt.collected, receipt.left_behind) == (["S-1"], ["S-2"])
    left = [d for key, d in _notes(deps).staff if key == "sample_left_in_locker"]
    assert {"sample": "X-7", "where": "locker_compartment:C1-01"} in left


def test_expiry_never_frees_a_compartment_still_holding_an_instrument(
    deps: pickup.PickupDeps, store: MemoryStore
) -> None:
    first = _book(deps, {"S-1": S})
    _stage_all(deps, first)
    _clock(deps).at = _get(deps, first).window.end + timedelta(days=3, seconds=1)
    assert pickup_kiosk.expire_overdue(deps) == [first]
    second = _book(deps, {"S-8": S})
    assert pickup.request_staging(deps, second)["S-8"] != C1_01  # its back-to-storage waits
    _carrier(deps).carry_sample("S-1", TaskState.CARRYING)  # the record says it left …
    _lockers(deps).occupied.add("C1-01")  # … but the presence bit still sees an item inside
    third = _book(deps, {"S-9": S})
    assert pickup.reserve(deps, third).lockers.get("S-9") != "C1-01"
    _lockers(deps).occupied.discard("C1-01")
    assert pickup.reserve(deps, third).lockers.get("S-9") == "C1-01"


class _Readers:
    """Implements ``TagReaders``: what each (reader, antenna) reads; ``down`` readers fail."""

    def __init__(self, tags: dict[tuple[str, int], str], down: set[str] | None = None) -> None:
        self.tags, self.down = tags, down or set()

    def inventory(
        self, reader: str, antennas: Sequence[int] | None = None, seconds: float = 1.0
    ) -> list[TagRead]:
        if reader in self.down:
            raise ReaderUnavailable(f"{reader} not answering")
        return [
            TagRead(epc, r, a, -40) for (r, a), epc in self.tags.items()
            if r == reader and (antennas is None or a in antennas)
        ]  # fmt: skip


def test_a_cabinet_with_a_reader_reports_tags_and_one_without_only_presence() -> None:
    inner = MemoryLockers([Compartment("C1-03", S), Compartment("C2-01", S)])
    inner.occupied |= {"C1-03", "C2-01"}
    lockers = IdentifiedLockers(inner, _Readers({("RD-C1", 3): "e2aa"}), {"C1": "RD-C1"})
    assert lockers.status("C1-03").tags == ("e2aa",)
    assert lockers.status("C2-01").tags is None  # presence only
    down = IdentifiedLockers(inner, _Readers({}, {"RD-C1"}), {"C1": "RD-C1"})
    with pytest.raises(LockerFault, match="RD-C1"):
        down.status("C1-03")
