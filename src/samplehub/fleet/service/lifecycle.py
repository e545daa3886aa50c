"""The fleet's moves recorded in the sample lifecycle, over the message bus.

Each robot event becomes one ``ApplyTransition`` command, so every move the fleet makes lands in
the custody chain in its own transaction with the usual checks: a pick-up is ``start_transport``
to ``robot:<serial>``, an RFID-confirmed arrival in a slot is ``store`` at
``storage_slot:<address>``, arrival at a lab drop point is ``deliver_to_lab`` and arrival at the
locker loading port is ``stage``.  A refusal from the domain (an illegal transition, a failed
guard) is logged and returned as text, never raised: a robot must not stop because a record
could not be written; ``StorageOperations`` holds the sample and raises an alert instead.

Loads the fleet carries that SampleHub does not know (the simulation's pre-filled shelves) are
passed over: only EPCs registered here have a lifecycle to move.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.lifecycle import HoldReason
from samplehub.core.domain.model import Role
from samplehub.core.service import commands as c

log = logging.getLogger(__name__)

FLEET_ACTOR = c.Actor("fleet", Role.WAREHOUSE)


class BusFleetLifecycle:
    """Implements ``ports_fleet.FleetLifecycle``; ``handle`` is ``MessageBus.handle``."""

    def __init__(
        self,
        handle: Callable[[c.Command], Any],
        actor: c.Actor = FLEET_ACTOR,
        lab_benches: Mapping[str, str] | None = None,
        locker_places: Mapping[str, str] | None = None,
    ) -> None:
        self.handle = handle
        self.actor = actor
        self.samples: dict[str, str] = {}
        """EPC → sample number, for the loads that are SampleHub samples."""
        self.lab_benches = dict(lab_benches or {})
        """Lab drop node → bench id; a node not listed is its own bench id."""
        self.locker_places = dict(locker_places or {})
        """Locker port node → ``kind:code`` location; default ``locker_compartment:<node>``."""

    def register(self, epc: str, sample_number: str) -> None:
        """Say which sample an EPC is, before the fleet moves it."""
        self.samples[epc] = sample_number

    def _apply(
        self,
        load_id: str,
        transition: str,
        location: str | None,
        reason: str,
        hold_reason: str | None = None,
    ) -> str | None:
        number = self.samples.get(load_id)
        if number is None:
            log.debug("load %s is not a registered sample; no lifecycle to move", load_id)
            return None
        command = c.ApplyTransition(
            self.actor, number, transition, location, reason=reason, hold_reason=hold_reason
        )
        try:
            self.handle(command)
        except DomainError as exc:
            log.warning(
                "fleet could not record %s for %s (%s): %s", transition, number, load_id, exc
            )
            return f"{transition} {number}: {exc}"
        return None

    def picked(self, load_id: str, serial: str, task_id: str) -> str | None:
        return self._apply(
            load_id, "start_transport", f"robot:{serial}", f"picked by {serial} ({task_id})"
        )

    def stored(self, load_id: str, slot_address: str, serial: str, task_id: str) -> str | None:
        return self._apply(
            load_id,
            "store",
            f"storage_slot:{slot_address}",
            f"stored by {serial}, RFID confirmed ({task_id})",
        )

    def delivered_to_lab(self, load_id: str, node: str, serial: str, task_id: str) -> str | None:
        bench = self.lab_benches.get(node, node)
        return self._apply(
            load_id, "deliver_to_lab", f"lab_bench:{bench}", f"delivered by {serial} ({task_id})"
        )

    def staged(self, load_id: str, node: str, serial: str, task_id: str) -> str | None:
        place = self.locker_places.get(node, f"locker_compartment:{node}")
        return self._apply(load_id, "stage", place, f"staged by {serial} ({task_id})")

    def held(self, load_id: str, reason: str, task_id: str) -> str | None:
        return self._apply(
            load_id, "hold", None, f"{reason} ({task_id})", hold_reason=HoldReason.MISMATCH.value
        )
