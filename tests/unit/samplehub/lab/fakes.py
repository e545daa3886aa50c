"""The lab tests' doubles: certificate renderer, DCC writer and sheet reader fakes beside their
ports, and a unit of work whose custody append fails."""

from __future__ import annotations

from decimal import Decimal

from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.messages import Message
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import Certificate, Status
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.jjg52 import ElasticGaugeRule, GaugeSpec, PointReadings


class FakeRenderer:
    """Returns a recognisable byte string and remembers what it rendered."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Status]] = []

    def render(self, certificate: Certificate, verify_url: str) -> bytes:
        self.calls.append((certificate.number, verify_url, certificate.status))
        return f"%PDF {certificate.number}".encode()


class FakeDcc:
    def write(self, certificate: Certificate) -> bytes:
        return f"<dcc>{certificate.number}</dcc>".encode()


class FakeSheets:
    """Serves the demo's readings for "good.csv" and refuses anything else like a bad sheet."""

    def read_gauge(
        self, name: str, data: bytes, spec: GaugeSpec, rule: ElasticGaugeRule
    ) -> tuple[PointReadings, ...]:
        if name != "good.csv":
            raise MetrologyInputError(
                "C3", data.decode(), "a number such as 1.6", Message("lab.allowed_number")
            )
        return demo.PASSING_POINTS

    def read_calibration(self, name: str, data: bytes) -> list[demo.CalibrationReading]:
        return [demo.CalibrationReading(Decimal(v), Decimal(v), Decimal("0.1")) for v in "012"]


class CustodyFails(MemoryAppUnitOfWork):
    """A unit of work whose custody append fails: after the certificate row was written."""

    def __enter__(self) -> CustodyFails:
        super().__enter__()
        audit_log = self.audit

        class Failing:
            def last(self) -> AuditRecord | None:
                return audit_log.last()

            def records(self, sample_number: str | None = None) -> list[AuditRecord]:
                return audit_log.records(sample_number)

            def append(self, records: object) -> None:
                raise OSError("disk full while appending the custody record")

        self.audit = Failing()
        return self
