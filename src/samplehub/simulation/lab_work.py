"""A gauge's lab work as the demo lab staff do it: results entered by 检定员 王工, reviewed by
核验员 李工, approved and issued by 批准人 张主任, each a lab command through the bus (the
four-eyes rule holds), so the sample's chain of custody shows every signature."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from samplehub.core.service import commands as c
from samplehub.lab.domain import demo as metrology_demo
from samplehub.lab.domain.certificate import Actor as MetrologyActor
from samplehub.lab.domain.certificate import Instrument as MetrologyInstrument
from samplehub.lab.service import certificates as lab
from samplehub.lab.service import commands as lc

ENTRANT = MetrologyActor("lab", "检定员 王工", frozenset({"lab"}))
REVIEWER = MetrologyActor("lab2", "核验员 李工", frozenset({"lab"}))
APPROVER = MetrologyActor("approver", "批准人 张主任", frozenset({"approver"}))
ADDRESS = "福建省福州市鼓楼区示范路 88 号"


def certify_gauge(
    handle: Callable[[Any], Any],
    sample_number: str,
    customer: str,
    gauge: dict[str, str],
    now: datetime,
) -> str:
    """Enter passing readings for a (0～1.6) MPa class 1.6 gauge and sign its verification
    certificate through review, approval and issue; returns the certificate number."""
    header = lab.WorkHeader(
        sample_id=sample_number,
        customer=customer,
        customer_address=ADDRESS,
        instrument=MetrologyInstrument(
            name=gauge.get("instrument_type", "弹簧管压力表"),
            type_code="pressure_gauge",
            manufacturer=gauge.get("manufacturer", ""),
            model=gauge.get("model", ""),
            serial_number=gauge.get("serial_number", ""),
            range_text="(0～1.6) MPa",
            accuracy="1.6级",
        ),
        standards=metrology_demo.STANDARDS,
        environment=metrology_demo.ENVIRONMENT,
        performed_on=now.date(),
    )
    system = c.SYSTEM
    certificate = handle(
        lc.RecordGaugeReadings(
            system, ENTRANT, now, header, metrology_demo.GAUGE, metrology_demo.PASSING_POINTS,
            [Decimal("0"), Decimal("0.002")],
        )
    )  # fmt: skip
    number: str = certificate.number
    handle(lc.ReviewCertificate(system, REVIEWER, now, number))
    handle(lc.ApproveCertificate(system, APPROVER, now, number))
    handle(lc.IssueCertificate(system, APPROVER, now, number))
    return number
