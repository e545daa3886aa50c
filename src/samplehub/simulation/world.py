"""Where the samples physically are in the simulation, seen through simulated RFID readers.

Robots tell the world what they pick and drop (with the slot address as the station name); the
slot readers report what lies in their slot.  ``misplace`` makes the next drop of a sample land in
another slot, to exercise the RFID-mismatch alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class SimWorld:
    slot_contents: dict[str, set[str]] = field(default_factory=dict)
    misplace: dict[str, str] = field(default_factory=dict)

    def place(self, address: str, epc: str) -> None:
        self.slot_contents.setdefault(address, set()).add(epc)

    def picked(self, load_id: str, station: str | None) -> None:
        for contents in self.slot_contents.values():
            contents.discard(load_id)

    def dropped(self, load_id: str, station: str | None) -> None:
        if station:
            self.place(self.misplace.pop(load_id, station), load_id)

    def read(self, location_tag: str) -> list[str]:
        address = location_tag.removeprefix("LOC-")
        return sorted(self.slot_contents.get(address, set()))
