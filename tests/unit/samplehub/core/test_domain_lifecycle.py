from datetime import UTC, datetime

import pytest

from samplehub.core.domain import lifecycle
from samplehub.core.domain.errors import GuardFailed, IllegalTransition, InvalidValue
from samplehub.core.domain.events import SampleTransitioned
from samplehub.core.domain.lifecycle import HoldReason, SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Instrument, Sample

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def make_sample(state: SampleState = SampleState.REGISTERED, **kw: object) -> Sample:
    sample = Sample.register(
        "JX2026-000001", "WT2026-000001", "c1", Instrument("弹簧管压力表"), "kiosk", AT
    )
    sample.state = state
    for key, value in kw.items():
        setattr(sample, key, value)
    sample.events.clear()
    return sample


def valid_args(transition: Transition) -> dict[str, object]:
    rule = lifecycle.RULES[transition]
    args: dict[str, object] = {"actor": "u1", "at": AT}
    if rule.locations:
        args["location"] = Location(sorted(rule.locations)[0], "X-1")
    if rule.needs_reason:
        args["reason"] = "because"
    if transition is Transition.HOLD:
        args["hold_reason"] = HoldReason.DAMAGED
    return args


ALLOWED = [(t, s) for t, rule in lifecycle.RULES.items() for s in sorted(rule.sources)]
FORBIDDEN = [
    (t, s) for t, rule in lifecycle.RULES.items() for s in SampleState if s not in rule.sources
]


@pytest.mark.parametrize(("transition", "state"), ALLOWED)
def test_every_allowed_transition_moves_and_records(
    transition: Transition, state: SampleState
) -> None:
    extra: dict[str, object] = {"service_completed": True}
    if state is SampleState.ON_HOLD:
        extra.update(held_from=SampleState.STORED, hold_reason=HoldReason.MISSING)
    sample = make_sample(state, **extra)
    event = sample.apply(transition, **valid_args(transition))  # type: ignore[arg-type]
    expected = lifecycle.RULES[transition].target or SampleState.STORED
    assert sample.state is expected
    assert sample.events == [event]
    assert isinstance(event, SampleTransitioned)
    assert (event.from_state, event.to_state, event.actor) == (state.value, expected.value, "u1")
    assert event.at == AT
    assert event.location == str(sample.location)


@pytest.mark.parametrize(("transition", "state"), FORBIDDEN)
def test_every_forbidden_transition_names_state_and_allowed(
    transition: Transition, state: SampleState
) -> None:
    sample = make_sample(state, service_completed=True)
    with pytest.raises(IllegalTransition) as info:
        sample.apply(transition, **valid_args(transition))  # type: ignore[arg-type]
    assert info.value.current == state.value
    assert set(info.value.allowed) == {t.value for t in lifecycle.allowed_transitions(state)}
    assert state.value in str(info.value)
    assert sample.state is state
    assert sample.events == []


def test_final_states_allow_nothing() -> None:
    for state in lifecycle.FINAL_STATES:
        assert lifecycle.allowed_transitions(state) == frozenset()


def test_location_is_required_and_typed() -> None:
    sample = make_sample(SampleState.IN_TRANSIT)
    with pytest.raises(GuardFailed, match="location is required"):
        sample.apply(Transition.STORE, actor="u", at=AT)
    with pytest.raises(GuardFailed, match="lab_bench not allowed"):
        sample.apply(
            Transition.STORE, actor="u", at=AT, location=Location(LocationKind.LAB_BENCH, "B1")
        )
    assert sample.state is SampleState.IN_TRANSIT


def test_reject_needs_a_reason() -> None:
    sample = make_sample(SampleState.RECEIVED)
    with pytest.raises(GuardFailed, match="reason"):
        sample.apply(
            Transition.REJECT, actor="u", at=AT, location=Location(LocationKind.CUSTOMER, "c1"),
            reason="  ",
        )  # fmt: skip


def test_hold_needs_a_kind_and_release_returns_to_where_it_was() -> None:
    sample = make_sample(SampleState.IN_LAB)
    with pytest.raises(GuardFailed, match="hold reason"):
        sample.apply(Transition.HOLD, actor="u", at=AT, reason="dial cracked")
    sample.apply(
        Transition.HOLD, actor="u", at=AT, reason="dial cracked", hold_reason=HoldReason.DAMAGED
    )
    assert (sample.state, sample.held_from, sample.hold_reason) == (
        SampleState.ON_HOLD, SampleState.IN_LAB, HoldReason.DAMAGED,
    )  # fmt: skip
    sample.apply(Transition.RELEASE, actor="u2", at=AT, reason="usable")
    assert (sample.state, sample.held_from, sample.hold_reason) == (SampleState.IN_LAB, None, None)


def test_staging_needs_a_completed_service() -> None:
    sample = make_sample(SampleState.STORED)
    locker = Location(LocationKind.LOCKER_COMPARTMENT, "L1-07")
    with pytest.raises(GuardFailed, match="not completed"):
        sample.apply(Transition.STAGE, actor="u", at=AT, location=locker)
    sample.service_completed = True
    sample.apply(Transition.STAGE, actor="u", at=AT, location=locker)
    assert sample.location == locker


def test_complete_service_keeps_the_sample_at_the_bench() -> None:
    bench = Location(LocationKind.LAB_BENCH, "P-01")
    sample = make_sample(SampleState.IN_LAB, location=bench)
    sample.apply(Transition.COMPLETE_SERVICE, actor="lab", at=AT)
    assert sample.service_completed
    assert sample.location == bench
    with pytest.raises(GuardFailed, match="does not move"):
        make_sample(SampleState.IN_LAB).apply(
            Transition.COMPLETE_SERVICE, actor="lab", at=AT, location=bench
        )


def test_registered_sample_is_with_the_customer() -> None:
    sample = Sample.register("JX2026-000002", "WT2026-000001", "c9", Instrument("压力表"), "k", AT)
    assert sample.location == Location(LocationKind.CUSTOMER, "c9")
    assert [e.type for e in sample.events] == ["SampleRegistered"]


@pytest.mark.parametrize(
    ("text", "field"),
    [("nowhere", "location"), ("moon:1", "location.kind"), ("robot:", "location.code")],
)
def test_location_parse_errors_name_the_field(text: str, field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        Location.parse(text)
    assert info.value.field == field


def test_location_round_trip() -> None:
    assert Location.parse("storage_slot:A-03-2-07") == Location(
        LocationKind.STORAGE_SLOT, "A-03-2-07"
    )
