"""Locker identity: the compartments of cabinets with an RFID reader say *which* tags are inside.

A cabinet's Modbus interface has one presence bit per door; where the cabinet also has a reader
(an antenna per door, on the ``TagReaders`` port), ``IdentifiedLockers`` adds the tags that
reader reads to the compartment's status. A cabinet without a reader keeps ``tags=None``: the
staging records its confirmation as "presence only". A reader that does not answer makes the
status unreadable (``LockerFault``), as a silent controller does: nothing is confirmed on it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from samplehub.core.domain.rfid import ReaderUnavailable
from samplehub.core.service.ports import TagReaders
from samplehub.pickup.domain.capacity import Compartment
from samplehub.pickup.service.ports import (
    CompartmentStatus,
    DoorOutcome,
    LockerController,
    LockerFault,
)

log = logging.getLogger(__name__)
READ_SECONDS = 0.2


class IdentifiedLockers:
    """Implements ``LockerController``: ``lockers`` with the tags of ``readers`` (cabinet id →
    reader name; the antenna of compartment ``L1-03`` is door 3)."""

    def __init__(
        self, lockers: LockerController, tags: TagReaders, readers: Mapping[str, str]
    ) -> None:
        self.lockers, self.tags, self.readers = lockers, tags, dict(readers)

    def compartments(self) -> list[Compartment]:
        return self.lockers.compartments()

    def open(self, compartment: str) -> DoorOutcome:
        return self.lockers.open(compartment)

    def status(self, compartment: str) -> CompartmentStatus:
        status = self.lockers.status(compartment)
        cabinet, _, door = compartment.rpartition("-")
        reader = self.readers.get(cabinet)
        if reader is None or not door.isdigit():
            return status  # presence only
        try:
            reads = self.tags.inventory(reader, [int(door)], READ_SECONDS)
        except ReaderUnavailable as error:
            log.warning("compartment %s: reader %s: %s", compartment, reader, error)
            raise LockerFault(compartment, f"RFID reader {reader} not answering") from None
        tags = tuple(sorted({r.epc for r in reads}))
        return replace(status, tags=tags, occupied=status.occupied or bool(tags))

    def __getattr__(self, name: str) -> object:  # close() and the like of the controller
        return getattr(self.lockers, name)
