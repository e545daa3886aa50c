"""Loading by an operator: the compartment is open; wait until its door is shut with a tag inside.

The ``SampleLoader`` for real cabinets without a robot arm. It returns False (the sample then
goes to the counter) when the door is not shut on a tagged item within ``timeout_s``, or the
controller cannot be read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from samplehub.pickup.service.ports import LockerController, LockerFault

log = logging.getLogger(__name__)


class OperatorLoader:
    def __init__(
        self,
        lockers: LockerController,
        timeout_s: float = 120.0,
        poll_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lockers = lockers
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._sleep = sleep
        self._monotonic = monotonic

    def load(self, sample_number: str, compartment: str) -> bool:
        deadline = self._monotonic() + self.timeout_s
        while self._monotonic() < deadline:
            try:
                status = self.lockers.status(compartment)
            except LockerFault as fault:
                log.warning("loading %s into %s: %s", sample_number, compartment, fault)
                return False
            if not status.door_open and status.occupied:
                return True
            self._sleep(self.poll_s)
        log.warning("loading %s into %s timed out", sample_number, compartment)
        return False
