"""The lab API (/api/lab/...): queues, bench moves, results from instruments, certificate steps.

An instrument posts its readings with the bearer token of a lab account. Readings are parsed
by the domain, strictly (a decimal comma, a blank or a unit is refused, naming the point and
field), so nothing is saved until every value is good.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Response, UploadFile, status
from fastapi.types import DecoratedCallable
from pydantic import BaseModel, Field

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import Forbidden, InvalidValue
from samplehub.core.domain.model import Sample
from samplehub.core.domain.permissions import Action
from samplehub.core.service.commands import Actor
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.certificate import Certificate
from samplehub.lab.domain.gauge import points_from_rows
from samplehub.lab.domain.jjg52 import GaugeSpec
from samplehub.lab.domain.numbers import parse_decimal
from samplehub.lab.domain.rules import Method
from samplehub.lab.service import certificates as lab
from samplehub.lab.service.console import WorkItem
from samplehub.lab.service.desk import CertificateDesk, WorkConditions
from samplehub.lab.service.services import LabServices
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, IfMatch, State, if_match_version
from samplehub.web.api.schemas import Strict
from samplehub.web.state import AppState

router = APIRouter(tags=["lab"], prefix="/lab", dependencies=[allow(Action.LAB_WORK)])
Number = str | int | float


class WorkItemOut(BaseModel):
    sample: str
    instrument_type: str
    type_code: str | None
    discipline: str
    due: str
    waiting_hours: int
    location: str
    state: str
    bench: str | None
    assignee: str | None
    task: str | None = Field(None, description="Its open to-bench or return transport task")
    carrier: str | None = Field(None, description="Who carries it: robot serial or staff:<user>")

    @classmethod
    def of(cls, item: WorkItem) -> WorkItemOut:
        return cls(
            sample=item.sample.number,
            instrument_type=item.sample.instrument.instrument_type,
            type_code=item.type_code,
            discipline=item.discipline,
            due=item.due.date().isoformat(),
            waiting_hours=int(item.waiting.total_seconds() // 3600),
            location=str(item.sample.location),
            state=item.sample.state.value,
            bench=item.bench,
            assignee=item.assignee,
            task=item.task_id,
            carrier=item.carrier,
        )


class ConsoleOut(BaseModel):
    queues: dict[str, list[WorkItemOut]]
    requested: list[WorkItemOut]
    benches: dict[str, list[WorkItemOut]]
    returning: list[WorkItemOut]


class BenchIn(Strict):
    bench: str = Field(description="Bench code (see the lab.benches setting)")


class ScanIn(Strict):
    scan: str = Field(description="Sample number from the label, or the RFID tag's EPC hex")


class Conditions(Strict):
    temperature_c: str = "20"
    humidity_pct: str = "50"
    location: str = ""

    def at(self, sample: Sample) -> WorkConditions:
        """The conditions of the work on ``sample``; where it is, unless a location is given."""
        return WorkConditions(
            self.temperature_c, self.humidity_pct, self.location or sample.location.code
        )


class GaugeResultsIn(Conditions):
    """JJG 52 readings: at least five points incl. zero and the limit, rising and falling."""

    type_code: str | None = Field(None, description="Instrument type; default from the sample")
    range_min: Number
    range_max: Number
    unit: str = "MPa"
    accuracy_class: str
    stop_pin: bool = False
    zero_deviations: list[Any] = Field(description="Zero readings before and after the check")
    points: list[dict[str, Any]] = Field(
        description="Each {standard, up_before_tap, up_after_tap, down_before_tap, "
        "down_after_tap}; numbers or decimal-point strings"
    )


class CalibrationResultsIn(Conditions):
    type_code: str | None = None
    range_text: str = ""
    readings: list[dict[str, Any]] = Field(
        description="Each {nominal, as_left, expanded_uncertainty, coverage_factor, as_found?}"
    )


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=500)
    version: int | None = Field(
        default=None, ge=0, le=2**31, description="the version loaded; a newer one refuses (409)"
    )


class CertificateOut(BaseModel):
    number: str
    kind: str
    sample: str
    status: str
    decision: str
    entered_by: str
    reviewed_by: str | None
    approved_by: str | None
    pdf_sha256: str | None
    superseded_by: str | None
    replaces: str | None
    verify_url: str | None  # set once issued: the token address in its QR code
    version: int  # send it back (If-Match or "version") with the next step

    @classmethod
    def of(cls, certificate: Certificate, labs: LabServices) -> CertificateOut:
        return cls(
            number=certificate.number,
            kind=certificate.kind.value,
            sample=certificate.content.sample_id,
            status=certificate.status.name.lower(),
            decision=certificate.content.decision,
            entered_by=certificate.entered_by.user_id,
            reviewed_by=certificate.reviewed_by.user_id if certificate.reviewed_by else None,
            approved_by=certificate.approved_by.user_id if certificate.approved_by else None,
            pdf_sha256=certificate.pdf_sha256,
            superseded_by=certificate.superseded_by,
            replaces=certificate.replaces,
            version=certificate.version,
            verify_url=None
            if certificate.verify_token is None or certificate.pdf_sha256 is None
            else lab.verify_url(labs.deps, certificate.verify_token),
        )


def _lab(state: AppState, actor: Actor) -> LabServices:
    if not permissions.may_work_in_lab(actor.role):
        raise Forbidden(actor.username, "use the lab API")
    if state.services.lab is None:
        raise HTTPException(503, detail={"error": "unavailable", "message": "lab not wired"})
    return state.services.lab


def _readings_for(
    state: AppState, actor: Actor, number: str, given: str | None, method: Method
) -> tuple[LabServices, Sample, str]:
    """The lab, sample ``number`` and its instrument type (``given``, or the sample's own),
    which ``method`` must verify."""
    labs = _lab(state, actor)
    sample = labs.console.sample(actor, number)
    code = given or labs.console.type_code(sample)
    if code is None:
        raise InvalidValue(
            "type_code",
            sample.instrument.instrument_type,
            "an instrument type of the rule book: " + ", ".join(labs.deps.rules.types),
        )
    if labs.deps.rules.get(code).method is not method:
        raise InvalidValue("type_code", code, f"a type verified by the {method.value} method")
    return labs, sample, code


def _draft_route(path: str, summary: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A route that saves readings as a draft certificate and answers it (201)."""
    return router.post(
        path, status_code=status.HTTP_201_CREATED, response_model=CertificateOut, summary=summary
    )


@router.get("/queues", response_model=ConsoleOut, summary="Queues, benches and moves")
def queues(actor: CurrentActor, state: State) -> ConsoleOut:
    view = _lab(state, actor).console.view(actor)
    return ConsoleOut(
        queues={d: [WorkItemOut.of(i) for i in items] for d, items in view.queues.items()},
        requested=[WorkItemOut.of(i) for i in view.requested],
        benches={b: [WorkItemOut.of(i) for i in items] for b, items in view.benches.items()},
        returning=[WorkItemOut.of(i) for i in view.returning],
    )


@router.post("/samples/{number}/request", status_code=204, summary="Request a sample to a bench")
def request_sample(number: str, body: BenchIn, actor: CurrentActor, state: State) -> Response:
    _lab(state, actor).console.request_to_bench(actor, number, body.bench)
    return Response(status_code=204)


@router.post("/scan", summary="Confirm arrival at the bench by label or EPC")
def scan(body: ScanIn, actor: CurrentActor, state: State) -> dict[str, str]:
    sample = _lab(state, actor).console.confirm_arrival(actor, body.scan)
    return {"sample": sample.number, "location": str(sample.location)}


@router.post("/samples/{number}/return", status_code=204, summary="Done: send back to storage")
def send_back(number: str, actor: CurrentActor, state: State) -> Response:
    _lab(state, actor).console.send_back(actor, number)
    return Response(status_code=204)


@_draft_route(
    "/samples/{number}/gauge-results",
    "JJG 52 readings (e.g. posted by the instrument); a draft certificate",
)
def gauge_results(
    number: str, body: GaugeResultsIn, actor: CurrentActor, state: State
) -> CertificateOut:
    labs, sample, code = _readings_for(state, actor, number, body.type_code, Method.ELASTIC_GAUGE)
    spec = GaugeSpec.entered(
        parse_decimal, body.range_min, body.range_max, body.unit, body.accuracy_class, body.stop_pin
    )
    points = points_from_rows(body.points)
    zero = [parse_decimal(v, f"zero_deviations[{i}]") for i, v in enumerate(body.zero_deviations)]
    conditions = body.at(sample)
    header = labs.desk.gauge_header(sample, code, conditions, spec)
    return CertificateOut.of(labs.desk.record_gauge(actor, header, spec, points, zero), labs)


_CAL_FIELDS = {"nominal", "as_left", "expanded_uncertainty", "coverage_factor", "as_found"}


@_draft_route(
    "/samples/{number}/calibration-results",
    "Calibration readings; a draft calibration certificate",
)
def calibration_results(
    number: str, body: CalibrationResultsIn, actor: CurrentActor, state: State
) -> CertificateOut:
    labs, sample, code = _readings_for(state, actor, number, body.type_code, Method.CALIBRATION)
    readings = []
    for index, row in enumerate(body.readings):
        where = f"readings[{index}]"
        unknown = sorted(set(row) - _CAL_FIELDS)
        if unknown:
            raise InvalidValue(f"{where}.{unknown[0]}", row[unknown[0]], ", ".join(_CAL_FIELDS))
        for name in ("nominal", "as_left", "expanded_uncertainty"):
            if row.get(name) is None:
                raise InvalidValue(f"{where}.{name}", None, "a reading for this point")
        readings.append(
            CalibrationReading(
                parse_decimal(row["nominal"], f"{where}.nominal"),
                parse_decimal(row["as_left"], f"{where}.as_left"),
                parse_decimal(row["expanded_uncertainty"], f"{where}.expanded_uncertainty"),
                parse_decimal(row.get("coverage_factor", 2), f"{where}.coverage_factor"),
                None
                if row.get("as_found") is None
                else parse_decimal(row["as_found"], f"{where}.as_found"),
            )
        )
    conditions = body.at(sample)
    header = labs.desk.header(sample, code, conditions, body.range_text, "/")
    return CertificateOut.of(labs.desk.record_calibration(actor, header, readings), labs)


@_draft_route(
    "/samples/{number}/sheet",
    "Import a CSV/Excel results sheet (gauge: give range, class and zero readings)",
)
def import_sheet(
    number: str,
    actor: CurrentActor,
    state: State,
    sheet: Annotated[UploadFile, File(description="CSV or .xlsx")],
    range_min: str = "",
    range_max: str = "",
    unit: str = "MPa",
    accuracy_class: str = "",
    zero_before: str = "",
    zero_after: str = "",
) -> CertificateOut:
    labs = _lab(state, actor)
    sample = labs.console.sample(actor, number)
    data = sheet.file.read(state.settings.max_body_bytes + 1)
    name = sheet.filename or "sheet.csv"
    if len(data) > state.settings.max_body_bytes:
        limit = state.settings.max_body_bytes
        raise HTTPException(413, f"sheet {name!r} is over the upload limit of {limit} bytes")
    code = labs.console.type_code(sample)
    rule = labs.deps.rules.get(code or sample.instrument.instrument_type)
    conditions = WorkConditions("20", "50", sample.location.code)

    def gauge() -> tuple[GaugeSpec, list[Decimal]]:
        spec = GaugeSpec.entered(parse_decimal, range_min, range_max, unit, accuracy_class)
        return spec, [
            parse_decimal(zero_before, "zero_before"),
            parse_decimal(zero_after, "zero_after"),
        ]

    certificate = labs.desk.import_sheet(actor, sample, rule, conditions, (name, data), gauge)
    return CertificateOut.of(certificate, labs)


@router.get("/certificates", response_model=list[CertificateOut], summary="Certificates")
def certificates(
    actor: CurrentActor, state: State, sample: str | None = None
) -> list[CertificateOut]:
    labs = _lab(state, actor)
    return [CertificateOut.of(c, labs) for c in labs.deps.certificates.find(sample_id=sample)]


@router.get("/certificates/{cert_no}", response_model=CertificateOut, summary="One certificate")
def certificate(cert_no: str, actor: CurrentActor, state: State) -> CertificateOut:
    labs = _lab(state, actor)
    return CertificateOut.of(lab.get(labs.deps, cert_no), labs)


@router.post("/certificates/{cert_no}/return", response_model=CertificateOut, summary="Rework")
def return_for_rework(
    cert_no: str, body: ReasonIn, actor: CurrentActor, state: State
) -> CertificateOut:
    labs = _lab(state, actor)
    returned = labs.desk.return_for_rework(actor, cert_no, body.reason, body.version)
    return CertificateOut.of(returned, labs)


_SignOffStep = Callable[[CertificateDesk, Actor, str, int | None], object]
_SIGN_OFF: dict[str, tuple[str, _SignOffStep]] = {
    "review": ("核验", CertificateDesk.review),
    "approve": ("批准", CertificateDesk.approve),
    "issue": ("签发", CertificateDesk.issue),
}
"""A certificate's sign-off steps: path (and route name), summary, the desk's call."""


def _sign_off(step: _SignOffStep) -> Callable[..., CertificateOut]:
    def route(
        cert_no: str, actor: CurrentActor, state: State, if_match: IfMatch = None
    ) -> CertificateOut:
        labs = _lab(state, actor)
        step(labs.desk, actor, cert_no, if_match_version(if_match))
        return CertificateOut.of(lab.get(labs.deps, cert_no), labs)

    return route


for _path, (_summary, _step) in _SIGN_OFF.items():
    router.add_api_route(
        f"/certificates/{{cert_no}}/{_path}",
        _sign_off(_step),
        methods=["POST"],
        name=_path,
        response_model=CertificateOut,
        summary=_summary,
    )


@router.get("/certificates/{cert_no}/pdf", summary="The issued PDF")
def pdf(cert_no: str, actor: CurrentActor, state: State) -> Response:
    labs = _lab(state, actor)
    return Response(lab.certificate_pdf(labs.deps, cert_no), media_type="application/pdf")


@router.get("/certificates/{cert_no}/dcc", summary="The certificate as PTB DCC XML")
def dcc(cert_no: str, actor: CurrentActor, state: State) -> Response:
    labs = _lab(state, actor)
    return Response(lab.export_dcc(labs.deps, cert_no), media_type="application/xml")
