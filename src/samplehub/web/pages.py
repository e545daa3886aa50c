"""The web shell's pages: login, my orders with timelines, sample search and sample detail.

Handlers are plain ``def`` so their database reads run in the thread pool, not on the loop.
Every form carries a CSRF token; a missing or wrong one is refused before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable
from math import ceil

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.lifecycle import RULES, HoldReason, SampleState, Transition
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.model import Role, Sample
from samplehub.core.domain.permissions import Action, may
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import SampleFilter
from samplehub.web.access import allow
from samplehub.web.api.auth import client_address, login
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import FormText, Page, PageContext
from samplehub.web.csv_file import csv_download
from samplehub.web.error_text import error_text
from samplehub.web.security import SESSION
from samplehub.web.sessions import SESSION_COOKIE, end_login, open_login

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
EXPORT_MOST = 10_000
"""Rows of a sample export at the most (the newest first): narrow the search for more."""
EXPORT_COLUMNS = (
    message_id("core.sample_number"), message_id("core.order_number"),
    message_id("core.instrument_type"), message_id("core.model"), message_id("core.manufacturer"),
    message_id("core.serial_number"), message_id("core.state"), message_id("core.location"),
    message_id("web.updated"),
)  # fmt: skip
ORDERS_PER_PAGE = 10


def _redirect(ctx: PageContext, url: str) -> Response:
    return ctx.finish(RedirectResponse(url, status_code=303))


def login_required(ctx: PageContext) -> Actor:
    if ctx.actor is None:
        raise HTTPException(303, "login required", headers={"Location": "/login"})
    return ctx.actor


def role_required(
    ctx: PageContext,
    allowed: Callable[[Actor], bool],
    refusal: str = message_id("web.forbidden_title"),
) -> Actor:
    """The signed-in actor if ``allowed``; else a 403 page saying ``refusal`` (a message id)."""
    actor = login_required(ctx)
    if not allowed(actor):
        raise HTTPException(403, ctx.t(refusal))
    return actor


def csrf_required(ctx: PageContext, token: str) -> None:
    if not ctx.csrf_valid(token):
        raise HTTPException(403, ctx.t("web.csrf_failed"))


def handle_then_redirect(
    ctx: PageContext,
    command: c.Command,
    done_url: str,
    again: Callable[[int, DomainError], Response],
) -> Response:
    """Send ``command`` to the bus, then go to ``done_url``. A refused command saves nothing
    and shows the page again, ``again(status, error)``; a missing record stays a 404 page."""
    try:
        ctx.state.services.bus.handle(command)
    except DomainError as error:
        status_code = domain_error_body(error)[0]
        if status_code == 404:
            raise
        return again(status_code, error)
    return _redirect(ctx, done_url)


@router.get("/", dependencies=[allow(Action.SIGNED_IN)])
def home(ctx: Page) -> Response:
    if ctx.actor is None:
        return _redirect(ctx, "/login")
    if ctx.actor.role is Role.KIOSK:
        return _redirect(ctx, "/kiosk")
    return _redirect(ctx, "/orders" if not ctx.actor.is_staff else "/samples")


@router.get("/login", dependencies=[allow(Action.PUBLIC)])
def login_form(ctx: Page) -> Response:
    if ctx.actor is not None:
        return _redirect(ctx, "/")
    return ctx.render(
        "login.html",
        changed=ctx.request.query_params.get("changed") == "1",
        no_admin=not ctx.state.admin_known.check(
            lambda: queries.has_admin(ctx.state.services.uow_factory)
        ),
    )


@router.post("/login", dependencies=[allow(Action.PUBLIC)])
def login_submit(
    ctx: Page,
    request: Request,
    username: FormText = "",
    password: FormText = "",
    csrf: FormText = "",
) -> Response:
    csrf_required(ctx, csrf)
    username = username.strip()[:64]
    try:
        actor = login(ctx.state, username, password, client_address(request))
    except HTTPException as refused:
        wait = int((refused.headers or {}).get("Retry-After", "60"))
        error = ctx.t("web.too_many", seconds=wait)
        return ctx.render("login.html", 429, error=error, username=username)
    if actor is None:
        return ctx.render("login.html", 401, error=ctx.t("web.login_failed"), username=username)
    token, seconds = open_login(ctx.state, actor, SESSION)
    response = _redirect(ctx, "/")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="lax",
        secure=ctx.cookie_secure,
    )
    return response


@router.post("/logout", dependencies=[allow(Action.PUBLIC)])
def logout(ctx: Page, csrf: FormText = "") -> Response:
    csrf_required(ctx, csrf)
    token = ctx.request.cookies.get(SESSION_COOKIE)
    if token:
        end_login(ctx.state, token, SESSION)
    response = _redirect(ctx, "/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/orders", dependencies=[allow(Action.ORDERS_READ)])
def my_orders(ctx: Page, page: int = 1, created: str = "") -> Response:
    actor = login_required(ctx)
    services = ctx.state.services
    page = max(page, 1)
    found = queries.list_orders(
        services.uow_factory, actor, None, (page - 1) * ORDERS_PER_PAGE, ORDERS_PER_PAGE
    )
    orders = []
    for order in found.items:
        _, samples = queries.get_order(services.uow_factory, actor, order.number)
        timelines = {
            s.number: list(reversed(queries.timeline(services.uow_factory, actor, s.number)))
            for s in samples
        }
        orders.append((order, samples, timelines))
    names = {cu.id: cu.name for cu in queries.list_customers(services.uow_factory, actor)}
    return ctx.render(
        "orders.html",
        orders=orders,
        customer_names=names,
        created=created,
        may_order=may(actor.role, Action.ORDERS_CREATE),
        page=page,
        pages=max(1, ceil(found.total / ORDERS_PER_PAGE)),
        total=found.total,
    )


@router.get("/samples", dependencies=[allow(Action.SAMPLES_READ)])
def sample_search(
    ctx: Page,
    state: str = "",
    order: str = "",
    text: str = "",
    page: int = 1,
) -> Response:
    actor = login_required(ctx)
    page = max(page, 1)
    query = _sample_filter(state, order, text, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    found = queries.list_samples(ctx.state.services.uow_factory, actor, query)
    return ctx.render(
        "samples.html",
        samples=found.items,
        total=found.total,
        page=page,
        pages=max(1, ceil(found.total / PAGE_SIZE)),
        states=list(SampleState),
        filters={"state": query.state.value if query.state else "", "order": order, "text": text},
    )


def _sample_filter(state: str, order: str, text: str, offset: int, limit: int) -> SampleFilter:
    chosen = SampleState(state) if state in set(SampleState) else None
    return SampleFilter(
        order_number=order.strip() or None,
        state=chosen,
        text=text.strip()[:80] or None,
        offset=offset,
        limit=limit,
    )


@router.get("/samples.csv", dependencies=[allow(Action.SAMPLES_READ)])
def samples_csv(ctx: Page, state: str = "", order: str = "", text: str = "") -> Response:
    """The samples the search finds (up to ``EXPORT_MOST``, the newest first, as on the page),
    one row each, headed and worded in the page's language; a customer gets their own only."""
    actor = login_required(ctx)
    query = _sample_filter(state, order, text, 0, EXPORT_MOST)
    found = queries.list_samples(ctx.state.services.uow_factory, actor, query)
    t = ctx.t
    header = [t(msgid) for msgid in EXPORT_COLUMNS]
    rows = [
        [s.number, s.order_number, s.instrument.instrument_type, s.instrument.model or "",
         s.instrument.manufacturer or "", s.instrument.serial_number or "",
         t.state(s.state.value), t.place(str(s.location)), t.time(s.updated_at)]
        for s in found.items
    ]  # fmt: skip
    return csv_download(header, rows, f"samples-{ctx.state.services.clock.now():%Y%m%d}.csv")


def _actions(actor: Actor, sample: Sample) -> list[dict[str, object]]:
    """The transitions both the lifecycle and the actor's role allow now, with their fields."""
    actions: list[dict[str, object]] = []
    for transition in sorted(sample.allowed(), key=list(Transition).index):
        if not permissions.may_apply(actor.role, transition):
            continue
        rule = RULES[transition]
        actions.append(
            {
                "name": transition.value,
                "kinds": "/".join(sorted(k.value for k in rule.locations)),
                "needs_reason": rule.needs_reason,
                "hold": transition is Transition.HOLD,
            }
        )
    return actions


def _sample_page(
    ctx: PageContext, actor: Actor, number: str, status_code: int = 200, error: str | None = None
) -> Response:
    services = ctx.state.services
    sample = queries.get_sample(services.uow_factory, actor, number)
    timeline = list(reversed(queries.timeline(services.uow_factory, actor, number)))
    return ctx.render(
        "sample.html",
        status_code,
        sample=sample,
        timeline=timeline,
        actions=_actions(actor, sample),
        hold_reasons=[r.value for r in HoldReason],
        done=ctx.request.query_params.get("done"),
        error=error,
    )


@router.get("/samples/{number}", dependencies=[allow(Action.SAMPLES_READ)])
def sample_detail(ctx: Page, number: str) -> Response:
    return _sample_page(ctx, login_required(ctx), number)


@router.post("/samples/{number}/transitions", dependencies=[allow(Action.SAMPLES_TRANSITION)])
def sample_transition(
    ctx: Page,
    number: str,
    transition: FormText = "",
    location: FormText = "",
    reason: FormText = "",
    hold_reason: FormText = "",
    csrf: FormText = "",
) -> Response:
    actor = login_required(ctx)
    csrf_required(ctx, csrf)
    command = c.ApplyTransition(
        actor,
        number,
        transition,
        location.strip() or None,
        reason.strip() or None,
        hold_reason or None,
    )
    return handle_then_redirect(
        ctx,
        command,
        f"/samples/{number}?done={transition}",
        lambda status_code, error: _sample_page(
            ctx, actor, number, status_code, error_text(ctx.t, error)
        ),
    )
