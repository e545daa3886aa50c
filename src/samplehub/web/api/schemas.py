"""Response and shared request models of the API, and their conversion from domain objects.

Request models forbid unknown fields, so a misspelt field is a 422 naming it rather than a
silently ignored value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from samplehub.core.domain.instrument import Instrument
from samplehub.core.domain.lifecycle import LABELS
from samplehub.core.domain.model import Customer, Order, Sample, User
from samplehub.core.domain.timeline import TimelineEntry
from samplehub.core.service.ports import Page
from samplehub.web.i18n import timeline_title, translate

T = TypeVar("T")
D = TypeVar("D")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str | None = None


class CustomerOut(BaseModel):
    id: str
    name: str
    credit_code: str = Field(description="统一社会信用代码 (GB 32100-2015)")
    contacts: list[ContactOut]

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        contacts = [
            ContactOut(name=c.name, phone=c.phone, email=c.email) for c in customer.contacts
        ]
        return cls(
            id=customer.id,
            name=customer.name,
            credit_code=customer.credit_code,
            contacts=contacts,
        )


class UserOut(BaseModel):
    username: str
    role: str
    customer_id: str | None
    display_name: str
    active: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            username=user.username,
            role=user.role.value,
            customer_id=user.customer_id,
            display_name=user.display_name,
            active=user.active,
        )


class OrderItemModel(Strict):
    instrument_type: str = Field(description="e.g. 弹簧管压力表")
    model: str | None = None
    serial_number: str | None = None
    quantity: int = 1


class OrderOut(BaseModel):
    number: str
    customer_id: str
    service: str = Field(description="verification (检定) or calibration (校准)")
    channel: str
    items: list[OrderItemModel]
    created_at: datetime

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        items = [
            OrderItemModel(
                instrument_type=i.instrument_type,
                model=i.model,
                serial_number=i.serial_number,
                quantity=i.quantity,
            )
            for i in order.items
        ]
        return cls(
            number=order.number,
            customer_id=order.customer_id,
            service=order.service.value,
            channel=order.channel.value,
            items=items,
            created_at=order.created_at,
        )


class InstrumentModel(Strict):
    instrument_type: str
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    unit: str | None = None
    accuracy_class: str | None = None
    asset_id: str | None = Field(None, description="The customer's own asset number")

    @classmethod
    def of(cls, instrument: Instrument) -> InstrumentModel:
        # the same fields, which the domain has validated already
        return cls.model_construct(**asdict(instrument))


class StateLabel(BaseModel):
    zh: str
    en: str


class SampleOut(BaseModel):
    number: str
    order_number: str
    customer_id: str
    instrument: InstrumentModel
    state: str
    state_label: StateLabel
    location: str = Field(description="kind:code, e.g. storage_slot:A-03-2-07")
    epc: str | None
    hold_reason: str | None
    updated_at: datetime | None
    allowed_transitions: list[str] = Field(description="Transitions the lifecycle allows now")

    @classmethod
    def of(cls, sample: Sample) -> SampleOut:
        label = LABELS[sample.state]
        zh, en = translate("zh-CN", label), translate("en", label)
        return cls(
            number=sample.number,
            order_number=sample.order_number,
            customer_id=sample.customer_id,
            instrument=InstrumentModel.of(sample.instrument),
            state=sample.state.value,
            state_label=StateLabel(zh=zh, en=en),
            location=str(sample.location),
            epc=sample.epc,
            hold_reason=sample.hold_reason.value if sample.hold_reason else None,
            updated_at=sample.updated_at,
            allowed_transitions=sorted(t.value for t in sample.allowed()),
        )


class OrderDetail(OrderOut):
    samples: list[SampleOut]


class TimelineEntryOut(BaseModel):
    seq: int = Field(description="Sequence number of the custody record")
    at: str = Field(description="UTC, ISO 8601")
    actor: str
    state: str
    title_zh: str
    title_en: str
    location: str | None
    reason: str | None
    task: str | None = Field(None, description="The transport task of this step, if any")
    carrier: str | None = Field(None, description="Robot serial or staff:<username> carrying it")

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryOut:
        return cls(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            state=entry.state,
            title_zh=timeline_title("zh-CN", entry),
            title_en=timeline_title("en", entry),
            location=entry.location,
            reason=entry.reason,
            task=entry.task,
            carrier=entry.carrier,
        )


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


def page_of(page: Page[D], convert: Callable[[D], T]) -> PageOut[T]:
    return PageOut[T](
        items=[convert(item) for item in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


def all_of(items: Sequence[D], convert: Callable[[D], T]) -> list[T]:
    return [convert(item) for item in items]
