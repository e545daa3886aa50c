"""The customer's pickup portal (``/pickup``) and the staff's pickup page (``/pickup/staff``).

A booking's code goes to the customer by message (the outbox). A customer booking or moving
their own pickup also sees it once, on the page that answers the form, with its QR code; it is
never put into a URL, and that page is not cached. Staff booking or moving a pickup for a
customer never see the code: the customer gets it by message. The staff page shows each
notice's delivery status (kind, masked recipient, status, attempts, time), never its body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import Conflict, DomainError, InvalidValue, NotFound
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.outbox import OutboxStatus, mask
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.pickup.domain.booking import Booking, BookingStatus
from samplehub.pickup.domain.capacity import PickupWindow, WindowOffer, not_offered
from samplehub.pickup.domain.codes import qr_payload
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import jobs as pickup_jobs
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.app import PickupApp
from samplehub.pickup.service.handlers import WithCode
from samplehub.web.access import allow
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import FormText, FormVersion, Page, PageContext
from samplehub.web.error_text import error_text
from samplehub.web.pages import _redirect, csrf_required, login_required, role_required

router = APIRouter(include_in_schema=False)
FormList = Annotated[list[str], Form()]
NO_STORE = {"Cache-Control": "no-store"}


def pickup_of(request: Request) -> PickupApp:
    found: PickupApp | None = getattr(request.app.state, "pickup", None)
    if found is None:
        raise HTTPException(404, "pickup is not configured")
    return found


def _offers(app: PickupApp, count: int, moving: str | None = None) -> list[WindowOffer]:
    return pickup.offer(app.deps, [app.default_size] * count, moving)


def _portal(
    ctx: PageContext, app: PickupApp, actor: Actor, status_code: int = 200, **extra: object
) -> Response:
    bookings = app.bookings_of(actor)
    ready = pickup_jobs.ready_for_pickup(ctx.state.services.uow_factory, actor, bookings)
    offers = {r.order.number: _offers(app, len(r.samples)) for r in ready}
    moves = {b.id: _offers(app, len(b.sizes), b.id) for b in bookings}
    return ctx.render(
        "pickup.html",
        status_code,
        ready=ready,
        offers=offers,
        bookings=bookings,
        moves=moves,
        status_labels=STATUS_LABELS,
        **extra,
    )


FIELD_LABELS = {
    "window": message_id("pickup.window"),
    "samples": message_id("pickup.samples"),
}
STATUS_LABELS = {
    BookingStatus.BOOKED: message_id("pickup.status_booked"),
    BookingStatus.STAGED: message_id("pickup.status_staged"),
    BookingStatus.COLLECTED: message_id("pickup.status_collected"),
    BookingStatus.CANCELLED: message_id("pickup.status_cancelled"),
    BookingStatus.EXPIRED: message_id("pickup.status_expired"),
}

OUTBOX_LABELS = {
    OutboxStatus.PENDING: message_id("pickup.outbox_pending"),
    OutboxStatus.DELIVERED: message_id("pickup.outbox_delivered"),
    OutboxStatus.FAILED: message_id("pickup.outbox_failed"),
}


def _status(error: DomainError) -> int:
    """409 for a change over someone else's (a stale version), else 422 (the form's input)."""
    return 409 if isinstance(error, Conflict) else 422


def _error(ctx: PageContext, error: DomainError) -> str:
    """The error for the page from the catalogue, naming the field in the page's language."""
    if domain_error_body(error)[0] == 404:
        raise error
    return error_text(ctx.t, error, FIELD_LABELS)


def _booking_form(
    ctx: PageContext,
    request: Request,
    csrf: str,
    act: Callable[[PickupApp, Actor], Response],
    status: Callable[[DomainError], int] = _status,
) -> Response:
    """A customer's form on their bookings: ``act`` answers it; a refusal shows the portal again
    with the reason and ``status(error)``, saving nothing."""
    actor = login_required(ctx)
    csrf_required(ctx, csrf)
    app = pickup_of(request)
    try:
        return act(app, actor)
    except DomainError as error:
        return _portal(ctx, app, actor, status(error), error=_error(ctx, error))


@router.get("/pickup", dependencies=[allow(Action.PICKUP_BOOK)])
def pickup_page(ctx: Page, request: Request, done: str = "") -> Response:
    actor = login_required(ctx)
    return _portal(ctx, pickup_of(request), actor, done=done)


def _window(offers: list[WindowOffer], start: str) -> PickupWindow:
    for offer in offers:
        if offer.window.start.isoformat() == start:
            return offer.window
    raise not_offered(start)


def _answer(ctx: PageContext, app: PickupApp, actor: Actor, issued: WithCode) -> Response:
    """The code page for the customer who booked; staff learn only that the code was sent."""
    if actor.is_staff:
        return _redirect(ctx, "/pickup?done=sent")
    return _code_page(ctx, app, issued.booking.id, issued.code)


def _code_page(ctx: PageContext, app: PickupApp, booking_id: str, code: str) -> Response:
    booking = app.deps.bookings.get(booking_id)
    if booking is None or booking.code is None:
        raise NotFound("booking", booking_id)
    response = ctx.render(
        "pickup_code.html",
        booking=booking,
        code=code,
        qr=app.qr_svg(qr_payload(booking.id, code)),
        until=booking.code.valid_until,
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/pickup/book", dependencies=[allow(Action.PICKUP_BOOK)])
def pickup_book(
    ctx: Page,
    request: Request,
    order: FormText = "",
    window: FormText = "",
    samples: FormList | None = None,
    csrf: FormText = "",
) -> Response:
    chosen = sorted(set(samples or []))

    def book(app: PickupApp, actor: Actor) -> Response:
        if not chosen:
            raise InvalidValue(
                "samples", [], "at least one sample", Message("pickup.allowed_samples")
            )
        ready = pickup_jobs.ready_for_pickup(
            ctx.state.services.uow_factory, actor, app.bookings_of(actor)
        )
        group = next((r for r in ready if r.order.number == order), None)
        numbers = {s.number for s in group.samples} if group else set()
        missing = [s for s in chosen if s not in numbers]
        if group is None or missing:
            ready_ones = ", ".join(sorted(numbers)) or "none"
            raise InvalidValue(
                "samples",
                missing or chosen,
                f"ready samples of {order}: {ready_ones}",
                Message("pickup.allowed_ready_samples", {"order": order, "samples": ready_ones}),
            )
        picked = [s for s in group.samples if s.number in chosen]
        sizes = pickup_jobs.sizes_for(picked, app.default_size)
        slot = _window(_offers(app, len(sizes)), window)
        booked = pickup.book_with_code(app.deps, actor, order, group.order.customer_id, sizes, slot)
        pickup.stage_if_due(app.deps, booked.booking.id)
        return _answer(ctx, app, actor, booked)

    return _booking_form(ctx, request, csrf, book, lambda _: 422)


@router.post("/pickup/{booking_id}/cancel", dependencies=[allow(Action.PICKUP_BOOK)])
def pickup_cancel(
    ctx: Page,
    request: Request,
    booking_id: str,
    csrf: FormText = "",
    version: FormVersion = None,
) -> Response:
    def cancel(app: PickupApp, actor: Actor) -> Response:
        pickup.cancel(
            app.deps, actor, booking_id, reasons.CANCELLED_BY(user=actor.username), version
        )
        return _redirect(ctx, "/pickup?done=cancelled")

    return _booking_form(ctx, request, csrf, cancel)


def _get(app: PickupApp, actor: Actor, booking_id: str) -> Booking:
    booking = app.deps.bookings.get(booking_id)
    if booking is None or not (actor.is_staff or booking.customer_id == actor.customer_id):
        raise NotFound("booking", booking_id)
    return booking


@router.post("/pickup/{booking_id}/move", dependencies=[allow(Action.PICKUP_BOOK)])
def pickup_move(
    ctx: Page,
    request: Request,
    booking_id: str,
    window: FormText = "",
    csrf: FormText = "",
    version: FormVersion = None,
) -> Response:
    def move(app: PickupApp, actor: Actor) -> Response:
        booking = _get(app, actor, booking_id)
        slot = _window(_offers(app, len(booking.sizes), booking.id), window)
        return _answer(
            ctx, app, actor, pickup.move_with_code(app.deps, actor, booking_id, slot, version)
        )

    return _booking_form(ctx, request, csrf, move)


def _staff(ctx: PageContext) -> Actor:
    return role_required(ctx, lambda a: a.is_staff)


@router.get("/pickup/staff", dependencies=[allow(Action.PICKUP_STAFF)])
def pickup_staff(ctx: Page, request: Request, report: str = "", handed: str = "") -> Response:
    actor = _staff(ctx)
    app = pickup_of(request)
    attempts = app.deps.attempts.recent(20) if app.deps.attempts is not None else []
    bookings = app.bookings_of(actor)
    return ctx.render(
        "pickup_staff.html",
        bookings=bookings,
        hand_over={b.id: pickup_kiosk.to_hand_over(app.deps, b) for b in bookings},
        handed=handed,
        attempts=attempts,
        outbox=app.outbox() if app.outbox is not None else None,
        outbox_labels=OUTBOX_LABELS,
        mask=mask,
        out_of_service=sorted(app.deps.out_of_service),
        report=report,
        now=app.deps.clock.now(),
        status_labels=STATUS_LABELS,
    )


@router.post("/pickup/staff/{booking_id}/counter", dependencies=[allow(Action.PICKUP_STAFF)])
def pickup_staff_counter(
    ctx: Page,
    request: Request,
    booking_id: str,
    samples: FormList | None = None,
    csrf: FormText = "",
) -> Response:
    """Staff handed the ticked samples over at the counter, after the customer's code was used
    at a kiosk (samples staged to the counter, or in a compartment that would not open)."""
    _staff(ctx)
    csrf_required(ctx, csrf)
    receipt = pickup_kiosk.collect_at_counter(pickup_of(request).deps, booking_id, samples or [])
    return _redirect(ctx, f"/pickup/staff?handed={','.join(receipt.collected)}")


@router.post("/pickup/staff/run", dependencies=[allow(Action.PICKUP_STAFF)])
def pickup_staff_run(ctx: Page, request: Request, csrf: FormText = "") -> Response:
    _staff(ctx)
    csrf_required(ctx, csrf)
    done = pickup_of(request).run_due()
    report = f"{len(done.staged)},{len(done.rescheduled)},{len(done.expired)}"
    return _redirect(ctx, f"/pickup/staff?report={report}")
