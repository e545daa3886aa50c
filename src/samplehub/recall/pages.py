"""The customer portal's due list (到期送检) with one-click pre-registration of an order."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.recall.service import recall
from samplehub.web.access import allow
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import Page, PageContext
from samplehub.web.error_text import error_text
from samplehub.web.pages import _redirect, csrf_required, login_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.RECALL)])
SOON_DAYS = 60  # the list marks what is due within this many days
FIELD_LABELS = {"certificates": message_id("recall.instruments")}


def _recall(ctx: PageContext) -> Actor:
    actor = login_required(ctx)
    if ctx.state.services.lab is None:  # no certificates without the lab
        raise HTTPException(503, "the lab is not configured")
    return actor


def _page(ctx: PageContext, actor: Actor, status: int = 200, error: str = "") -> Response:
    services = ctx.state.services
    customer = actor.customer_id if not actor.is_staff else None
    items = recall.due_instruments(services.uow_factory, customer)
    zone = ZoneInfo(ctx.state.settings.institute.time_zone)
    today = services.clock.now().astimezone(zone).date()  # the institute's calendar day
    return ctx.render(
        "recall.html",
        status,
        items=items,
        soon=today + timedelta(days=SOON_DAYS),
        today=today,
        may_order=actor.customer_id is not None,
        error=error,
    )


@router.get("/recall")
def due_list(ctx: Page) -> Response:
    return _page(ctx, _recall(ctx))


@router.post("/recall/preregister")
async def preregister(ctx: Page) -> Response:
    actor = _recall(ctx)
    form = await ctx.request.form()
    csrf_required(ctx, str(form.get("csrf", "")))
    chosen = [str(value) for value in form.getlist("certificate")]
    try:
        services = ctx.state.services
        order = recall.preregister(services.bus.handle, services.uow_factory, actor, chosen)
    except DomainError as error:
        status = domain_error_body(error)[0]
        return _page(ctx, actor, status, error_text(ctx.t, error, FIELD_LABELS))
    return _redirect(ctx, f"/orders?created={order}")
