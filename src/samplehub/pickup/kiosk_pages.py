"""The pickup kiosk, ``/kiosk/pickup``: keypad or QR scan, doors, receipt.

Only a kiosk login (or an admin) may use it; the kiosk's id is its username, so wrong entries
and lockouts are counted per kiosk. Codes arrive in POST bodies only and are never echoed back:
the answer to any wrong, unknown, expired or used code is the same page.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import Response

from samplehub.core.domain.permissions import Action, may
from samplehub.core.service.commands import Actor
from samplehub.pickup.domain.codes import QR_PREFIX
from samplehub.pickup.pages import NO_STORE, pickup_of
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.kiosk import KioskVerdict
from samplehub.web.access import allow
from samplehub.web.context import FormText, Page, PageContext
from samplehub.web.pages import csrf_required, role_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.PICKUP_KIOSK)])
MAX_ENTRY = 200  # a scanned QR is short; anything longer is not ours


def _kiosk(ctx: PageContext) -> Actor:
    return role_required(ctx, lambda a: may(a.role, Action.PICKUP_KIOSK))


def _render(ctx: PageContext, status_code: int = 200, **values: object) -> Response:
    app = pickup_of(ctx.request)
    grid = [c.code for c in app.deps.lockers.compartments()]
    response = ctx.render("kiosk_pickup.html", status_code, grid=grid, **values)
    response.headers.update(NO_STORE)
    return response


@router.get("/kiosk/pickup")
def kiosk_page(ctx: Page) -> Response:
    _kiosk(ctx)
    return _render(ctx)


@router.post("/kiosk/pickup")
def kiosk_entry(ctx: Page, request: Request, entry: FormText = "", csrf: FormText = "") -> Response:
    actor = _kiosk(ctx)
    csrf_required(ctx, csrf)
    app = pickup_of(request)
    text = entry.strip()[:MAX_ENTRY]
    if text.startswith(f"{QR_PREFIX}:"):
        answer = pickup_kiosk.enter_scan(app.deps, actor.username, text)
    else:
        answer = pickup_kiosk.enter_code(app.deps, actor.username, text)
    if answer.verdict is KioskVerdict.LOCKED:
        until = answer.retry_after or app.deps.clock.now()
        minutes = max(1, math.ceil((until - app.deps.clock.now()).total_seconds() / 60))
        return _render(ctx, 429, error=ctx.t("pickup.kiosk_locked", minutes=minutes), locked=True)
    if answer.verdict is KioskVerdict.REJECTED:
        return _render(ctx, 401, error=ctx.t("pickup.kiosk_rejected"))
    compartments = sorted(
        loc.code
        for booking in [app.deps.bookings.get(answer.booking_id or "")]
        if booking is not None
        for loc in booking.placements.values()
        if loc.kind.value == "locker_compartment"
    )
    return _render(ctx, answer=answer, compartments=compartments)


@router.post("/kiosk/pickup/done")
def kiosk_done(
    ctx: Page, request: Request, booking: FormText = "", csrf: FormText = ""
) -> Response:
    _kiosk(ctx)
    csrf_required(ctx, csrf)
    app = pickup_of(request)
    found = app.deps.bookings.get(booking)
    if found is None or found.code is None or found.code.used_at is None:
        return _render(ctx, 404, error=ctx.t("pickup.kiosk_rejected"))
    if not found.live:  # already settled (a second press, or the job after a restart)
        return _render(ctx, receipt=True, collected=found.collected, left=found.left_behind)
    receipt = pickup_kiosk.doors_closed(app.deps, booking)
    if receipt.still_open or receipt.unreadable:
        answer = pickup_kiosk.KioskAnswer(
            KioskVerdict.ACCEPTED,
            booking,
            opened=sorted(receipt.still_open + receipt.unreadable),
        )
        return _render(
            ctx,
            answer=answer,
            compartments=answer.opened,
            still_open=receipt.still_open,
            unreadable=receipt.unreadable,
        )
    settled = app.deps.bookings.get(booking)
    collected = settled.collected if settled is not None else receipt.collected
    left = settled.left_behind if settled is not None else receipt.left_behind
    return _render(ctx, receipt=True, collected=collected, left=left)
