"""Certificates from the lab console and API, each step also a record in the chain of custody.

The certificate store is its own repository (``CertificateRepository``), not part of the unit
of work, so a step is two writes: the certificate first, then its ``CertificateStep`` custody
record. The certificate is written only once every check (four eyes, status, readings) has
passed, and the custody record is written right after it; should that second write fail, the
step is retried by ``record_missing_steps``, which compares the certificate's own event list
(kept in the certificate store, in the same write as the change) with the custody chain and
appends what is missing. So the custody chain never claims a step that did not happen, and a
step that happened is at worst recorded late, never lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from samplehub.core.domain import audit, permissions
from samplehub.core.domain.errors import Forbidden, NotFound
from samplehub.core.domain.lab_events import CertificateStep
from samplehub.core.domain.model import Sample
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import Clock, UnitOfWork
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.certificate import Actor as CertActor
from samplehub.lab.domain.certificate import (
    Certificate,
    Environment,
    Instrument,
    ReferenceStandard,
    Status,
)
from samplehub.lab.domain.jjg52 import GaugeSpec, PointReadings
from samplehub.lab.service import certificates as lab
from samplehub.lab.service.certificates import LabDeps, WorkHeader

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]
CHINA = timezone(timedelta(hours=8))
_STEP_OF_EVENT = {
    "entered": "entered",
    "revised": "revised",
    "reviewed": "reviewed",
    "approved": "approved",
    "issued": "issued",
}


@dataclass(frozen=True)
class WorkConditions:
    """What the person at the bench states besides the readings."""

    temperature_c: str
    humidity_pct: str
    location: str


class CertificateDesk:
    """Record results for a sample and take its certificate through review, approval, issue."""

    def __init__(
        self,
        deps: LabDeps,
        uow_factory: UowFactory,
        clock: Clock,
        standards: Mapping[str, tuple[ReferenceStandard, ...]],
        customer_intervals: Mapping[str, Mapping[str, int]],
    ) -> None:
        self.deps = deps
        self.uow_factory = uow_factory
        self.clock = clock
        self.standards = standards
        self.customer_intervals = customer_intervals

    # who --------------------------------------------------------------------------------
    def signer(self, actor: Actor) -> CertActor:
        """The person as the certificate names them, with the roles they hold."""
        if not permissions.may_work_in_lab(actor.role):
            raise Forbidden(actor.username, "work on certificates")
        with self.uow_factory() as uow:
            user = uow.users.get(actor.username)
        name = user.display_name if user is not None and user.display_name else actor.username
        roles = {actor.role.value}
        if permissions.may_approve_certificates(actor.role):
            roles.add("approver")
        return CertActor(actor.username, name, frozenset(roles))

    # results ----------------------------------------------------------------------------
    def header(
        self,
        sample: Sample,
        type_code: str,
        conditions: WorkConditions,
        range_text: str,
        accuracy: str,
    ) -> WorkHeader:
        with self.uow_factory() as uow:
            customer = uow.customers.get(sample.customer_id)
        if customer is None:
            raise NotFound("customer", sample.customer_id)
        rule = self.deps.rules.get(type_code)
        instrument = sample.instrument
        return WorkHeader(
            sample_id=sample.number,
            customer=customer.name,
            customer_address="",
            instrument=Instrument(
                name=instrument.instrument_type,
                type_code=type_code,
                manufacturer=instrument.manufacturer or "/",
                model=instrument.model or "/",
                serial_number=instrument.serial_number or "/",
                range_text=range_text,
                accuracy=accuracy,
            ),
            standards=self.standards.get(rule.discipline, ()),
            environment=Environment(
                conditions.temperature_c, conditions.humidity_pct, conditions.location
            ),
            performed_on=self.today(),
            interval_months=self.customer_intervals.get(customer.credit_code, {}).get(type_code),
        )

    def today(self) -> date:
        return self.clock.now().astimezone(CHINA).date()

    def record_gauge(
        self,
        actor: Actor,
        header: WorkHeader,
        spec: GaugeSpec,
        points: Sequence[PointReadings],
        zero: Sequence[Decimal],
    ) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.record_gauge_readings(self.deps, header, spec, points, zero, by, now)
        self._record(certificate, "entered", by.user_id, now)
        return certificate

    def import_gauge(
        self,
        actor: Actor,
        header: WorkHeader,
        spec: GaugeSpec,
        name: str,
        data: bytes,
        zero: Sequence[Decimal],
    ) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.import_gauge_readings(self.deps, header, spec, name, data, zero, by, now)
        self._record(certificate, "entered", by.user_id, now, f"imported from {name}")
        return certificate

    def record_calibration(
        self, actor: Actor, header: WorkHeader, readings: Sequence[CalibrationReading]
    ) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.record_calibration_readings(self.deps, header, readings, by, now)
        self._record(certificate, "entered", by.user_id, now)
        return certificate

    def import_calibration(
        self, actor: Actor, header: WorkHeader, name: str, data: bytes
    ) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.import_calibration_readings(self.deps, header, name, data, by, now)
        self._record(certificate, "entered", by.user_id, now, f"imported from {name}")
        return certificate

    # the four eyes ------------------------------------------------------------------------
    def review(self, actor: Actor, number: str) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.review(self.deps, number, by, now)
        self._record(certificate, "reviewed", by.user_id, now)
        return certificate

    def return_for_rework(self, actor: Actor, number: str, reason: str) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.return_for_rework(self.deps, number, by, now, reason)
        self._record(certificate, "returned", by.user_id, now, reason.strip())
        return certificate

    def approve(self, actor: Actor, number: str) -> Certificate:
        by, now = self.signer(actor), self.clock.now()
        certificate = lab.approve(self.deps, number, by, now)
        self._record(certificate, "approved", by.user_id, now)
        if certificate.replaces:
            old = lab.get(self.deps, certificate.replaces)
            self._record(old, "superseded", by.user_id, now, f"by {certificate.number}")
        return certificate

    def issue(self, actor: Actor, number: str) -> bytes:
        by, now = self.signer(actor), self.clock.now()
        pdf = lab.issue(self.deps, number, now)
        certificate = lab.get(self.deps, number)
        self._record(certificate, "issued", by.user_id, now, certificate.pdf_sha256)
        return pdf

    def for_sample(self, number: str) -> list[Certificate]:
        return self.deps.certificates.find(sample_id=number)

    def waiting(self) -> dict[str, list[Certificate]]:
        """Drafts to review, reviewed ones to approve, approved ones to issue."""
        found = self.deps.certificates.find(
            statuses=frozenset({Status.DRAFT.value, Status.REVIEWED.value, Status.APPROVED.value})
        )
        return {
            status.value: [c for c in found if c.status is status]
            for status in (Status.DRAFT, Status.REVIEWED, Status.APPROVED)
        }

    # the custody record -----------------------------------------------------------------
    def _record(
        self, certificate: Certificate, step: str, by: str, at: datetime, detail: str | None = None
    ) -> None:
        event = CertificateStep(
            by, at, certificate.number, certificate.content.sample_id, step, detail
        )
        try:
            with self.uow_factory() as uow:
                uow.audit.append(audit.chain([event], uow.audit.last()))
                uow.commit()
        except Exception:  # the certificate is saved; record_missing_steps catches up
            log.exception("custody record of %s %s not written", certificate.number, step)

    def record_missing_steps(self, sample_number: str) -> int:
        """Append custody records for certificate events the chain lacks; returns how many."""
        with self.uow_factory() as uow:
            recorded = {
                (payload["certificate"], payload["step"])
                for record in uow.audit.records(sample_number=sample_number)
                if record.event_type == "CertificateStep"
                for payload in (json.loads(record.payload),)
            }
        added = 0
        for certificate in self.for_sample(sample_number):
            for event in certificate.events:
                step = _STEP_OF_EVENT.get(event.name)
                if step is None or (certificate.number, step) in recorded:
                    continue
                self._record(certificate, step, event.by, event.at, "recorded late")
                recorded.add((certificate.number, step))
                added += 1
        return added
