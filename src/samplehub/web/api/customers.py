"""Customers (companies): registered by admins or at the kiosk; customers see only their own."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from samplehub.core.domain.permissions import Action
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, ServicesDep
from samplehub.web.api.schemas import CustomerOut, Strict, all_of

router = APIRouter(tags=["customers"])


class ContactIn(Strict):
    name: str
    phone: str
    email: str | None = Field(None, description="Recall reminders go here")


class CustomerIn(Strict):
    name: str = Field(description="Company name")
    credit_code: str = Field(description="统一社会信用代码, 18 characters with check character")
    contacts: list[ContactIn] = Field(default_factory=list)


class Created(BaseModel):
    id: str


@router.post(
    "/customers",
    status_code=status.HTTP_201_CREATED,
    response_model=CustomerOut,
    dependencies=[allow(Action.CUSTOMERS_REGISTER)],
)
def register_customer(body: CustomerIn, actor: CurrentActor, services: ServicesDep) -> CustomerOut:
    contacts: list[tuple[str, ...]] = [
        (ct.name, ct.phone) if ct.email is None else (ct.name, ct.phone, ct.email)
        for ct in body.contacts
    ]
    customer_id = services.bus.handle(
        c.RegisterCustomer(actor, body.name, body.credit_code, contacts)
    )
    return CustomerOut.of(queries.get_customer(services.uow_factory, actor, customer_id))


@router.get(
    "/customers", response_model=list[CustomerOut], dependencies=[allow(Action.CUSTOMERS_READ)]
)
def list_customers(actor: CurrentActor, services: ServicesDep) -> list[CustomerOut]:
    return all_of(queries.list_customers(services.uow_factory, actor), CustomerOut.of)


@router.get(
    "/customers/{customer_id}",
    response_model=CustomerOut,
    dependencies=[allow(Action.CUSTOMERS_READ)],
)
def get_customer(customer_id: str, actor: CurrentActor, services: ServicesDep) -> CustomerOut:
    return CustomerOut.of(queries.get_customer(services.uow_factory, actor, customer_id))
