"""Handlers of the lab commands. Each is one unit of work: the certificate (or sample) rows and
their custody records commit together, or nothing does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from samplehub.core.service.commands import Command
from samplehub.core.service.handlers import Context, Handler
from samplehub.lab.domain.certificate import Certificate
from samplehub.lab.service import bench, steps
from samplehub.lab.service import commands as lc
from samplehub.lab.service.certificates import LabDeps
from samplehub.lab.service.ports import LabUnitOfWork

C = TypeVar("C", bound=Command)
R = TypeVar("R")


def record_gauge(cmd: lc.RecordGaugeReadings, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.record_gauge_readings(
        uow, deps, cmd.header, cmd.spec, cmd.points, cmd.zero_deviations, cmd.by, cmd.at
    )


def import_gauge(cmd: lc.ImportGaugeReadings, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.import_gauge_readings(
        uow, deps, cmd.header, cmd.spec, cmd.sheet_name, cmd.sheet, cmd.zero_deviations,
        cmd.by, cmd.at,
    )  # fmt: skip


def record_calibration(
    cmd: lc.RecordCalibrationReadings, uow: LabUnitOfWork, deps: LabDeps
) -> Certificate:
    return steps.record_calibration_readings(
        uow, deps, cmd.header, cmd.readings, cmd.by, cmd.at, cmd.span
    )


def import_calibration(
    cmd: lc.ImportCalibrationReadings, uow: LabUnitOfWork, deps: LabDeps
) -> Certificate:
    return steps.import_calibration_readings(
        uow, deps, cmd.header, cmd.sheet_name, cmd.sheet, cmd.by, cmd.at, cmd.span
    )


def revise_gauge(cmd: lc.ReviseGaugeReadings, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.revise_gauge_readings(
        uow, deps, cmd.number, cmd.header, cmd.spec, cmd.points, cmd.zero_deviations,
        cmd.by, cmd.at, cmd.version,
    )  # fmt: skip


def review(cmd: lc.ReviewCertificate, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.review(uow, cmd.number, cmd.by, cmd.at, cmd.version)


def return_for_rework(cmd: lc.ReturnCertificate, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.return_for_rework(uow, cmd.number, cmd.by, cmd.at, cmd.reason, cmd.version)


def approve(cmd: lc.ApproveCertificate, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.approve(uow, cmd.number, cmd.by, cmd.at, cmd.version)


def issue(cmd: lc.IssueCertificate, uow: LabUnitOfWork, deps: LabDeps) -> bytes:
    return steps.issue(uow, deps, cmd.number, cmd.by, cmd.at, cmd.version)


def correct(cmd: lc.CorrectCertificate, uow: LabUnitOfWork, deps: LabDeps) -> Certificate:
    return steps.correct(uow, deps, cmd.number, cmd.content, cmd.by, cmd.at, cmd.reason)


def _in_one_transaction(deps: LabDeps, step: Callable[[C, LabUnitOfWork, LabDeps], R]) -> Handler:
    """A handler that runs ``step`` in one unit of work and commits what it wrote, custody
    records included; an error rolls all of it back."""

    def handle(cmd: C, uow: LabUnitOfWork, ctx: Context) -> R:
        with uow:
            result = step(cmd, uow, deps)
            uow.commit()
            return result

    return handle


def lab_handlers(deps: LabDeps) -> dict[type[Command], Handler]:
    """The lab's handler table over its tools (renderer, documents, rules, ...)."""
    certificates: dict[type[Command], Callable[[Any, LabUnitOfWork, LabDeps], Any]] = {
        lc.RecordGaugeReadings: record_gauge,
        lc.ImportGaugeReadings: import_gauge,
        lc.RecordCalibrationReadings: record_calibration,
        lc.ImportCalibrationReadings: import_calibration,
        lc.ReviseGaugeReadings: revise_gauge,
        lc.ReviewCertificate: review,
        lc.ReturnCertificate: return_for_rework,
        lc.ApproveCertificate: approve,
        lc.IssueCertificate: issue,
        lc.CorrectCertificate: correct,
    }
    table: dict[type[Command], Handler] = {
        command: _in_one_transaction(deps, step) for command, step in certificates.items()
    }
    table[lc.RequestToBench] = bench.request_to_bench
    table[lc.ConfirmArrival] = bench.confirm_arrival
    table[lc.SendBack] = bench.send_back
    return table
