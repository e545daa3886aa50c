"""The lab console (/lab); the public certificate check is lab.verify_pages.

Staff with a lab role see the queues, request samples to a bench, scan them in, record results,
send them back, and take certificates through review (核验), approval (批准) and issue. Every
form carries the CSRF token; a refused step re-renders the page with the reason, saving nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import Response

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import DomainError, InvalidValue
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.model import Sample
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.certificate import STATUS_LABELS
from samplehub.lab.domain.jjg52 import GaugeSpec, PointReadings
from samplehub.lab.domain.numbers import parse_decimal
from samplehub.lab.domain.rules import Method
from samplehub.lab.service import certificates as lab
from samplehub.lab.service.desk import CertificateDesk, WorkConditions
from samplehub.lab.service.services import LabServices
from samplehub.web.access import allow
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import FormText, FormVersion, Page, PageContext
from samplehub.web.error_text import error_text
from samplehub.web.pages import _redirect, csrf_required, role_required

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.LAB_WORK)])
GAUGE_FIELDS = ("standard", "up_before_tap", "up_after_tap", "down_before_tap", "down_after_tap")
CAL_FIELDS = ("nominal", "as_found", "as_left", "expanded_uncertainty", "coverage_factor")
MAX_ROWS = 12
# what the lab's templates look values up in: value -> catalogue message id
LABELS = {
    "done_labels": {
        "requested": message_id("lab.done_requested"),
        "arrived": message_id("lab.done_arrived"),
        "returned": message_id("lab.done_returned"),
        "reviewed": message_id("lab.done_reviewed"),
        "rework": message_id("lab.done_rework"),
        "approved": message_id("lab.done_approved"),
        "issued": message_id("lab.done_issued"),
        "entered": message_id("lab.done_entered"),
    },
    "discipline_labels": {
        "pressure": message_id("lab.disc_pressure"),
        "temperature": message_id("lab.disc_temperature"),
        "electrical": message_id("lab.disc_electrical"),
        "mass": message_id("lab.disc_mass"),
        "other": message_id("lab.disc_other"),
    },
    "gauge_labels": {
        "standard": message_id("lab.g_standard"),
        "up_before_tap": message_id("lab.g_up_before_tap"),
        "up_after_tap": message_id("lab.g_up_after_tap"),
        "down_before_tap": message_id("lab.g_down_before_tap"),
        "down_after_tap": message_id("lab.g_down_after_tap"),
    },
    "calibration_labels": {
        "nominal": message_id("lab.c_nominal"),
        "as_found": message_id("lab.c_as_found"),
        "as_left": message_id("lab.c_as_left"),
        "expanded_uncertainty": message_id("lab.c_expanded_uncertainty"),
        "coverage_factor": message_id("lab.c_coverage_factor"),
    },
    "cert_status_labels": {status.name.lower(): msgid for status, msgid in STATUS_LABELS.items()},
}


def _lab(ctx: PageContext) -> tuple[Actor, LabServices]:
    actor = role_required(
        ctx, lambda a: permissions.may_work_in_lab(a.role), message_id("lab.only")
    )
    services = ctx.state.services.lab
    if services is None:
        raise HTTPException(503, "the lab is not configured")
    return actor, services


def _message(ctx: PageContext, error: DomainError) -> str:
    return error_text(ctx.t, error)


def _console(
    ctx: PageContext, actor: Actor, labs: LabServices, status: int = 200, error: str = ""
) -> Response:
    return ctx.render(
        "lab.html",
        status,
        view=labs.console.view(actor),
        waiting=labs.desk.waiting(),
        benches=labs.console.config.benches,
        may_approve=permissions.may_approve_certificates(actor.role),
        done=ctx.request.query_params.get("done", ""),
        error=error,
        **LABELS,
    )


@router.get("/lab")
def console(ctx: Page) -> Response:
    actor, labs = _lab(ctx)
    return _console(ctx, actor, labs)


def _act(ctx: PageContext, csrf: str, step: str, action: object) -> Response:
    actor, labs = _lab(ctx)
    csrf_required(ctx, csrf)
    try:
        assert callable(action)
        action(actor, labs)
    except DomainError as error:
        return _console(ctx, actor, labs, domain_error_body(error)[0], _message(ctx, error))
    return _redirect(ctx, f"/lab?done={step}")


@router.post("/lab/request")
def request_sample(
    ctx: Page, sample: FormText = "", bench: FormText = "", csrf: FormText = ""
) -> Response:
    return _act(
        ctx, csrf, "requested", lambda a, labs: labs.console.request_to_bench(a, sample, bench)
    )


@router.post("/lab/scan")
def scan_arrival(ctx: Page, scan: FormText = "", csrf: FormText = "") -> Response:
    return _act(ctx, csrf, "arrived", lambda a, labs: labs.console.confirm_arrival(a, scan))


@router.post("/lab/samples/{number}/return")
def send_back(ctx: Page, number: str, csrf: FormText = "") -> Response:
    return _act(ctx, csrf, "returned", lambda a, labs: labs.console.send_back(a, number))


_SIGN_OFF: dict[str, tuple[str, Callable[[CertificateDesk, Actor, str, int | None], object]]] = {
    "review": ("reviewed", CertificateDesk.review),
    "approve": ("approved", CertificateDesk.approve),
    "issue": ("issued", CertificateDesk.issue),
}
"""A certificate's sign-off steps on its page: path, the word for ``done``, the desk's call."""


def _sign_off(
    done: str, step: Callable[[CertificateDesk, Actor, str, int | None], object]
) -> Callable[..., Response]:
    def route(
        ctx: Page, cert_no: str, csrf: FormText = "", version: FormVersion = None
    ) -> Response:
        return _act(ctx, csrf, done, lambda a, labs: step(labs.desk, a, cert_no, version))

    return route


for _path, (_done, _step) in _SIGN_OFF.items():
    router.add_api_route(
        f"/lab/certificates/{{cert_no}}/{_path}",
        _sign_off(_done, _step),
        methods=["POST"],
        name=_path,
    )


@router.post("/lab/certificates/{cert_no}/rework")
def rework(
    ctx: Page,
    cert_no: str,
    reason: FormText = "",
    csrf: FormText = "",
    version: FormVersion = None,
) -> Response:
    return _act(
        ctx,
        csrf,
        "rework",
        lambda a, labs: labs.desk.return_for_rework(a, cert_no, reason, version),
    )


@router.get("/lab/certificates/{cert_no}.pdf")
def certificate_pdf(ctx: Page, cert_no: str) -> Response:
    _, labs = _lab(ctx)
    pdf = lab.certificate_pdf(labs.deps, cert_no)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{cert_no}.pdf"'},
    )


# results ------------------------------------------------------------------------------------
def _work_page(
    ctx: PageContext,
    actor: Actor,
    labs: LabServices,
    number: str,
    status: int = 200,
    error: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    sample = labs.console.sample(actor, number)
    code = labs.console.type_code(sample)
    rule = labs.deps.rules.types.get(code) if code else None
    return ctx.render(
        "lab_sample.html",
        status,
        sample=sample,
        type_code=code,
        types=labs.deps.rules.types,
        method=rule.method.value if rule else "",
        certificates=labs.desk.for_sample(sample.number),
        defaults=_defaults(sample),
        values=values or {},
        gauge_fields=GAUGE_FIELDS,
        cal_fields=CAL_FIELDS,
        error=error,
        done=ctx.request.query_params.get("done", ""),
        **LABELS,
    )


def _defaults(sample: Sample) -> dict[str, str]:
    """Five check points spread evenly over the nameplate range, as the form's starting point."""
    instrument = sample.instrument
    low = instrument.range_min if instrument.range_min is not None else Decimal(0)
    high = instrument.range_max if instrument.range_max is not None else Decimal(1)
    values = {
        "range_min": str(low),
        "range_max": str(high),
        "unit": instrument.unit or "MPa",
        "accuracy_class": instrument.accuracy_class or "1.6",
        "temperature_c": "20.0",
        "humidity_pct": "50",
        "location": "",
    }
    for index in range(5):
        point = low + (high - low) * Decimal(index) / Decimal(4)
        values[f"p{index}_standard"] = format(point.normalize(), "f")
    return values


@router.get("/lab/samples/{number}")
def work_page(ctx: Page, number: str) -> Response:
    actor, labs = _lab(ctx)
    return _work_page(ctx, actor, labs, number)


def _rows(form: dict[str, str], fields: tuple[str, ...], optional: set[str]) -> list[list[str]]:
    rows = []
    for index in range(MAX_ROWS):
        row = [form.get(f"p{index}_{name}", "").strip() for name in fields]
        if any(row):
            rows.append(row)
    return rows


def _number(text: str, where: str) -> Decimal:
    if not text:
        raise InvalidValue(
            where, text, "a reading (the field is empty)", Message("lab.allowed_reading_present")
        )
    return parse_decimal(text, where)


async def _form(ctx: PageContext) -> dict[str, str]:
    data = await ctx.request.form()
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _conditions(form: dict[str, str], bench: str) -> WorkConditions:
    return WorkConditions(
        form.get("temperature_c", "").strip() or "20",
        form.get("humidity_pct", "").strip() or "50",
        form.get("location", "").strip() or bench,
    )


@router.post("/lab/samples/{number}/results")
async def record_results(ctx: Page, number: str) -> Response:
    actor, labs = _lab(ctx)
    form = await _form(ctx)
    csrf_required(ctx, form.get("csrf", ""))
    try:
        sample = labs.console.sample(actor, number)
        code = form.get("type_code", "") or labs.console.type_code(sample) or ""
        rule = labs.deps.rules.get(code)
        bench = sample.location.code
        if rule.method is Method.ELASTIC_GAUGE:
            spec = GaugeSpec.entered(
                _number,
                form.get("range_min", ""),
                form.get("range_max", ""),
                form.get("unit", "").strip() or "MPa",
                form.get("accuracy_class", "").strip(),
            )
            points = [
                PointReadings(
                    *(
                        _number(value, f"point {index + 1} {name}")
                        for value, name in zip(row, GAUGE_FIELDS, strict=True)
                    )
                )
                for index, row in enumerate(_rows(form, GAUGE_FIELDS, set()))
            ]
            zero = [_number(form.get(name, ""), name) for name in ("zero_before", "zero_after")]
            header = labs.desk.gauge_header(sample, code, _conditions(form, bench), spec)
            labs.desk.record_gauge(actor, header, spec, points, zero)
        else:
            readings = []
            for index, row in enumerate(_rows(form, CAL_FIELDS, {"as_found"})):
                cells = dict(zip(CAL_FIELDS, row, strict=True))
                where = f"point {index + 1}"
                readings.append(
                    CalibrationReading(
                        _number(cells["nominal"], f"{where} nominal"),
                        _number(cells["as_left"], f"{where} as_left"),
                        _number(cells["expanded_uncertainty"], f"{where} expanded_uncertainty"),
                        _number(cells["coverage_factor"] or "2", f"{where} coverage_factor"),
                        _number(cells["as_found"], f"{where} as_found")
                        if cells["as_found"]
                        else None,
                    )
                )
            header = labs.desk.header(
                sample, code, _conditions(form, bench), form.get("range_text", ""), "/"
            )
            labs.desk.record_calibration(actor, header, readings)
    except DomainError as error:
        status = domain_error_body(error)[0]
        return _work_page(ctx, actor, labs, number, status, _message(ctx, error), form)
    return _redirect(ctx, f"/lab/samples/{number}?done=entered")


@router.post("/lab/samples/{number}/import")
def import_sheet(
    ctx: Page,
    number: str,
    sheet: Annotated[UploadFile, File()],
    csrf: FormText = "",
    range_min: FormText = "",
    range_max: FormText = "",
    unit: FormText = "MPa",
    accuracy_class: FormText = "",
    zero_before: FormText = "",
    zero_after: FormText = "",
    temperature_c: FormText = "",
    humidity_pct: FormText = "",
) -> Response:
    actor, labs = _lab(ctx)
    csrf_required(ctx, csrf)
    data = sheet.file.read(ctx.state.settings.max_body_bytes + 1)
    name = sheet.filename or "sheet.csv"
    try:
        if len(data) > ctx.state.settings.max_body_bytes:
            raise InvalidValue(
                "sheet", name, "a file under the size limit", Message("lab.allowed_sheet_size")
            )
        sample = labs.console.sample(actor, number)
        code = labs.console.type_code(sample) or ""
        rule = labs.deps.rules.get(code)
        conditions = WorkConditions(
            temperature_c or "20", humidity_pct or "50", sample.location.code
        )

        def gauge() -> tuple[GaugeSpec, list[Decimal]]:
            unit_text, class_text = unit.strip() or "MPa", accuracy_class.strip()
            spec = GaugeSpec.entered(_number, range_min, range_max, unit_text, class_text)
            return spec, [_number(zero_before, "zero_before"), _number(zero_after, "zero_after")]

        labs.desk.import_sheet(actor, sample, rule, conditions, (name, data), gauge)
    except DomainError as error:
        status = domain_error_body(error)[0]
        return _work_page(ctx, actor, labs, number, status, _message(ctx, error))
    return _redirect(ctx, f"/lab/samples/{number}?done=entered")
