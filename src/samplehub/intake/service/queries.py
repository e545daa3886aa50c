"""Read side of the intake: the staff queue of samples waiting for transport, device trouble.

The queue is the open put-away tasks (made with each receive, in its transaction): where the
sample waits, where it goes (a slot, or ``storage_slot:*`` until its carrier is given one), the
task's state and carrier, and whether its label and tag were done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.transport import TaskKind
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import UnitOfWork
from samplehub.intake.domain.intake import device_status

UowFactory = Callable[[], UnitOfWork]
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class TransportRequest:
    """A received sample waiting at ``origin`` to go to ``destination``, and its devices."""

    sample_number: str
    order_number: str
    customer_id: str
    instrument: str
    epc_hex: str | None
    origin: str
    destination: str
    requested_at: str
    label: str  # done | failed | pending
    rfid: str
    task_id: str
    state: str  # the put-away task's: created, assigned, picking, carrying, delivered
    carrier: str | None


def transport_queue(uow_factory: UowFactory, actor: Actor) -> list[TransportRequest]:
    """Open put-away tasks, oldest first (staff only)."""
    if not actor.is_staff:
        raise Forbidden(actor.username, "see the transport queue")
    queue: list[TransportRequest] = []
    with uow_factory() as uow:
        for task in uow.tasks.open(QUEUE_LIMIT):
            sample = uow.samples.get(task.sample_number)
            if task.kind is not TaskKind.PUT_AWAY or sample is None:
                continue
            records = uow.audit.records(sample_number=sample.number)
            status = device_status([(r.event_type, json.loads(r.payload)) for r in records])
            instrument = (sample.instrument.instrument_type, sample.instrument.model)
            queue.append(
                TransportRequest(
                    sample.number, sample.order_number, sample.customer_id,
                    " ".join(v for v in instrument if v), sample.epc, str(task.source),
                    str(task.target), task.created_at.isoformat(), status["label"],
                    status["rfid"], task.id, task.state.value, task.carrier,
                )
            )  # fmt: skip
    return sorted(queue, key=lambda r: (r.requested_at, r.task_id))


def device_faults(uow_factory: UowFactory, actor: Actor) -> list[TransportRequest]:
    """Waiting samples whose label or tag last failed: what staff must print or write again."""
    return [r for r in transport_queue(uow_factory, actor) if "failed" in (r.label, r.rfid)]
