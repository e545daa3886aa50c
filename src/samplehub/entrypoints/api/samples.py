"""Samples (样品): registration into an order, lookup, search, timeline and state changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import Field

from samplehub.domain.lifecycle import HoldReason, SampleState, Transition
from samplehub.entrypoints.api.deps import CurrentActor, Limit, Offset, ServicesDep
from samplehub.entrypoints.api.schemas import (
    InstrumentModel,
    PageOut,
    SampleOut,
    Strict,
    TimelineEntryOut,
    all_of,
    page_of,
)
from samplehub.service import commands as c
from samplehub.service import queries
from samplehub.service.ports import SampleFilter

router = APIRouter(tags=["samples"])


class SampleIn(Strict):
    order_number: str = Field(description="The order (委托单) the sample belongs to")
    instrument: InstrumentModel


class TransitionIn(Strict):
    transition: Transition
    location: str | None = Field(
        None, description="Where the sample is afterwards, kind:code (e.g. robot:AMR-01)"
    )
    reason: str | None = Field(None, max_length=500)
    hold_reason: HoldReason | None = None


@router.post("/samples", status_code=status.HTTP_201_CREATED, response_model=SampleOut)
def register_sample(body: SampleIn, actor: CurrentActor, services: ServicesDep) -> SampleOut:
    instrument = body.instrument.model_dump(exclude_none=True)
    number = services.bus.handle(c.RegisterSample(actor, body.order_number, instrument))
    return SampleOut.of(queries.get_sample(services.uow_factory, actor, number))


@router.get("/samples", response_model=PageOut[SampleOut])
def list_samples(
    actor: CurrentActor,
    services: ServicesDep,
    state: SampleState | None = None,
    order: Annotated[str | None, Query(description="Order number")] = None,
    text: Annotated[
        str | None, Query(max_length=80, description="Sample number, serial, model or type")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> PageOut[SampleOut]:
    query = SampleFilter(
        order_number=order or None,
        state=state,
        text=text or None,
        offset=offset,
        limit=limit,
    )
    return page_of(queries.list_samples(services.uow_factory, actor, query), SampleOut.of)


@router.get("/samples/{number}", response_model=SampleOut, summary="A sample's current status")
def get_sample(number: str, actor: CurrentActor, services: ServicesDep) -> Response:
    """The hot path of kiosks and tracking pages: the model is serialised here, once, in the
    worker thread, rather than validated again by FastAPI in a second thread hop."""
    sample = SampleOut.of(queries.get_sample(services.uow_factory, actor, number))
    return Response(sample.model_dump_json(), media_type="application/json")


@router.get("/samples/{number}/timeline", response_model=list[TimelineEntryOut])
def get_timeline(number: str, actor: CurrentActor, services: ServicesDep) -> list[TimelineEntryOut]:
    return all_of(queries.timeline(services.uow_factory, actor, number), TimelineEntryOut.of)


@router.post("/samples/{number}/transitions", response_model=SampleOut)
def apply_transition(
    number: str, body: TransitionIn, actor: CurrentActor, services: ServicesDep
) -> SampleOut:
    services.bus.handle(
        c.ApplyTransition(
            actor,
            number,
            body.transition.value,
            body.location,
            body.reason,
            body.hold_reason.value if body.hold_reason else None,
        )
    )
    return SampleOut.of(queries.get_sample(services.uow_factory, actor, number))
