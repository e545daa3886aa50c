"""The parcel-style history a customer sees, derived from the custody chain."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.lab_events import STEPS
from samplehub.core.domain.lifecycle import LABELS, SampleState

_TRANSITION_TEXT: dict[str, tuple[str, str]] = {
    "receive": ("自助送样平台收样", "Received at the intake platform"),
    "reject": ("收样时拒收", "Rejected at intake"),
    "start_transport": ("开始运送", "Transport started"),
    "store": ("存入货位", "Placed in storage"),
    "deliver_to_lab": ("送达实验室", "Delivered to the lab"),
    "complete_service": ("检定/校准完成", "Verification/calibration completed"),
    "stage": ("已放入取件柜", "Placed for pickup"),
    "collect": ("客户已取件", "Collected by the customer"),
    "expire_pickup": ("取件超时，退回库存", "Pickup expired, returning to storage"),
    "hold": ("异常挂起", "Put on hold"),
    "release": ("异常解除", "Released from hold"),
}


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: str
    actor: str
    state: str
    title_zh: str
    title_en: str
    location: str | None
    reason: str | None

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


def sample_timeline(records: Iterable[AuditRecord]) -> list[TimelineEntry]:
    """Entries for one sample's records, oldest first (records are in chain order)."""
    entries: list[TimelineEntry] = []
    for record in records:
        payload = json.loads(record.payload)
        if record.event_type == "SampleRegistered":
            zh, en = "已登记", "Registered"
            state, location, reason = SampleState.REGISTERED.value, None, None
        elif record.event_type == "SampleTransitioned":
            zh, en = _TRANSITION_TEXT.get(
                payload["transition"], LABELS[SampleState(payload["to_state"])]
            )
            state, location, reason = payload["to_state"], payload["location"], payload["reason"]
        elif record.event_type == "CertificateStep":
            zh, en = STEPS.get(payload["step"], (payload["step"], payload["step"]))
            zh, en = f"{zh} {payload['certificate']}", f"{en} {payload['certificate']}"
            state = entries[-1].state if entries else SampleState.IN_LAB.value
            location, reason = None, payload["detail"]
        else:
            continue
        entries.append(
            TimelineEntry(record.seq, record.at, record.actor, state, zh, en, location, reason)
        )
    return entries
