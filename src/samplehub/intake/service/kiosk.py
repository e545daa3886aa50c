"""The kiosk (自助送样平台) use case: a customer's hand-in, step by step, on one touchscreen.

A session starts from an order (typed, or its QR code through a keyboard-wedge scanner) or as
a walk-in (credit code and phone). Each instrument is photographed, read, confirmed (or
corrected) and then received in one transaction; label and tag follow. Sessions live in this
process's memory only: they hold nothing but what the screen shows, so an abandoned or
timed-out session is simply dropped, and the database never holds half a hand-in.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from samplehub.core.domain.credit_code import validate_credit_code
from samplehub.core.domain.errors import Conflict, InvalidValue, NotFound
from samplehub.core.domain.messages import Message
from samplehub.core.domain.model import Contact, Role, Sample, Service
from samplehub.core.service.commands import Actor
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.ports import Clock, UnitOfWork
from samplehub.intake.domain.intake import DEVICE_LABEL, DEVICE_RFID, order_number_from_scan
from samplehub.intake.domain.nameplate_match import ExpectedItem, best_match
from samplehub.intake.service import commands as ci
from samplehub.intake.service.camera_ports import Camera
from samplehub.intake.service.devices import label_for, print_label, write_tag
from samplehub.intake.service.errors import other_company, photo_refused
from samplehub.intake.service.handlers import HandedIn
from samplehub.intake.service.kiosk_sessions import KioskSessions
from samplehub.intake.service.ports import (
    IntakeDeviceError,
    LabelPrinter,
    NameplateVision,
    RfidWriter,
    UnreadableImageError,
    VisionResult,
    check_image_size,
)
from samplehub.intake.service.session import (
    INSTRUMENT_FIELDS,
    KioskOptions,
    KioskSession,
    Proposal,
    ReceiptLine,
    clean_fields,
    plain,
)

log = logging.getLogger(__name__)
BUSY_RETRIES = 5  # on top of the bus's own: eight kiosks may commit to one custody chain at once


@dataclass(eq=False, repr=False)
class KioskDesk:
    """The kiosk sessions of this process and the steps a session goes through."""

    bus: MessageBus
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    options: KioskOptions
    _: KW_ONLY
    vision: NameplateVision
    printer: LabelPrinter
    rfid: RfidWriter
    camera: Camera | None = None
    sessions: KioskSessions = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = KioskSessions(self.clock, self.options.idle_timeout_s)

    def _handle(self, command: Any) -> Any:
        """The bus, retried a few more times with a random pause while others hold the chain.

        A lost race changes nothing (the transaction rolled back), so replaying it is safe.
        """
        for attempt in range(BUSY_RETRIES):
            try:
                return self.bus.handle(command)
            except Conflict:
                if attempt == BUSY_RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    # -- sessions ---------------------------------------------------------------------------

    def _check_role(self, actor: Actor) -> None:
        if actor.role not in (Role.KIOSK, Role.ADMIN):
            from samplehub.core.domain.errors import Forbidden

            raise Forbidden(actor.username, "use the intake kiosk")

    def session(self, actor: Actor, session_id: str) -> KioskSession:
        """The actor's live session (touching it); refused once ended, abandoned or idle."""
        self._check_role(actor)
        return self.sessions.touch(actor.username, session_id)

    def _active(self, actor: Actor, session_id: str) -> KioskSession:
        self._check_role(actor)
        return self.sessions.active(actor.username, session_id)

    def start_order(self, actor: Actor, scanned: str, credit_code: str) -> KioskSession:
        """A session for a pre-registered order: the walk-in proves it is theirs with the
        company's credit code (an order number alone is guessable, it is sequential)."""
        self._check_role(actor)
        number = order_number_from_scan(scanned)
        code = validate_credit_code(credit_code)
        with self.uow_factory() as uow:
            order = uow.orders.get(number)
            customer = uow.customers.get(order.customer_id) if order is not None else None
        if order is None or customer is None:
            raise NotFound("order", number)
        if code != customer.credit_code:
            raise other_company(number, code)
        return self.sessions.open(
            actor.username,
            service=order.service.value,
            customer_id=customer.id,
            customer_name=customer.name,
            credit_code=customer.credit_code,
            order_number=order.number,
            walk_in=None,
            expected=list(order.items),
        )

    def start_walk_in(
        self,
        actor: Actor,
        credit_code: str,
        phone: str,
        *,
        contact_name: str = "",
        company_name: str | None = None,
        service: str = "verification",
    ) -> KioskSession:
        """A walk-in session; the kiosk order (and customer, if new) is made on first receipt."""
        self._check_role(actor)
        code = validate_credit_code(credit_code)
        contact = Contact(contact_name.strip() or "送样人", phone.strip())
        chosen = Service.parse(service)
        with self.uow_factory() as uow:
            customer = uow.customers.by_credit_code(code)
        if customer is None and not (company_name and company_name.strip()):
            raise InvalidValue(
                "company_name",
                company_name,
                f"the name of the company with credit code {code} (it is not registered yet)",
                Message("intake.allowed_company_name", {"code": code}),
            )
        name = customer.name if customer is not None else (company_name or "").strip()
        return self.sessions.open(
            actor.username,
            service=chosen.value,
            customer_id=customer.id if customer is not None else None,
            customer_name=name,
            credit_code=code,
            order_number=None,
            walk_in=ci.WalkIn(code, contact.phone, contact.name, name),
            expected=[],
        )

    def abandon(self, actor: Actor, session_id: str) -> None:
        """Drop the session; nothing it showed was written, and what was received stays."""
        self._check_role(actor)
        self.sessions.drop(actor.username, session_id)

    def finish(self, actor: Actor, session_id: str) -> KioskSession:
        """Close the hand-in; the session stays readable for its receipt until it idles out."""
        found = self.session(actor, session_id)
        found.finished = True
        found.proposal = None
        return found

    # -- photo and proposal -----------------------------------------------------------------

    def read_photo(self, actor: Actor, session_id: str, data: bytes, name: str) -> Proposal:
        """Read an uploaded photo; a file that is no usable image is refused, naming why."""
        session = self._active(actor, session_id)
        try:
            check_image_size(len(data), name)
            result = self.vision.read_image(data, name)
        except UnreadableImageError as error:
            raise photo_refused(error.field, error.value, error.allowed, error.text) from None
        proposal = self._propose(session, result, name)
        self._active(actor, session_id).proposal = proposal
        return proposal

    def capture(self, actor: Actor, session_id: str) -> Proposal:
        """Take the platform camera's photo and read it."""
        self._active(actor, session_id)
        if self.camera is None:
            raise InvalidValue(
                "camera",
                None,
                "a platform camera (none is configured); upload",
                Message("intake.allowed_no_camera"),
            )
        try:
            photo = self.camera.capture()
        except IntakeDeviceError as error:
            log.warning("kiosk camera failed: %s", error)
            raise InvalidValue(
                "camera",
                str(error),
                "a camera that gives a frame",
                Message("intake.allowed_camera_frame"),
            ) from None
        return self.read_photo(actor, session_id, photo.data, photo.name)

    def _propose(self, session: KioskSession, result: VisionResult, name: str) -> Proposal:
        reading = result.reading
        values = reading.values()
        confidences = reading.confidences()
        items = [
            ExpectedItem(str(i), item.serial_number, item.instrument_type, item.model)
            for i, item in enumerate(session.expected)
        ]
        match = best_match(reading, items)
        return Proposal(
            photo_name=name,
            fields={k: plain(values[k]) for k in INSTRUMENT_FIELDS},
            confidence={k: round(confidences[k], 3) for k in INSTRUMENT_FIELDS},
            codes=[{"format": c.format, "text": c.text} for c in result.codes],
            lines=list(result.lines),
            item_index=int(match.item_id) if match else None,
            match_score=match.score if match else 0.0,
            match_reasons=match.reasons if match else (),
            elapsed_ms=round(result.elapsed_ms, 1),
        )

    # -- confirm or refuse ------------------------------------------------------------------

    def confirm(
        self, actor: Actor, session_id: str, fields: dict[str, Any], size_class: str | None = None
    ) -> ReceiptLine:
        """Receive the instrument as confirmed: one transaction, then label and tag.
        ``size_class`` overrides the storage size the instrument's type and range give."""
        session, sample = self._hand_in(
            actor,
            session_id,
            fields,
            ci.ReceiveAtKiosk,
            size_class=size_class,
            epc_company_prefix=self.options.epc_company_prefix,
            epc_filter=self.options.epc_filter,
        )
        line = ReceiptLine(
            sample.number,
            sample.instrument.to_dict(),
            "received",
            epc_hex=sample.epc,
            epc_uri=sample.epc_uri,
            transport_requested=True,
        )
        self._devices(actor, session.customer_name, sample, line)
        return self._add_line(session, line)

    def refuse(
        self, actor: Actor, session_id: str, fields: dict[str, Any], reason: str
    ) -> ReceiptLine:
        """Refuse the instrument (e.g. damaged): registered and rejected with the reason."""
        session, sample = self._hand_in(actor, session_id, fields, ci.RefuseAtKiosk, reason=reason)
        line = ReceiptLine(sample.number, sample.instrument.to_dict(), "refused", reason.strip())
        return self._add_line(session, line)

    def _hand_in(
        self,
        actor: Actor,
        session_id: str,
        fields: dict[str, Any],
        command: type[ci.KioskHandIn],
        size_class: str | None = None,
        **options: Any,
    ) -> tuple[KioskSession, Sample]:
        """Send the session's hand-in ``command`` for the instrument ``fields`` describe."""
        session = self._active(actor, session_id)
        instrument = clean_fields(fields)
        if size_class:
            instrument["size_class"] = size_class
        handed: HandedIn = self._handle(
            command(
                actor,
                session.order_number,
                session.walk_in,
                session.service,
                instrument,
                self.options.location,
                **options,
            )
        )
        self._took(session, handed)
        return session, handed.sample

    @staticmethod
    def _add_line(session: KioskSession, line: ReceiptLine) -> ReceiptLine:
        session.lines.append(line)
        session.proposal = None
        return line

    def _took(self, session: KioskSession, handed: HandedIn) -> None:
        if session.order_number is None:  # a walk-in's first instrument made the kiosk order
            session.order_number = handed.order_number
            session.customer_id = handed.customer_id

    # -- devices ----------------------------------------------------------------------------

    def tracking_url(self, sample_number: str) -> str:
        return f"{self.options.public_url.rstrip('/')}/samples/{sample_number}"

    def order_url(self, order_number: str) -> str:
        return f"{self.options.public_url.rstrip('/')}/orders#{order_number}"

    def _devices(self, actor: Actor, customer_name: str, sample: Sample, line: ReceiptLine) -> None:
        ok_tag, tag_detail = write_tag(self.rfid, sample.epc or "")  # read back before the label
        ok_label, label_detail = print_label(
            self.printer, label_for(sample, customer_name, self.tracking_url(sample.number))
        )
        line.label, line.label_message = ("done" if ok_label else "failed"), label_detail
        line.rfid, line.rfid_message = ("done" if ok_tag else "failed"), tag_detail
        self._record(
            actor,
            sample.number,
            ((DEVICE_LABEL, ok_label, label_detail), (DEVICE_RFID, ok_tag, tag_detail)),
        )

    def _record(
        self, actor: Actor, sample_number: str, outcomes: tuple[tuple[str, bool, str], ...]
    ) -> None:
        try:
            self._handle(ci.RecordIntakeDevices(actor, sample_number, outcomes))
        except Exception:  # the receipt is committed; a lost device note is logged, not fatal
            log.exception("recording the device outcome of %s failed", sample_number)

    def redo_device(self, actor: Actor, sample_number: str, device: str) -> tuple[bool, str]:
        """Print the label again or write the tag again for a received sample (staff queue)."""
        self._check_role(actor)
        if device not in (DEVICE_LABEL, DEVICE_RFID):
            raise InvalidValue("device", device, f"{DEVICE_LABEL}, {DEVICE_RFID}")
        with self.uow_factory() as uow:
            sample = uow.samples.get(sample_number)
            customer = uow.customers.get(sample.customer_id) if sample is not None else None
        if sample is None or customer is None:
            raise NotFound("sample", sample_number)
        if not sample.epc:
            raise InvalidValue("sample_number", sample_number, "a sample received at a kiosk")
        if device == DEVICE_LABEL:
            ok, detail = print_label(
                self.printer, label_for(sample, customer.name, self.tracking_url(sample.number))
            )
        else:
            ok, detail = write_tag(self.rfid, sample.epc)
        self._record(actor, sample_number, ((device, ok, detail),))
        return ok, detail
