"""Worked examples (a passing and a failing gauge, a calibration) for `seed --demo` and tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from samplehub.lab.domain.calibration import (
    CalibrationReading,
    CalibrationRule,
    CalibrationSheet,
    Tolerance,
    ToleranceBasis,
    evaluate_calibration,
)
from samplehub.lab.domain.certificate import (
    CertificateContent,
    Environment,
    Instrument,
    ReferenceStandard,
)
from samplehub.lab.domain.dates import valid_until
from samplehub.lab.domain.jjg52 import GaugeSpec, GaugeVerificationResult, PointReadings, evaluate

PERFORMED_ON = date(2026, 11, 20)

GAUGE = GaugeSpec(Decimal("0"), Decimal("1.6"), "MPa", "1.6")

PASSING_POINTS = (
    PointReadings(*(Decimal(v) for v in ("0", "0.000", "0.000", "0.002", "0.002"))),
    PointReadings(*(Decimal(v) for v in ("0.4", "0.402", "0.404", "0.408", "0.410"))),
    PointReadings(*(Decimal(v) for v in ("0.8", "0.806", "0.808", "0.812", "0.812"))),
    PointReadings(*(Decimal(v) for v in ("1.2", "1.204", "1.206", "1.212", "1.214"))),
    PointReadings(*(Decimal(v) for v in ("1.6", "1.610", "1.612", "1.612", "1.612"))),
)

FAILING_POINTS = (
    *PASSING_POINTS[:3],
    PointReadings(*(Decimal(v) for v in ("1.2", "1.222", "1.230", "1.236", "1.240"))),
    PASSING_POINTS[4],
)

STANDARDS = (
    ReferenceStandard(
        name="数字压力计",
        identifier="STD-P-0007",
        certificate_number="ZS2026-000101",
        accuracy="0.05级",
        valid_until=date(2027, 3, 31),
    ),
)

THERMOMETER = Instrument(
    name="数字温度计",
    type_code="digital_thermometer",
    manufacturer="杭州测温仪器厂",
    model="DT-200",
    serial_number="T-7781",
    range_text="(0～100) °C",
    accuracy="MPE ±0.5 °C",
)

THERMOMETER_STANDARDS = (
    ReferenceStandard(
        name="标准铂电阻温度计",
        identifier="STD-T-0003",
        certificate_number="ZS2026-000088",
        accuracy="二等",
        valid_until=date(2027, 6, 30),
    ),
)

ENVIRONMENT = Environment(temperature_c="20.5", humidity_pct="48", location="压力实验室 2 号台")


def gauge_instrument() -> Instrument:
    return Instrument(
        name="弹簧管式一般压力表",
        type_code="pressure_gauge",
        manufacturer="上海仪表厂",
        model="Y-100",
        serial_number="P2026-0042",
        range_text="(0～1.6) MPa",
        accuracy="1.6级",
    )


def gauge_content(*, passing: bool = True) -> CertificateContent:
    """A 0-1.6 MPa class 1.6 gauge that passes (or fails the indication error at 1.2 MPa)."""
    points = PASSING_POINTS if passing else FAILING_POINTS
    result = evaluate(GAUGE, points, [Decimal("0"), Decimal("0.002")])
    return _for_demo_customer(
        "JX2026-000123",
        gauge_instrument(),
        "JJG 52-2013",
        STANDARDS,
        ENVIRONMENT,
        valid_until(PERFORMED_ON, 6) if result.passed else None,
        result,
    )


def calibration_content() -> CertificateContent:
    """A digital thermometer calibrated at three points against a +-0.5 °C tolerance."""
    rule = CalibrationRule(
        "temperature", "°C", Tolerance(ToleranceBasis.ABSOLUTE, Decimal("0.5")), 3
    )
    readings = [
        CalibrationReading(
            Decimal("0"), Decimal("0.12"), Decimal("0.062"), Decimal(2), Decimal("0.31")
        ),
        CalibrationReading(
            Decimal("50"), Decimal("50.08"), Decimal("0.07"), Decimal(2), Decimal("50.2")
        ),
        CalibrationReading(
            Decimal("100"), Decimal("99.91"), Decimal("0.081"), Decimal(2), Decimal("99.4")
        ),
    ]
    return _for_demo_customer(
        "JX2026-000124",
        THERMOMETER,
        "SH-CM-T01（院内校准方法）",
        THERMOMETER_STANDARDS,
        Environment("20.1", "45", "温度实验室恒温槽"),
        None,
        evaluate_calibration(rule, readings),
    )


def _for_demo_customer(
    sample_id: str,
    instrument: Instrument,
    document: str,
    standards: tuple[ReferenceStandard, ...],
    environment: Environment,
    until: date | None,
    results: GaugeVerificationResult | CalibrationSheet,
) -> CertificateContent:
    """A certificate for the demo customer, worked on ``PERFORMED_ON``."""
    return CertificateContent(
        sample_id=sample_id,
        customer="示例化工有限公司",
        customer_address="上海市浦东新区示例路 1 号",
        instrument=instrument,
        document=document,
        standards=standards,
        environment=environment,
        performed_on=PERFORMED_ON,
        valid_until=until,
        results=results,
    )
