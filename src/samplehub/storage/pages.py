"""The staff storage page (/storage): occupancy by area and size class, warnings, slots in use.

Warehouse, lab and admin staff may read it; the kiosk login and customers never see it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.storage.domain.capacity import may_see_storage
from samplehub.storage.service import queries
from samplehub.web.access import allow
from samplehub.web.context import PageContext, page_context
from samplehub.web.pages import login_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.STORAGE_SEE)])
Page = Annotated[PageContext, Depends(page_context)]


def storage_reader(ctx: PageContext) -> Actor:
    actor = login_required(ctx)
    if not may_see_storage(actor.role):
        raise HTTPException(403, ctx.t("web.forbidden_title"))
    return actor


@router.get("/storage")
def storage_page(ctx: Page) -> Response:
    storage_reader(ctx)
    state = ctx.state
    view = queries.overview(state.services.uow_factory, state.settings.storage.warning_levels)
    return ctx.render("storage.html", view=view)
