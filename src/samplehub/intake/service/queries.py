"""Read side of the intake: the staff queue of samples waiting for transport, device trouble.

Until the fleet consumes TransportRequested itself, staff see the requests here: every sample
still received at an intake platform whose custody chain holds a transport request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import SampleFilter, UnitOfWork
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


def transport_queue(uow_factory: UowFactory, actor: Actor) -> list[TransportRequest]:
    """Open transport requests, oldest first (staff only)."""
    if not actor.is_staff:
        raise Forbidden(actor.username, "see the transport queue")
    queue: list[TransportRequest] = []
    with uow_factory() as uow:
        waiting = uow.samples.search(SampleFilter(state=SampleState.RECEIVED, limit=QUEUE_LIMIT))
        for sample in waiting.items:
            records = uow.audit.records(sample_number=sample.number)
            events = [(r.event_type, json.loads(r.payload)) for r in records]
            requests = [(r, p) for r, (kind, p) in zip(records, events, strict=True)
                        if kind == "TransportRequested"]  # fmt: skip
            if not requests:
                continue
            record, payload = requests[-1]
            status = device_status(events)
            queue.append(
                TransportRequest(
                    sample.number,
                    sample.order_number,
                    sample.customer_id,
                    " ".join(
                        v for v in (sample.instrument.instrument_type, sample.instrument.model) if v
                    ),
                    sample.epc,
                    str(payload["origin"]),
                    str(payload["destination"]),
                    record.at,
                    status["label"],
                    status["rfid"],
                )
            )
    return sorted(queue, key=lambda r: r.requested_at)


def device_faults(uow_factory: UowFactory, actor: Actor) -> list[TransportRequest]:
    """Waiting samples whose label or tag last failed: what staff must print or write again."""
    return [r for r in transport_queue(uow_factory, actor) if "failed" in (r.label, r.rfid)]
