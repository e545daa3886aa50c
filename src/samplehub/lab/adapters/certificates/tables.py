"""The text of a certificate's tables, shared by the PDF and kept free of layout concerns."""

from __future__ import annotations

from samplehub.lab.domain.calibration import CalibrationSheet
from samplehub.lab.domain.certificate import Certificate, CertificateContent, CertificateKind
from samplehub.lab.domain.jjg52 import GaugeVerificationResult
from samplehub.lab.domain.numbers import format_signed, mpe_quantum

Row = tuple[str, ...]


def summary_rows(certificate: Certificate) -> list[Row]:
    """The first page's two-column table: who, what, by which document, the conclusion."""
    content = certificate.content
    instrument = content.instrument
    word = "校准" if certificate.kind is CertificateKind.CALIBRATION else "检定"
    rows: list[Row] = [
        ("委托单位 Customer", content.customer),
        ("地址 Address", content.customer_address),
        ("样品编号 Sample No.", content.sample_id),
        ("计量器具名称 Instrument", instrument.name),
        ("型号/规格 Model", instrument.model),
        ("出厂编号 Serial No.", instrument.serial_number),
        ("制造单位 Manufacturer", instrument.manufacturer),
        ("测量范围 Range", instrument.range_text),
        ("准确度等级 Accuracy", instrument.accuracy),
        (f"{word}依据 Based on", content.document),
        (f"{word}结论 Conclusion", content.decision),
        (f"{word}日期 Date", content.performed_on.isoformat()),
    ]
    if content.valid_until is not None:
        rows.append(("有效期至 Valid until", content.valid_until.isoformat()))
    people = [
        (f"{word}员 Performed by", certificate.entered_by.name),
        ("核验员 Reviewed by", certificate.reviewed_by.name if certificate.reviewed_by else ""),
        ("批准人 Approved by", certificate.approved_by.name if certificate.approved_by else ""),
    ]
    if certificate.replaces:
        rows.append(
            ("替代证书 Replaces", f"{certificate.replaces}（{certificate.correction_reason}）")
        )
    return rows + people


def gauge_rows(content: CertificateContent) -> list[Row]:
    """JJG 52 results: the errors of the four readings, hysteresis, tap and MPE at each point."""
    result = content.results
    assert isinstance(result, GaugeVerificationResult)
    unit = result.spec.unit
    rows: list[Row] = [
        (
            f"检定点 ({unit})",
            "升压轻敲前",
            "升压轻敲后",
            "降压轻敲前",
            "降压轻敲后",
            "回程误差",
            "轻敲位移",
            "最大允许误差",
        )
    ]
    for point in result.points:
        rows.append(
            (
                str(point.standard),
                *(format_signed(e) for e in point.errors),
                str(point.hysteresis),
                str(point.tap_displacement),
                f"±{point.mpe.quantize(mpe_quantum(point.mpe))}",
            )
        )
    zeros = "，".join(format_signed(z) for z in result.zero_deviations)
    rows.append(("零位误差", zeros, "", "", "", "", "", f"±{result.zero_mpe}"))
    return rows


def failure_lines(content: CertificateContent) -> list[str]:
    result = content.results
    assert isinstance(result, GaugeVerificationResult)
    return [f"{f.describe()}（{f.describe_en()}）" for f in result.failures]


def calibration_rows(content: CertificateContent) -> list[Row]:
    """Calibration results: reference, as found, as left, error, tolerance, U and k."""
    sheet = content.results
    assert isinstance(sheet, CalibrationSheet)
    unit = sheet.unit
    rows: list[Row] = [
        (
            f"标准值 ({unit})",
            "校准前示值",
            "校准后示值",
            "示值误差",
            "允许误差",
            "扩展不确定度 U",
            "k",
        )
    ]
    for p in sheet.points:
        rows.append(
            (
                str(p.nominal),
                "—" if p.as_found is None else str(p.as_found),
                str(p.as_left),
                format_signed(p.as_left_error),
                "—" if p.tolerance is None else f"±{p.tolerance}",
                str(p.expanded_uncertainty),
                str(p.coverage_factor),
            )
        )
    return rows
