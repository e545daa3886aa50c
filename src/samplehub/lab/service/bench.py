"""Handlers of the lab's sample moves: a request to a bench, the arrival scan, the send-back.

A request to a bench is a retrieval: the sample leaves its slot with the staff member who asked
(``start_transport`` to ``staff:<username>``), standing in for a robot task when no fleet is
wired. The request names the bench and the assignee in the custody record's reason, so "who has
it and where is it going" is read back from the chain of custody itself. Scanning the label or
the RFID tag at the bench delivers it there (``deliver_to_lab``); sending it back completes the
service and starts its return transport. Each is one transaction.
"""

from __future__ import annotations

import json
import re

from samplehub.core.domain.epc import EpcError, Giai96, asset_reference_from_sample_no
from samplehub.core.domain.errors import InvalidValue, NotFound
from samplehub.core.domain.lifecycle import SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Sample
from samplehub.core.service.handlers import Context
from samplehub.core.service.ports import SampleFilter, UnitOfWork
from samplehub.lab.service.commands import ConfirmArrival, RequestToBench, SendBack

_REQUEST = re.compile(r"^lab-request bench=(?P<bench>[A-Za-z0-9._-]+) for=(?P<who>[a-z0-9._-]+)$")
RETURN_REASON = "lab-return"


def request_reason(bench: str, username: str) -> str:
    return f"lab-request bench={bench} for={username}"


def parse_request(reason: str | None) -> tuple[str, str] | None:
    """(bench, assignee) of a lab request's custody reason, or None for any other reason."""
    match = _REQUEST.match(reason or "")
    return (match["bench"], match["who"]) if match else None


def assignment(uow: UnitOfWork, sample: Sample) -> tuple[str | None, str | None]:
    """Bench and assignee of the sample's latest lab request, while the lab has it."""
    if sample.state not in (SampleState.IN_TRANSIT, SampleState.IN_LAB):
        return None, None
    for record in reversed(uow.audit.records(sample_number=sample.number)):
        if record.event_type != "SampleTransitioned":
            continue
        payload = json.loads(record.payload)
        if payload["transition"] == Transition.STORE.value:
            return None, None
        found = parse_request(payload.get("reason"))
        if found is not None:
            return found
    return None, None


def request_to_bench(cmd: RequestToBench, uow: UnitOfWork, ctx: Context) -> None:
    with uow:
        sample = stored_sample(uow, cmd.sample_number)
        if sample.state is not SampleState.STORED or sample.service_completed:
            raise InvalidValue(
                "sample",
                cmd.sample_number,
                "a stored sample waiting for its verification/calibration",
            )
        sample.apply(
            Transition.START_TRANSPORT,
            actor=cmd.actor.username,
            at=ctx.clock.now(),
            location=Location(LocationKind.STAFF, cmd.actor.username),
            reason=request_reason(cmd.bench, cmd.actor.username),
        )
        uow.commit()


def confirm_arrival(cmd: ConfirmArrival, uow: UnitOfWork, ctx: Context) -> Sample:
    text = cmd.scanned.strip()
    if not text:
        raise InvalidValue("scan", cmd.scanned, "a sample number or an EPC (24 hex digits)")
    with uow:
        sample = _resolve(uow, text)
        bench, _ = assignment(uow, sample)
        if sample.state is not SampleState.IN_TRANSIT or bench is None:
            raise InvalidValue(
                "scan", text, f"a sample requested to a bench; {sample.number} was not"
            )
        sample.apply(
            Transition.DELIVER_TO_LAB,
            actor=cmd.actor.username,
            at=ctx.clock.now(),
            location=Location(LocationKind.LAB_BENCH, bench),
            reason=f"scanned {text}",
        )
        uow.commit()
        return sample


def send_back(cmd: SendBack, uow: UnitOfWork, ctx: Context) -> None:
    with uow:
        sample = stored_sample(uow, cmd.sample_number)
        now = ctx.clock.now()
        if sample.state is not SampleState.IN_LAB:
            raise InvalidValue("sample", cmd.sample_number, "a sample on a lab bench")
        sample.apply(Transition.COMPLETE_SERVICE, actor=cmd.actor.username, at=now)
        sample.apply(
            Transition.START_TRANSPORT,
            actor=cmd.actor.username,
            at=now,
            location=Location(LocationKind.STAFF, cmd.actor.username),
            reason=RETURN_REASON,
        )
        uow.commit()


def stored_sample(uow: UnitOfWork, number: str) -> Sample:
    sample = uow.samples.get(number.strip().upper())
    if sample is None:
        raise NotFound("sample", number)
    return sample


def _resolve(uow: UnitOfWork, text: str) -> Sample:
    sample = uow.samples.get(text.upper())
    if sample is not None:
        return sample
    try:
        tag = Giai96.from_hex(text)
    except EpcError:
        raise NotFound("sample with label or EPC", text) from None
    candidates = uow.samples.search(SampleFilter(state=SampleState.IN_TRANSIT, limit=200))
    for candidate in candidates.items:
        if (candidate.epc or "").upper() == text.upper():
            return candidate
        try:
            reference = asset_reference_from_sample_no(candidate.number)
        except EpcError:
            continue
        if reference == tag.asset_reference:
            return candidate
    raise NotFound("sample with EPC", text)
