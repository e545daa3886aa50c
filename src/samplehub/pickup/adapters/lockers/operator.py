"""Loading by a person (or the carrier itself): nothing to drive, one look at the compartment.

The ``SampleLoader`` for real cabinets without a robot arm. It never waits: the pickup job
looks again at its next run, and a sample not confirmed by the window's start shows as a late
task on /tasks.
"""

from __future__ import annotations

import logging

from samplehub.pickup.service.ports import LockerController, LockerFault

log = logging.getLogger(__name__)


class OperatorLoader:
    def __init__(self, lockers: LockerController) -> None:
        self.lockers = lockers

    def load(self, sample_number: str, compartment: str) -> bool:
        """Whether the door is shut on an item now."""
        try:
            status = self.lockers.status(compartment)
        except LockerFault as fault:
            log.warning("loading %s into %s: %s", sample_number, compartment, fault)
            return False
        return not status.door_open and status.occupied
