"""Samples (样品): registration into an order, lookup, search, timeline and state changes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from pydantic import Field

from samplehub.app.services import Services
from samplehub.core.domain.errors import NotFound
from samplehub.core.domain.lifecycle import HoldReason, SampleState, Transition
from samplehub.core.domain.permissions import Action
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.ports import SampleFilter
from samplehub.core.service.status_cache import Status
from samplehub.web.access import allow, check, plain_route
from samplehub.web.api.deps import CurrentActor, Limit, Offset, ServicesDep, bearer_actor
from samplehub.web.api.schemas import (
    InstrumentModel,
    PageOut,
    SampleOut,
    Strict,
    TimelineEntryOut,
    all_of,
    page_of,
)

router = APIRouter(tags=["samples"])
NUMBER_PARAMETER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "title": "Number"},
    "description": "Sample number, e.g. JX2026-000123",
}


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


@router.post(
    "/samples",
    status_code=status.HTTP_201_CREATED,
    response_model=SampleOut,
    dependencies=[allow(Action.SAMPLES_REGISTER)],
)
def register_sample(body: SampleIn, actor: CurrentActor, services: ServicesDep) -> SampleOut:
    instrument = body.instrument.model_dump(exclude_none=True)
    number = services.bus.handle(c.RegisterSample(actor, body.order_number, instrument))
    return SampleOut.of(queries.get_sample(services.uow_factory, actor, number))


@router.get(
    "/samples", response_model=PageOut[SampleOut], dependencies=[allow(Action.SAMPLES_READ)]
)
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


class _PlainRoute(APIRoute):
    """An API route whose endpoint is called with the request and answers the response itself:
    documented in the OpenAPI schema like any route, but skipping FastAPI's per-request
    dependency solving and response validation, which the endpoint below does not use."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


def add_status_route(app: FastAPI) -> None:
    """Put the status lookup on the app itself, ahead of the included routers: FastAPI walks an
    included router's route contexts on every request, which cost this hot path more than the
    rest of its work in benchmarks/api_bench.py's profile."""
    app.router.add_api_route(
        "/api/samples/{number}",
        get_sample,
        route_class_override=_PlainRoute,
        methods=["GET"],
        tags=["samples"],
        response_model=SampleOut,
        summary="A sample's current status",
        openapi_extra={"security": [{"HTTPBearer": []}], "parameters": [NUMBER_PARAMETER]},
    )


STATUS_ACTION = Action.SAMPLES_READ


@plain_route(STATUS_ACTION)
async def get_sample(request: Request) -> Response:
    """The hot path of kiosks and tracking pages. It resolves no dependencies (the path
    parameter is read, and documented, by hand), answers from the status cache on the event
    loop, and reads the database in a worker thread only on a miss; the tenant check runs on
    every answer, cached or not."""
    number: str = request.path_params["number"]
    check(request, STATUS_ACTION)
    actor = bearer_actor(request)
    services: Services = request.app.state.samplehub.services
    found = services.statuses.get(number)
    if found is None:
        found = await run_in_threadpool(
            services.statuses.load, number, partial(_status, services, number)
        )
    if not actor.is_staff and found.owner != actor.customer_id:
        raise NotFound("sample", number)
    return Response(found.document, media_type="application/json")


def _status(services: Services, number: str) -> Status:
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    return Status(sample.customer_id, SampleOut.of(sample).model_dump_json().encode())


@router.get(
    "/samples/{number}/timeline",
    response_model=list[TimelineEntryOut],
    dependencies=[allow(Action.SAMPLES_READ)],
)
def get_timeline(number: str, actor: CurrentActor, services: ServicesDep) -> list[TimelineEntryOut]:
    return all_of(queries.timeline(services.uow_factory, actor, number), TimelineEntryOut.of)


@router.post(
    "/samples/{number}/transitions",
    response_model=SampleOut,
    dependencies=[allow(Action.SAMPLES_TRANSITION)],
)
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
