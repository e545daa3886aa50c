"""What one kiosk session holds and shows: its options, the proposal read from a photo, the
receipt lines, and the cleaning of confirmed fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.instrument import Instrument
from samplehub.core.domain.messages import Message
from samplehub.core.domain.model import OrderItem
from samplehub.intake.domain.nameplate import FIELD_NAMES
from samplehub.intake.service import commands as ci

INSTRUMENT_FIELDS = FIELD_NAMES  # what the customer confirms, in the vision contract's order


@dataclass(frozen=True)
class KioskOptions:
    """How this kiosk receives: EPC numbering, where it stands, how long it waits."""

    epc_company_prefix: str
    epc_filter: int = 0
    location: str = "intake_platform:K1"
    idle_timeout_s: float = 180.0
    public_url: str = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Proposal:
    """What vision proposes for the instrument on the platform, and which order item it fits."""

    photo_name: str
    fields: dict[str, str | None]
    confidence: dict[str, float]
    codes: list[dict[str, str]]
    lines: list[str]
    item_index: int | None
    match_score: float
    match_reasons: tuple[str, ...]
    elapsed_ms: float


@dataclass
class ReceiptLine:
    """One instrument of the hand-in: received (with EPC and device outcomes) or refused."""

    sample_number: str
    instrument: dict[str, Any]
    outcome: str  # received | refused
    reason: str | None = None
    epc_hex: str | None = None
    epc_uri: str | None = None
    label: str = "pending"  # done | failed | pending
    label_message: str = ""
    rfid: str = "pending"
    rfid_message: str = ""
    transport_requested: bool = False


@dataclass
class KioskSession:
    id: str
    kiosk: str
    started_at: datetime
    last_seen: datetime
    service: str
    customer_id: str | None
    customer_name: str
    credit_code: str
    order_number: str | None
    walk_in: ci.WalkIn | None
    expected: list[OrderItem]
    proposal: Proposal | None = None
    lines: list[ReceiptLine] = field(default_factory=list)
    finished: bool = False

    @property
    def received(self) -> list[ReceiptLine]:
        return [line for line in self.lines if line.outcome == "received"]


def plain(value: str | float | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def clean_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """The confirmed fields as an Instrument dict: known names only, blanks as None."""
    unknown = sorted(set(raw) - set(INSTRUMENT_FIELDS))
    if unknown:
        allowed = ", ".join(INSTRUMENT_FIELDS)
        one_of = Message("core.allowed_one_of", {"values": allowed})
        raise InvalidValue("fields", unknown, allowed, one_of)
    values: dict[str, Any] = {}
    for name in INSTRUMENT_FIELDS:
        value = raw.get(name)
        text = None if value is None else str(value).strip()
        values[name] = text or None
    if values["instrument_type"] is None:
        raise InvalidValue(
            "instrument_type",
            None,
            "the instrument's type, e.g. 压力表",
            Message("intake.allowed_instrument_type"),
        )
    Instrument.from_dict(values)  # every field's own check, before anything is written
    return values
