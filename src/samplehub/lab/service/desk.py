"""Certificates from the lab console and API: a thin facade that sends the lab's commands.

Each step (entered, revised, reviewed, returned, approved, issued, superseded) is a command
handled in one unit of work, so the certificate and its ``CertificateStep`` custody record
commit in one transaction: the chain of custody never lacks a step that happened, nor claims
one that did not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import Forbidden, NotFound
from samplehub.core.domain.model import Sample
from samplehub.core.service.commands import Actor, Command
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
from samplehub.lab.domain.rules import InstrumentTypeRule, Method
from samplehub.lab.service import commands as lc
from samplehub.lab.service.certificates import LabDeps, WorkHeader

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class WorkConditions:
    """What the person at the bench states besides the readings."""

    temperature_c: str
    humidity_pct: str
    location: str


@dataclass(eq=False, repr=False)
class CertificateDesk:
    """Record results for a sample and take its certificate through review, approval, issue."""

    deps: LabDeps
    handle: Callable[[Command], Any]  # MessageBus.handle
    uow_factory: UowFactory
    clock: Clock
    standards: Mapping[str, tuple[ReferenceStandard, ...]]
    customer_intervals: Mapping[str, Mapping[str, int]]

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

    def _signed(self, actor: Actor) -> tuple[Actor, CertActor, datetime]:
        """Who asks, who signs and when: the fields every certificate step starts with."""
        return actor, self.signer(actor), self.clock.now()

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

    def gauge_header(
        self, sample: Sample, type_code: str, conditions: WorkConditions, spec: GaugeSpec
    ) -> WorkHeader:
        """The header of a gauge's certificate, with the range and class its spec gives."""
        range_text = f"({spec.range_min}～{spec.range_max}) {spec.unit}"
        return self.header(sample, type_code, conditions, range_text, f"{spec.accuracy_class}级")

    def import_sheet(
        self,
        actor: Actor,
        sample: Sample,
        rule: InstrumentTypeRule,
        conditions: WorkConditions,
        sheet: tuple[str, bytes],
        gauge: Callable[[], tuple[GaugeSpec, list[Decimal]]],
    ) -> Certificate:
        """Import a results ``sheet`` (its name and bytes) by the method of ``rule``; a gauge's
        spec and zero readings come from ``gauge``, which is asked only for a gauge."""
        name, data = sheet
        if rule.method is Method.ELASTIC_GAUGE:
            spec, zero = gauge()
            header = self.gauge_header(sample, rule.code, conditions, spec)
            return self.import_gauge(actor, header, spec, name, data, zero)
        header = self.header(sample, rule.code, conditions, "", "/")
        return self.import_calibration(actor, header, name, data)

    def today(self) -> date:
        """The institute's calendar day (its time zone, ``LabDeps.zone``)."""
        return self.clock.now().astimezone(self.deps.zone).date()

    def record_gauge(
        self,
        actor: Actor,
        header: WorkHeader,
        spec: GaugeSpec,
        points: Sequence[PointReadings],
        zero: Sequence[Decimal],
    ) -> Certificate:
        return self._send(lc.RecordGaugeReadings(*self._signed(actor), header, spec, points, zero))

    def import_gauge(
        self,
        actor: Actor,
        header: WorkHeader,
        spec: GaugeSpec,
        name: str,
        data: bytes,
        zero: Sequence[Decimal],
    ) -> Certificate:
        return self._send(
            lc.ImportGaugeReadings(*self._signed(actor), header, spec, name, data, zero)
        )

    def record_calibration(
        self, actor: Actor, header: WorkHeader, readings: Sequence[CalibrationReading]
    ) -> Certificate:
        return self._send(lc.RecordCalibrationReadings(*self._signed(actor), header, readings))

    def import_calibration(
        self, actor: Actor, header: WorkHeader, name: str, data: bytes
    ) -> Certificate:
        return self._send(lc.ImportCalibrationReadings(*self._signed(actor), header, name, data))

    # the four eyes ------------------------------------------------------------------------
    # ``version``: the one the caller loaded; a save over a newer one is refused (409)
    def review(self, actor: Actor, number: str, version: int | None = None) -> Certificate:
        return self._send(lc.ReviewCertificate(*self._signed(actor), number, version))

    def return_for_rework(
        self, actor: Actor, number: str, reason: str, version: int | None = None
    ) -> Certificate:
        return self._send(lc.ReturnCertificate(*self._signed(actor), number, reason, version))

    def approve(self, actor: Actor, number: str, version: int | None = None) -> Certificate:
        return self._send(lc.ApproveCertificate(*self._signed(actor), number, version))

    def issue(self, actor: Actor, number: str, version: int | None = None) -> bytes:
        pdf: bytes = self.handle(lc.IssueCertificate(*self._signed(actor), number, version))
        return pdf

    def for_sample(self, number: str) -> list[Certificate]:
        return self.deps.certificates.find(sample_id=number)

    def waiting(self) -> dict[str, list[Certificate]]:
        """Drafts to review, reviewed ones to approve, approved ones to issue, by the status's
        name (``draft``, ``reviewed``, ``approved``)."""
        found = self.deps.certificates.find(
            statuses=frozenset({Status.DRAFT.value, Status.REVIEWED.value, Status.APPROVED.value})
        )
        return {
            status.name.lower(): [c for c in found if c.status is status]
            for status in (Status.DRAFT, Status.REVIEWED, Status.APPROVED)
        }

    def _send(self, command: lc.CertificateCommand) -> Certificate:
        certificate: Certificate = self.handle(command)
        return certificate
