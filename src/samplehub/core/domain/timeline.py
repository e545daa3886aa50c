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


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the history; ``title`` is a catalogue message id the edge translates, and
    ``certificate`` the number a certificate step names after it."""

    seq: int
    at: str
    actor: str
    state: str
    title: str
    location: str | None
    reason: str | None
    certificate: str | None = None


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
