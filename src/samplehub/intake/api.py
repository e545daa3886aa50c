"""The kiosk API (``/api/kiosk``): the same hand-in as the ``/kiosk`` page, for kiosk devices.

Start a session, send a photo (or take one with the platform camera), confirm or refuse, finish
for the receipt. Staff read the transport queue and redo failed labels and tags here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, Response, UploadFile, status

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.intake.schemas import (
    DeviceRedoOut,
    FieldsIn,
    ProposalOut,
    ReceiptLineOut,
    RefuseIn,
    SessionIn,
    SessionOut,
)
from samplehub.intake.service import queries as queries_intake
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.ports import MAX_IMAGE_BYTES
from samplehub.intake.service.queries import TransportRequest
from samplehub.intake.service.session import KioskSession
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, ServicesDep

router = APIRouter(prefix="/kiosk", tags=["kiosk"], dependencies=[allow(Action.KIOSK_DESK)])
queue = APIRouter(prefix="/kiosk", tags=["kiosk"], dependencies=[allow(Action.KIOSK_QUEUE)])
"""``router``: the hand-in at the kiosk desk; ``queue``: the staff's queues of what came in."""


def kiosk_desk(request: Request) -> KioskDesk:
    desk: KioskDesk | None = request.app.state.samplehub.kiosk
    if desk is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail={"error": "kiosk_unavailable", "message": "no kiosk is configured here"},
        )
    return desk


def start_session(desk: KioskDesk, actor: Actor, body: SessionIn) -> KioskSession:
    """Shared with the page: an order with its company's credit code, or a walk-in."""
    if body.order and body.order.strip():
        return desk.start_order(actor, body.order, body.credit_code or "")
    if not body.credit_code:
        raise InvalidValue("order", body.order, "an order number, or a walk-in's credit_code")
    if not body.phone:
        raise InvalidValue("phone", body.phone, "the walk-in contact's phone number")
    return desk.start_walk_in(
        actor,
        body.credit_code,
        body.phone,
        contact_name=body.contact_name,
        company_name=body.company_name,
        service=body.service,
    )


def read_upload(photo: UploadFile) -> bytes:
    """At most one byte over the limit is read, so the size check names the real problem."""
    return photo.file.read(MAX_IMAGE_BYTES + 1)


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
def create_session(
    body: SessionIn, actor: CurrentActor, request: Request, _s: ServicesDep
) -> SessionOut:
    desk = kiosk_desk(request)
    return SessionOut.of(start_session(desk, actor, body), desk)


@router.get("/sessions/{session_id}", response_model=SessionOut)
def get_session(session_id: str, actor: CurrentActor, request: Request) -> SessionOut:
    desk = kiosk_desk(request)
    return SessionOut.of(desk.session(actor, session_id), desk)


@router.post("/sessions/{session_id}/photo", response_model=ProposalOut)
def upload_photo(
    session_id: str,
    actor: CurrentActor,
    request: Request,
    photo: Annotated[UploadFile, File(description="JPEG, PNG, BMP, TIFF or WEBP; ≤ 20 MB")],
) -> ProposalOut:
    desk = kiosk_desk(request)
    data = read_upload(photo)
    return ProposalOut.of(desk.read_photo(actor, session_id, data, photo.filename or "photo"))


@router.post("/sessions/{session_id}/capture", response_model=ProposalOut)
def capture_photo(session_id: str, actor: CurrentActor, request: Request) -> ProposalOut:
    desk = kiosk_desk(request)
    return ProposalOut.of(desk.capture(actor, session_id))


@router.post("/sessions/{session_id}/confirm", response_model=ReceiptLineOut)
def confirm(
    session_id: str, body: FieldsIn, actor: CurrentActor, request: Request
) -> ReceiptLineOut:
    desk = kiosk_desk(request)
    confirmed = desk.confirm(actor, session_id, dict(body.fields), body.size_class)
    return ReceiptLineOut.of(confirmed, desk)


@router.post("/sessions/{session_id}/refuse", response_model=ReceiptLineOut)
def refuse(
    session_id: str, body: RefuseIn, actor: CurrentActor, request: Request
) -> ReceiptLineOut:
    desk = kiosk_desk(request)
    return ReceiptLineOut.of(desk.refuse(actor, session_id, dict(body.fields), body.reason), desk)


@router.post("/sessions/{session_id}/finish", response_model=SessionOut)
def finish(session_id: str, actor: CurrentActor, request: Request) -> SessionOut:
    desk = kiosk_desk(request)
    return SessionOut.of(desk.finish(actor, session_id), desk)


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def abandon(session_id: str, actor: CurrentActor, request: Request) -> Response:
    kiosk_desk(request).abandon(actor, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@queue.get("/transport-requests", response_model=list[TransportRequest])
def transport_requests(actor: CurrentActor, services: ServicesDep) -> list[TransportRequest]:
    """Received samples waiting to be carried to storage (staff queue), oldest first."""
    return queries_intake.transport_queue(services.uow_factory, actor)


@queue.get("/device-faults", response_model=list[TransportRequest])
def device_faults(actor: CurrentActor, services: ServicesDep) -> list[TransportRequest]:
    """Waiting samples whose label or RFID tag failed: print or write them again."""
    return queries_intake.device_faults(services.uow_factory, actor)


@router.post("/samples/{number}/{device}", response_model=DeviceRedoOut)
def redo_device(number: str, device: str, actor: CurrentActor, request: Request) -> DeviceRedoOut:
    """Print the label (``label``) or write the tag (``rfid``) of a received sample again."""
    ok, detail = kiosk_desk(request).redo_device(actor, number, device)
    return DeviceRedoOut(sample_number=number, device=device, ok=ok, detail=detail)
