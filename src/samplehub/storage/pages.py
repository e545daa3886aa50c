"""The staff storage page (/storage): occupancy by area and size class, warnings, slots in use,
and the shelf inventory (accuracy of the last cycle count, findings, trend; a cycle on demand).

Warehouse, lab and admin staff may read it; the warehouse and admins run a cycle count; the
kiosk login and customers never see it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.storage.domain.capacity import may_see_storage
from samplehub.storage.service import queries
from samplehub.storage.service.inventory import may_count
from samplehub.web.access import allow
from samplehub.web.context import FormText, Page, PageContext
from samplehub.web.pages import _redirect, csrf_required, role_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.STORAGE_SEE)])
counting = APIRouter(include_in_schema=False, dependencies=[allow(Action.STORAGE_INVENTORY)])


def storage_reader(ctx: PageContext) -> Actor:
    return role_required(ctx, lambda a: may_see_storage(a.role))


def _render(
    ctx: PageContext, actor: Actor, status: int = 200, error: str | None = None
) -> Response:
    state = ctx.state
    view = queries.overview(state.services.uow_factory, state.settings.storage.warning_levels)
    stock = queries.inventory(state.services.uow_factory)
    may_run = may_count(actor.role) and state.inventory is not None
    return ctx.render("storage.html", status_code=status, view=view, stock=stock,
                      may_count=may_run, error=error)  # fmt: skip


@router.get("/storage")
def storage_page(ctx: Page) -> Response:
    return _render(ctx, storage_reader(ctx))


@counting.post("/storage/inventory")
def storage_count(ctx: Page, csrf: FormText = "") -> Response:
    """Run a cycle count now (the warehouse, admins)."""
    actor = storage_reader(ctx)
    csrf_required(ctx, csrf)
    run = ctx.state.inventory
    if run is None:
        return _render(ctx, actor, 503, ctx.t("storage.no_readers"))
    try:
        run(actor)
    except DomainError as error:
        return _render(ctx, actor, 409, str(error))
    return _redirect(ctx, "/storage#inventory")
