"""The parcel-style history a customer sees, derived from the custody chain."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.lab_events import STEPS
from samplehub.core.domain.lifecycle import LABELS, SampleState
from samplehub.core.domain.messages import message_id

_TRANSITION_TEXT: dict[str, str] = {  # transition -> the catalogue message id of its title
    "receive": message_id("core.timeline_receive"),
    "reject": message_id("core.timeline_reject"),
    "start_transport": message_id("core.timeline_start_transport"),
    "store": message_id("core.timeline_store"),
    "deliver_to_lab": message_id("core.timeline_deliver_to_lab"),
    "complete_service": message_id("core.timeline_complete_service"),
    "stage": message_id("core.timeline_stage"),
    "collect": message_id("core.timeline_collect"),
    "expire_pickup": message_id("core.timeline_expire_pickup"),
    "hold": message_id("core.timeline_hold"),
    "release": message_id("core.timeline_release"),
}


_TASK_TEXT: dict[str, str] = {  # transport task state -> the message id of its title
    "created": message_id("core.timeline_task_created"),
    "assigned": message_id("core.timeline_task_assigned"),
    "picking": message_id("core.timeline_task_picking"),
    "carrying": message_id("core.timeline_task_carrying"),
    "delivered": message_id("core.timeline_task_delivered"),
    "done": message_id("core.timeline_task_done"),
    "failed": message_id("core.timeline_task_failed"),
    "cancelled": message_id("core.timeline_task_cancelled"),
}
TASK_KINDS: dict[str, str] = {  # transport task kind -> the message id of its name
    "put_away": message_id("core.task_kind_put_away"),
    "to_bench": message_id("core.task_kind_to_bench"),
    "return": message_id("core.task_kind_return"),
    "to_locker": message_id("core.task_kind_to_locker"),
    "back_to_storage": message_id("core.task_kind_back_to_storage"),
    "relocate": message_id("core.task_kind_relocate"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the history; ``title`` is a catalogue message id the edge translates, and
    ``certificate`` the number a certificate step names after it. A transport task's step
    names its ``task``, ``kind`` (a message id) and ``carrier`` (robot serial or
    ``staff:<username>``); ``location`` is where it goes (a slot, bench or compartment)."""

    seq: int
    at: str
    actor: str
    state: str
    title: str
    location: str | None
    reason: str | None
    certificate: str | None = None
    task: str | None = None
    kind: str | None = None
    carrier: str | None = None


def sample_timeline(records: Iterable[AuditRecord]) -> list[TimelineEntry]:
    """Entries for one sample's records, oldest first (records are in chain order)."""
    entries: list[TimelineEntry] = []
    for record in records:
        payload = json.loads(record.payload)
        certificate = None
        if record.event_type == "SampleRegistered":
            title = LABELS[SampleState.REGISTERED]
            state, location, reason = SampleState.REGISTERED.value, None, None
        elif record.event_type == "SampleTransitioned":
            title = _TRANSITION_TEXT.get(
                payload["transition"], LABELS[SampleState(payload["to_state"])]
            )
            state, location, reason = payload["to_state"], payload["location"], payload["reason"]
        elif record.event_type == "TransportTaskChanged":
            entries.append(_task_step(record, payload, entries))
            continue
        elif record.event_type == "CertificateStep":
            title = STEPS.get(payload["step"], payload["step"])
            certificate = payload["certificate"]
            state = entries[-1].state if entries else SampleState.IN_LAB.value
            location, reason = None, payload["detail"]
        else:
            continue
        entries.append(
            TimelineEntry(
                record.seq, record.at, record.actor, state, title, location, reason, certificate
            )
        )
    return entries


def _task_step(
    record: AuditRecord, payload: dict[str, str], entries: list[TimelineEntry]
) -> TimelineEntry:
    """A transport task's step: the sample keeps the state it had (its moves are their own
    records); the entry says which task, who carries it and where it goes."""
    state = entries[-1].state if entries else SampleState.RECEIVED.value
    return TimelineEntry(
        record.seq, record.at, record.actor, state,
        _TASK_TEXT.get(payload["state"], payload["state"]), payload["target"],
        payload.get("reason"), None, payload["task_id"],
        TASK_KINDS.get(payload["kind"], payload["kind"]), payload.get("carrier"),
    )  # fmt: skip
