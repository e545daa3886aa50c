"""The touchscreen kiosk page ``/kiosk``: order or walk-in → photo → confirm → receipt.

One page, its step chosen from the kiosk session (kept in an http-only cookie): no session is
the start, a session with a proposal is the confirm step, a finished one is the receipt. Every
form carries the CSRF token; a refusal re-renders the same step with the message in the
visitor's language. kiosk.js returns to the start after the idle timeout (abandoning the
session); the server drops idle sessions on its own too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, UploadFile
from fastapi.responses import RedirectResponse, Response

from samplehub.core.domain.errors import DomainError, InvalidValue, NotFound
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.model import Service
from samplehub.core.domain.permissions import Action, may
from samplehub.core.service.commands import Actor
from samplehub.intake.api import read_upload
from samplehub.intake.service.errors import KioskRefusal
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.session import INSTRUMENT_FIELDS, KioskSession
from samplehub.web.access import allow
from samplehub.web.context import FormText, Page, PageContext
from samplehub.web.pages import csrf_required, role_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.KIOSK_DESK)])
KIOSK_COOKIE = "sh_kiosk"
STEPS = ("start", "photo", "confirm", "receipt")
STEP_LABELS = {
    "start": message_id("intake.kiosk_step_start"),
    "photo": message_id("intake.kiosk_step_photo"),
    "confirm": message_id("intake.kiosk_step_confirm"),
    "receipt": message_id("intake.kiosk_step_receipt"),
}
OUTCOME_LABELS = {
    "received": message_id("intake.kiosk_outcome_received"),
    "refused": message_id("intake.kiosk_outcome_refused"),
}
# the form's fields, and the fields a refusal may name, as the visitor reads them
FIELD_LABELS = {
    "order_number": message_id("intake.kf_order_number"),
    "credit_code": message_id("intake.kf_credit_code"),
    "phone": message_id("intake.kf_phone"),
    "contact.phone": message_id("intake.kf_phone"),
    "company_name": message_id("intake.kf_company_name"),
    "contact_name": message_id("intake.kf_contact_name"),
    "contact.name": message_id("intake.kf_contact_name"),
    "reason": message_id("intake.kf_reason"),
    "service": message_id("intake.kiosk_service"),
    "camera": message_id("intake.kiosk_take_photo"),
    "instrument_type": message_id("intake.kf_instrument_type"),
    "manufacturer": message_id("intake.kf_manufacturer"),
    "model": message_id("intake.kf_model"),
    "serial_number": message_id("intake.kf_serial_number"),
    "range": message_id("core.range"),
    "range_min": message_id("intake.kf_range_min"),
    "range_max": message_id("intake.kf_range_max"),
    "unit": message_id("intake.kf_unit"),
    "accuracy_class": message_id("intake.kf_accuracy_class"),
}


def _kiosk(ctx: PageContext) -> tuple[Actor, KioskDesk]:
    actor = role_required(
        ctx, lambda a: may(a.role, Action.KIOSK_DESK), message_id("intake.kiosk_only")
    )
    desk = ctx.state.kiosk
    if desk is None:
        raise HTTPException(503, ctx.t("intake.kiosk_unavailable"))
    return actor, desk


def _current(ctx: PageContext, actor: Actor, desk: KioskDesk) -> KioskSession | None:
    sid = ctx.request.cookies.get(KIOSK_COOKIE)
    if not sid:
        return None
    try:
        return desk.session(actor, sid)
    except DomainError:
        return None


def _message(ctx: PageContext, error: DomainError) -> str:
    """The refusal in the visitor's language, every word of it from the catalogue."""
    if isinstance(error, KioskRefusal):
        return ctx.t.message(error.text)
    if isinstance(error, InvalidValue):
        field = error.field.removeprefix("instrument.")
        label = ctx.t.label(FIELD_LABELS, field)
        value = "" if error.value is None else error.value
        if error.allowed_message is None:
            return ctx.t("intake.kiosk_invalid_plain", field=label, value=value)
        allowed = ctx.t.message(error.allowed_message)
        return ctx.t("intake.kiosk_invalid", field=label, value=value, allowed=allowed)
    if isinstance(error, NotFound):
        return ctx.t("intake.kiosk_not_found", key=error.key)
    return ctx.t("web.error_title")


def _render(
    ctx: PageContext,
    desk: KioskDesk,
    session: KioskSession | None,
    *,
    status_code: int = 200,
    error: str | None = None,
    manual: bool = False,
    values: dict[str, Any] | None = None,
) -> Response:
    if session is None:
        step = "start"
    elif session.finished:
        step = "receipt"
    elif session.proposal is not None or manual:
        step = "confirm"
    else:
        step = "photo"
    response = ctx.render(
        "kiosk.html",
        status_code,
        step=step,
        steps=STEPS,
        step_labels=STEP_LABELS,
        outcome_labels=OUTCOME_LABELS,
        field_labels=FIELD_LABELS,
        session=session,
        desk=desk,
        fields=INSTRUMENT_FIELDS,
        services=[s.value for s in Service],
        has_camera=desk.camera is not None,
        idle_s=int(desk.options.idle_timeout_s),
        error=error,
        values=values or {},
    )
    if session is None:
        response.delete_cookie(KIOSK_COOKIE)
    return response


def _to_kiosk(ctx: PageContext, session: KioskSession | None = None, query: str = "") -> Response:
    response = ctx.finish(RedirectResponse(f"/kiosk{query}", status_code=303))
    if session is not None:
        response.set_cookie(
            KIOSK_COOKIE, session.id, httponly=True, samesite="strict",
            secure=ctx.cookie_secure,
        )  # fmt: skip
    return response


@router.get("/kiosk")
def kiosk_page(ctx: Page, manual: int = 0) -> Response:
    actor, desk = _kiosk(ctx)
    return _render(ctx, desk, _current(ctx, actor, desk), manual=bool(manual))


@router.post("/kiosk/start")
def kiosk_start(
    ctx: Page,
    order: FormText = "",
    credit_code: FormText = "",
    phone: FormText = "",
    company_name: FormText = "",
    contact_name: FormText = "",
    service: FormText = "verification",
    csrf: FormText = "",
) -> Response:
    actor, desk = _kiosk(ctx)
    csrf_required(ctx, csrf)
    previous = _current(ctx, actor, desk)
    if previous is not None:
        desk.abandon(actor, previous.id)
    try:
        if order.strip():
            session = desk.start_order(actor, order, credit_code)
        else:
            if not credit_code.strip():
                raise InvalidValue(
                    "order_number",
                    order,
                    "an order number, or a walk-in company",
                    Message("intake.allowed_order_or_walk_in"),
                )
            session = desk.start_walk_in(
                actor,
                credit_code,
                phone,
                contact_name=contact_name,
                company_name=company_name or None,
                service=service,
            )
    except DomainError as error:
        values = {"order": order, "credit_code": credit_code, "phone": phone,
                  "company_name": company_name, "contact_name": contact_name}  # fmt: skip
        return _render(ctx, desk, None, status_code=422, error=_message(ctx, error), values=values)
    return _to_kiosk(ctx, session)


@router.post("/kiosk/photo")
def kiosk_photo(ctx: Page, photo: UploadFile, csrf: FormText = "") -> Response:
    return _step(
        ctx,
        csrf,
        lambda actor, desk, sid: desk.read_photo(
            actor, sid, read_upload(photo), photo.filename or "photo"
        ),
    )


@router.post("/kiosk/capture")
def kiosk_capture(ctx: Page, csrf: FormText = "") -> Response:
    return _step(ctx, csrf, lambda actor, desk, sid: desk.capture(actor, sid))


@router.post("/kiosk/confirm")
async def kiosk_confirm(ctx: Page, csrf: FormText = "") -> Response:
    from starlette.concurrency import run_in_threadpool

    fields = await _fields_of(ctx)
    return await run_in_threadpool(
        _step, ctx, csrf, lambda actor, desk, sid: desk.confirm(actor, sid, fields), fields
    )


@router.post("/kiosk/refuse")
async def kiosk_refuse(ctx: Page, csrf: FormText = "", reason: FormText = "") -> Response:
    from starlette.concurrency import run_in_threadpool

    fields = await _fields_of(ctx)
    return await run_in_threadpool(
        _step, ctx, csrf, lambda actor, desk, sid: desk.refuse(actor, sid, fields, reason), fields
    )


@router.post("/kiosk/finish")
def kiosk_finish(ctx: Page, csrf: FormText = "") -> Response:
    return _step(ctx, csrf, lambda actor, desk, sid: desk.finish(actor, sid))


_Act = Callable[[Actor, KioskDesk, str], object]


def _step(ctx: PageContext, csrf: str, act: _Act, typed: dict[str, str] | None = None) -> Response:
    """One step of the visitor's session (``act`` on it); then back to the kiosk page.

    An ended session or a refusal re-renders the page with the message; ``typed``: the
    instrument fields the visitor typed, kept in the confirm step's form.
    """
    actor, desk = _kiosk(ctx)
    csrf_required(ctx, csrf)
    session = _current(ctx, actor, desk)
    if session is None:
        return _ended(ctx, desk)
    try:
        act(actor, desk, session.id)
    except DomainError as error:
        return _render(
            ctx, desk, session, status_code=422, error=_message(ctx, error),
            manual=typed is not None, values=typed,
        )  # fmt: skip
    return _to_kiosk(ctx)


def _ended(ctx: PageContext, desk: KioskDesk) -> Response:
    return _render(ctx, desk, None, status_code=422, error=ctx.t("intake.kiosk_session_ended"))


async def _fields_of(ctx: PageContext) -> dict[str, str]:
    form = await ctx.request.form()
    return {name: str(form.get(f"f_{name}", "")) for name in INSTRUMENT_FIELDS}


@router.post("/kiosk/abandon")
def kiosk_abandon(ctx: Page, csrf: FormText = "", idle: FormText = "") -> Response:
    actor, desk = _kiosk(ctx)
    csrf_required(ctx, csrf)
    session = _current(ctx, actor, desk)
    if session is not None:
        desk.abandon(actor, session.id)
    response = _to_kiosk(ctx, query="?idle=1" if idle else "")
    response.delete_cookie(KIOSK_COOKIE)
    return response
