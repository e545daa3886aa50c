"""Orders (委托单): created online by customers (or by the kiosk and admins), read with samples."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import Field

from samplehub.app.services import Services
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.model import Channel, Service
from samplehub.core.domain.permissions import Action
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, Limit, Offset, ServicesDep
from samplehub.web.api.schemas import (
    OrderDetail,
    OrderItemModel,
    OrderOut,
    PageOut,
    SampleOut,
    Strict,
    page_of,
)

router = APIRouter(tags=["orders"])


class OrderIn(Strict):
    customer_id: str | None = Field(None, description="Defaults to the caller's own company")
    service: Service = Field(description="verification (检定) or calibration (校准)")
    items: list[OrderItemModel] = Field(min_length=1, max_length=200)
    channel: Channel = Channel.ONLINE


def order_detail(services: Services, actor: Actor, number: str) -> OrderDetail:
    order, samples = queries.get_order(services.uow_factory, actor, number)
    base = OrderOut.of(order)
    return OrderDetail(**base.model_dump(), samples=[SampleOut.of(s) for s in samples])


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderDetail,
    dependencies=[allow(Action.ORDERS_CREATE)],
)
def create_order(body: OrderIn, actor: CurrentActor, services: ServicesDep) -> OrderDetail:
    customer_id = body.customer_id or actor.customer_id
    if customer_id is None:
        raise InvalidValue("customer_id", None, "the id of the customer the order is for")
    items = [item.model_dump() for item in body.items]
    number = services.bus.handle(
        c.CreateOrder(actor, customer_id, body.service.value, items, body.channel.value)
    )
    return order_detail(services, actor, number)


@router.get("/orders", response_model=PageOut[OrderOut], dependencies=[allow(Action.ORDERS_READ)])
def list_orders(
    actor: CurrentActor,
    services: ServicesDep,
    customer_id: str | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> PageOut[OrderOut]:
    page = queries.list_orders(services.uow_factory, actor, customer_id, offset, limit)
    return page_of(page, OrderOut.of)


@router.get(
    "/orders/{number}", response_model=OrderDetail, dependencies=[allow(Action.ORDERS_READ)]
)
def get_order(number: str, actor: CurrentActor, services: ServicesDep) -> OrderDetail:
    return order_detail(services, actor, number)
