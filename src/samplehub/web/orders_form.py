"""The online order form (网上预约): a customer lists the instruments they will hand in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from samplehub.core.domain.errors import DomainError, InvalidValue
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.model import Service
from samplehub.core.domain.permissions import Action
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import Page, PageContext
from samplehub.web.error_text import error_text
from samplehub.web.pages import csrf_required, login_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.ORDERS_CREATE)])
ROWS = 5
FIELD_LABELS = {
    "customer_id": message_id("web.customer"),
    "service": message_id("web.service"),
    "items": message_id("web.items"),
}


def _form(
    ctx: PageContext,
    actor: Actor,
    status_code: int = 200,
    error: str | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    customers = (
        queries.list_customers(ctx.state.services.uow_factory, actor) if actor.is_staff else []
    )
    return ctx.render(
        "order_new.html",
        status_code,
        rows=range(ROWS),
        services=[s.value for s in Service],
        customers=customers,
        error=error,
        values=values or {},
    )


@router.get("/orders/new")
def new_order(ctx: Page) -> Response:
    return _form(ctx, login_required(ctx))


def _items(values: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for row in range(ROWS):
        kind = str(values.get(f"type_{row}", "")).strip()
        model = str(values.get(f"model_{row}", "")).strip() or None
        serial = str(values.get(f"serial_{row}", "")).strip() or None
        quantity_text = str(values.get(f"quantity_{row}", "")).strip() or "1"
        if not (kind or model or serial):
            continue
        if not quantity_text.isdigit():
            raise InvalidValue(
                f"items[{row}].quantity",
                quantity_text,
                "a whole number 1 to 999",
                Message("web.allowed_whole_quantity"),
            )
        items.append(
            {
                "instrument_type": kind,
                "model": model,
                "serial_number": serial,
                "quantity": int(quantity_text),
            }
        )
    return items


@router.post("/orders/new")
async def create_order(ctx: Page, request: Request) -> Response:
    """Five item rows are read from the form; empty rows are skipped."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_create, ctx, values)


def _create(ctx: PageContext, values: dict[str, Any]) -> Response:
    actor = login_required(ctx)
    csrf_required(ctx, values.get("csrf", ""))
    owner = actor.customer_id if not actor.is_staff else values.get("customer_id", "").strip()
    try:
        if not owner:
            raise InvalidValue(
                "customer_id",
                "",
                "one of the customers listed",
                Message("web.allowed_listed_customer"),
            )
        command = c.CreateOrder(actor, owner, values.get("service", ""), _items(values))
        number = ctx.state.services.bus.handle(command)
    except DomainError as error:
        status_code = domain_error_body(error)[0]
        return _form(ctx, actor, status_code, error_text(ctx.t, error, FIELD_LABELS), values)
    return ctx.finish(RedirectResponse(f"/orders?created={number}", status_code=303))
