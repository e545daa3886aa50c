"""Property tests: no command sequence escapes the state machine; the chain catches tampering."""

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from samplehub.core.domain import audit, lifecycle
from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.lifecycle import HoldReason, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Instrument, Sample

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
steps = st.lists(
    st.tuples(
        st.sampled_from(list(Transition)),
        st.one_of(st.none(), st.sampled_from(list(LocationKind))),
        st.sampled_from([None, "", "checked by staff"]),
        st.one_of(st.none(), st.sampled_from(list(HoldReason))),
    ),
    max_size=40,
)


def run(
    sequence: list[tuple[Transition, LocationKind | None, str | None, HoldReason | None]],
) -> Sample:
    sample = Sample.register(
        "JX2026-000001", "WT2026-000001", "c1", Instrument("压力表"), "k", START
    )
    for i, (transition, kind, reason, hold) in enumerate(sequence):
        before = copy.deepcopy(sample)
        location = Location(kind, f"L{i}") if kind else None
        at = START + timedelta(minutes=i + 1)
        try:
            sample.apply(
                transition, actor=f"u{i % 3}", at=at, location=location, reason=reason,
                hold_reason=hold,
            )  # fmt: skip
        except DomainError:
            assert vars(sample) == vars(before), "a refused transition changed the sample"
            continue
        rule = lifecycle.RULES[transition]
        assert before.state in rule.sources
        expected = rule.target if rule.target is not None else before.held_from
        assert sample.state is expected
        if rule.locations:
            assert sample.location.kind in rule.locations
        if sample.state is lifecycle.SampleState.STAGED:
            assert sample.service_completed
    return sample


@settings(max_examples=300, deadline=None)
@given(steps)
def test_no_sequence_reaches_a_state_the_machine_does_not_allow(sequence: list) -> None:  # type: ignore[type-arg]
    run(sequence)


@settings(max_examples=200, deadline=None)
@given(steps, st.data())
def test_chain_verifies_after_any_sequence_and_fails_after_any_tampering(
    sequence: list,  # type: ignore[type-arg]
    data: st.DataObject,
) -> None:
    sample = run(sequence)
    records = audit.chain(sample.events, None)
    assert audit.verify(records) == audit.Verification(True, len(records))

    index = data.draw(st.integers(0, len(records) - 1))
    kind = data.draw(st.sampled_from(["payload", "actor", "at", "hash", "delete", "swap"]))
    tampered = list(records)
    victim = tampered[index]
    if kind == "payload":
        tampered[index] = replace(victim, payload=victim.payload.replace("}", ',"x":1}', 1))
    elif kind == "actor":
        tampered[index] = replace(victim, actor=victim.actor + "!")
    elif kind == "at":
        tampered[index] = replace(victim, at=victim.at.replace("2026", "2025"))
    elif kind == "hash":
        tampered[index] = replace(victim, hash="f" * 64)
    elif kind == "delete":
        del tampered[index]
    elif index + 1 < len(tampered):
        tampered[index], tampered[index + 1] = tampered[index + 1], tampered[index]
    else:
        tampered[index] = replace(victim, seq=victim.seq + 1)
    result = audit.verify(tampered)
    if kind == "delete" and index == len(records) - 1:
        # dropping the newest record leaves a shorter valid chain: the count tells
        assert result.count == len(records) - 1
        return
    assert not result.ok
    assert result.broken_seq is not None
