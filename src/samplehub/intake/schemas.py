"""Request and response models of the kiosk API (``/api/kiosk``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, Field

from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.session import KioskSession, Proposal, ReceiptLine
from samplehub.web.api.schemas import Strict


class SessionIn(Strict):
    """Either ``order`` (typed or the QR code's text) with its company's ``credit_code``, or a
    walk-in's ``credit_code`` + ``phone``."""

    order: str | None = Field(None, max_length=200, description="Order number or QR code text")
    credit_code: str | None = Field(
        None,
        max_length=40,
        description="统一社会信用代码; required with an order: its company's",
    )
    phone: str | None = Field(None, max_length=40, description="Walk-in contact phone")
    contact_name: str = Field("", max_length=40)
    company_name: str | None = Field(
        None, max_length=120, description="Walk-in company name, needed when not registered yet"
    )
    service: str = Field("verification", description="verification (检定) or calibration (校准)")


class FieldsIn(Strict):
    """The instrument's fields as the customer confirmed or corrected them."""

    fields: dict[str, str | float | None] = Field(
        description="instrument_type (required), manufacturer, model, serial_number, range_min, "
        "range_max, unit, accuracy_class"
    )
    size_class: str | None = Field(
        None,
        pattern=r"^(S|M|L|XL)$",
        description="Storage size class (S, M, L, XL) when the instrument's own rule is wrong",
    )


class RefuseIn(FieldsIn):
    reason: str = Field(max_length=200, description="Why the instrument is refused")


class ExpectedItemOut(BaseModel):
    index: int
    instrument_type: str
    model: str | None
    serial_number: str | None
    quantity: int


class ProposalOut(BaseModel):
    photo: str
    fields: dict[str, str | None]
    confidence: dict[str, float]
    codes: list[dict[str, str]]
    lines: list[str]
    matched_item: int | None = Field(description="Index of the order item it fits, or null")
    match_score: float
    match_reasons: list[str]
    elapsed_ms: float

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        fields = asdict(p)  # the same names but for two the API spells its own way
        return cls(photo=fields.pop("photo_name"), matched_item=fields.pop("item_index"), **fields)


class ReceiptLineOut(BaseModel):
    sample_number: str
    outcome: str = Field(description="received or refused")
    instrument: dict[str, Any]
    reason: str | None
    epc_hex: str | None
    epc_uri: str | None
    label: str = Field(description="done, failed (reprint from the staff queue) or pending")
    label_message: str
    rfid: str
    rfid_message: str
    transport_requested: bool
    tracking_url: str

    @classmethod
    def of(cls, line: ReceiptLine, desk: KioskDesk) -> ReceiptLineOut:
        return cls(**asdict(line), tracking_url=desk.tracking_url(line.sample_number))


class SessionOut(BaseModel):
    id: str
    order_number: str | None = Field(description="null for a walk-in until its first receipt")
    customer_name: str
    credit_code: str
    walk_in: bool
    service: str
    expected_items: list[ExpectedItemOut]
    proposal: ProposalOut | None
    lines: list[ReceiptLineOut]
    finished: bool
    tracking_url: str | None
    idle_timeout_s: float

    @classmethod
    def of(cls, s: KioskSession, desk: KioskDesk) -> SessionOut:
        return cls(
            id=s.id,
            order_number=s.order_number,
            customer_name=s.customer_name,
            credit_code=s.credit_code,
            walk_in=s.walk_in is not None,
            service=s.service,
            expected_items=[
                ExpectedItemOut(
                    index=i,
                    instrument_type=item.instrument_type,
                    model=item.model,
                    serial_number=item.serial_number,
                    quantity=item.quantity,
                )
                for i, item in enumerate(s.expected)
            ],
            proposal=ProposalOut.of(s.proposal) if s.proposal else None,
            lines=[ReceiptLineOut.of(line, desk) for line in s.lines],
            finished=s.finished,
            tracking_url=desk.order_url(s.order_number) if s.order_number else None,
            idle_timeout_s=desk.options.idle_timeout_s,
        )


class DeviceRedoOut(BaseModel):
    sample_number: str
    device: str
    ok: bool
    detail: str
