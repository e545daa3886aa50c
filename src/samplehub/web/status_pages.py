"""The installation's health for admins (/status, 系统状态): one line a part, its level and what
was found (the disk of the data folder, the nightly backup, the notice outbox, the custody
chain's anchors, the intake devices, storage, the robots), the worst level on top. The same as
``GET /api/status``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from samplehub.core.domain import status
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.permissions import Action, may
from samplehub.web.access import allow
from samplehub.web.context import Page
from samplehub.web.pages import role_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.STATUS)])
PARTS = {
    "disk": message_id("web.status_disk"),
    "backup": message_id("web.status_backup"),
    "outbox": message_id("web.status_outbox"),
    "anchors": message_id("web.status_anchors"),
    "devices": message_id("web.status_devices"),
    "storage": message_id("web.status_storage"),
    "fleet": message_id("web.status_fleet"),
}
LEVELS = {
    status.Level.OK: message_id("web.status_ok"),
    status.Level.WARN: message_id("web.status_warn"),
    status.Level.BAD: message_id("web.status_bad"),
}


@router.get("/status")
def status_page(ctx: Page) -> Response:
    role_required(ctx, lambda a: may(a.role, Action.STATUS))
    read = ctx.state.status
    checks = read() if read is not None else []
    return ctx.render(
        "status.html",
        checks=checks,
        level=status.worst(checks),
        read=read is not None,
        parts=PARTS,
        levels=LEVELS,
    )
