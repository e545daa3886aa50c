"""The staff page of transport tasks (/tasks): the pick list, and carrying a task by hand.

Open, late and failed tasks by kind and carrier, each row with where to fetch the sample and
where it goes. A person claims a task, scans the sample at the source (a wrong label is
refused), scans it again at the target (and the slot, for a storage task): the same commands,
records and custody as a robot's. The warehouse and admins cancel or re-route with a reason.
Kiosks and customers never see the page.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.permissions import Action
from samplehub.core.domain.timeline import TASK_KINDS
from samplehub.core.domain.transport import TaskKind
from samplehub.core.service import commands as c
from samplehub.core.service import task_queries
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.api.tasks import AdvanceIn, Step, command_for
from samplehub.web.context import FormText, Page, PageContext
from samplehub.web.error_text import error_text
from samplehub.web.pages import csrf_required, handle_then_redirect, role_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.TASKS_SEE)])
STATE_LABELS = {
    "created": message_id("web.task_created"),
    "assigned": message_id("web.task_assigned"),
    "picking": message_id("web.task_picking"),
    "carrying": message_id("web.task_carrying"),
    "delivered": message_id("web.task_delivered"),
    "done": message_id("web.task_done"),
    "failed": message_id("web.task_failed"),
    "cancelled": message_id("web.task_cancelled"),
}
DONE_LABELS = {
    "claim": message_id("web.tasks_done_claim"),
    "pick_up": message_id("web.tasks_done_pick_up"),
    "deliver": message_id("web.tasks_done_deliver"),
    "release": message_id("web.tasks_done_release"),
    "cancel": message_id("web.tasks_done_cancel"),
    "reroute": message_id("web.tasks_done_reroute"),
}
FIELDS = {  # the form fields a refusal names, by their labels
    "scan": message_id("web.task_field_scan"),
    "place": message_id("web.task_field_place"),
    "target": message_id("web.task_to"),
    "reason": message_id("web.reason"),
}


def tasks_reader(ctx: PageContext) -> Actor:
    return role_required(
        ctx, lambda a: permissions.may_see_tasks(a.role), message_id("web.tasks_only")
    )


def _board(
    ctx: PageContext, actor: Actor, kind: str = "", carrier: str = "", status: int = 200,
    error: str = "",
) -> Response:  # fmt: skip
    services = ctx.state.services
    kind = kind if kind in set(TaskKind) else ""
    found = task_queries.board(
        services.uow_factory, actor, services.clock.now(), kind or None, carrier or None
    )
    return ctx.render(
        "tasks.html",
        status,
        board=found,
        kinds=[k.value for k in TaskKind],
        filters={"kind": kind, "carrier": carrier},
        me=f"staff:{actor.username}",
        may_manage=permissions.may_manage_tasks(actor.role),
        kind_labels=TASK_KINDS,
        state_labels=STATE_LABELS,
        done_labels=DONE_LABELS,
        done=ctx.request.query_params.get("done", ""),
        error=error,
    )


@router.get("/tasks")
def tasks_page(ctx: Page, kind: str = "", carrier: str = "") -> Response:
    return _board(ctx, tasks_reader(ctx), kind.strip(), carrier.strip()[:80])


def _act(ctx: PageContext, csrf: str, done: str, command: c.Command) -> Response:
    csrf_required(ctx, csrf)

    def again(status: int, error: DomainError) -> Response:
        message = error_text(ctx.t, error, FIELDS)
        return _board(ctx, command.actor, status=status, error=message)

    return handle_then_redirect(ctx, command, f"/tasks?done={done}", again)


@router.post("/tasks/{task_id}/step")
def task_step(
    ctx: Page,
    task_id: str,
    action: FormText = "",
    scan: FormText = "",
    place: FormText = "",
    csrf: FormText = "",
) -> Response:
    actor = tasks_reader(ctx)
    if action not in set(Step):
        raise HTTPException(400, ctx.t("web.tasks_unknown_step"))
    body = AdvanceIn(action=Step(action), scan=scan.strip()[:64], place=place.strip()[:80])
    return _act(ctx, csrf, action, command_for(actor, task_id, body))


@router.post("/tasks/{task_id}/cancel")
def task_cancel(ctx: Page, task_id: str, reason: FormText = "", csrf: FormText = "") -> Response:
    actor = tasks_reader(ctx)
    return _act(ctx, csrf, "cancel", c.CancelTask(actor, task_id, reason))


@router.post("/tasks/{task_id}/reroute")
def task_reroute(
    ctx: Page, task_id: str, target: FormText = "", reason: FormText = "", csrf: FormText = ""
) -> Response:
    actor = tasks_reader(ctx)
    return _act(ctx, csrf, "reroute", c.RerouteTask(actor, task_id, target.strip(), reason))
