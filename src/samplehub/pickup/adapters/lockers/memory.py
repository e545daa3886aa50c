"""An in-memory locker controller for unit tests and quick demos: doors open at once."""

from __future__ import annotations

from samplehub.pickup.domain.capacity import Compartment
from samplehub.pickup.service.ports import CompartmentStatus, DoorOutcome, LockerFault


class MemoryLockers:
    """Implements ``LockerController``; tests jam doors, cut the line and move samples by hand."""

    def __init__(self, compartments: list[Compartment], reads_tags: bool = False) -> None:
        self._compartments = list(compartments)
        self.reads_tags = reads_tags  # an RFID reader per compartment, else a presence bit
        self.contents: dict[str, str] = {}  # compartment -> the tag inside (a sample number)
        self.open_doors: set[str] = set()
        self.occupied: set[str] = set()
        self.jammed: set[str] = set()
        self.unreachable = False
        self.opened: list[str] = []  # every successful open, in order

    def compartments(self) -> list[Compartment]:
        return list(self._compartments)

    def _known(self, compartment: str) -> None:
        if all(c.code != compartment for c in self._compartments):
            raise LockerFault(compartment, "no such compartment")

    def open(self, compartment: str) -> DoorOutcome:
        self._known(compartment)
        if self.unreachable:
            return DoorOutcome.UNREACHABLE
        if compartment in self.jammed:
            return DoorOutcome.JAMMED
        self.open_doors.add(compartment)
        self.opened.append(compartment)
        return DoorOutcome.OPENED

    def status(self, compartment: str) -> CompartmentStatus:
        self._known(compartment)
        if self.unreachable:
            raise LockerFault(compartment, "controller unreachable")
        occupied = compartment in self.occupied
        tags = None
        if self.reads_tags:
            tags = (
                (self.contents[compartment],) if occupied and compartment in self.contents else ()
            )
        return CompartmentStatus(compartment, compartment in self.open_doors, occupied, tags)

    def close(self, compartment: str) -> None:
        self.open_doors.discard(compartment)


class MemoryLoader:
    """Implements ``SampleLoader`` over ``MemoryLockers``: the item goes in, the door shuts."""

    def __init__(self, lockers: MemoryLockers, fails: set[str] | None = None) -> None:
        self.lockers = lockers
        self.fails = fails if fails is not None else set()  # samples it drops
        self.loaded: list[tuple[str, str]] = []

    def load(self, sample_number: str, compartment: str) -> bool:
        if sample_number in self.fails or compartment not in self.lockers.open_doors:
            return False
        self.lockers.occupied.add(compartment)
        self.lockers.contents[compartment] = sample_number
        self.lockers.close(compartment)
        self.loaded.append((sample_number, compartment))
        return True
