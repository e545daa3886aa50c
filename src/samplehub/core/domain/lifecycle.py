"""The sample lifecycle as an explicit state machine with named transitions.

    registered → received → (in_transit ↔ stored) → in_transit → in_lab → calibrated
      → in_transit → stored → in_transit → staged → collected
    rejected (at intake) · on_hold (mismatch, missing, damaged) → released to where it was
    staged --expire_pickup--> in_transit → stored

Each transition names the states it leaves from, the state it enters, and where the sample may
be afterwards. Guards that need more than the state (a reason, a finished service) live on
``Sample.apply``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.messages import message_id


class SampleState(enum.StrEnum):
    REGISTERED = "registered"
    RECEIVED = "received"
    STORED = "stored"
    IN_TRANSIT = "in_transit"
    IN_LAB = "in_lab"
    CALIBRATED = "calibrated"
    STAGED = "staged"
    COLLECTED = "collected"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"


class Transition(enum.StrEnum):
    RECEIVE = "receive"
    REJECT = "reject"
    START_TRANSPORT = "start_transport"
    STORE = "store"
    DELIVER_TO_LAB = "deliver_to_lab"
    COMPLETE_SERVICE = "complete_service"
    STAGE = "stage"
    COLLECT = "collect"
    EXPIRE_PICKUP = "expire_pickup"
    HOLD = "hold"
    RELEASE = "release"


class HoldReason(enum.StrEnum):
    MISMATCH = "mismatch"
    MISSING = "missing"
    DAMAGED = "damaged"


FINAL_STATES = frozenset({SampleState.COLLECTED, SampleState.REJECTED})
HOLDABLE_STATES = frozenset(set(SampleState) - FINAL_STATES - {SampleState.ON_HOLD})


@dataclass(frozen=True)
class Rule:
    sources: frozenset[SampleState]
    target: SampleState | None  # None: back to the state held from (release)
    locations: frozenset[LocationKind]  # where the sample may be afterwards; empty: unchanged
    needs_reason: bool = False


S = SampleState
L = LocationKind
RULES: dict[Transition, Rule] = {
    Transition.RECEIVE: Rule(frozenset({S.REGISTERED}), S.RECEIVED, frozenset({L.INTAKE_PLATFORM})),
    Transition.REJECT: Rule(
        frozenset({S.REGISTERED, S.RECEIVED}), S.REJECTED, frozenset({L.CUSTOMER}), True
    ),
    Transition.START_TRANSPORT: Rule(
        frozenset({S.RECEIVED, S.STORED, S.CALIBRATED, S.IN_LAB}),
        S.IN_TRANSIT,
        frozenset({L.ROBOT, L.STAFF}),
    ),
    Transition.STORE: Rule(frozenset({S.IN_TRANSIT}), S.STORED, frozenset({L.STORAGE_SLOT})),
    Transition.DELIVER_TO_LAB: Rule(frozenset({S.IN_TRANSIT}), S.IN_LAB, frozenset({L.LAB_BENCH})),
    Transition.COMPLETE_SERVICE: Rule(frozenset({S.IN_LAB}), S.CALIBRATED, frozenset()),
    Transition.STAGE: Rule(
        frozenset({S.IN_TRANSIT, S.STORED}),
        S.STAGED,
        frozenset({L.LOCKER_COMPARTMENT, L.COUNTER}),
    ),
    Transition.COLLECT: Rule(frozenset({S.STAGED}), S.COLLECTED, frozenset({L.CUSTOMER})),
    Transition.EXPIRE_PICKUP: Rule(
        frozenset({S.STAGED}), S.IN_TRANSIT, frozenset({L.ROBOT, L.STAFF}), True
    ),
    Transition.HOLD: Rule(HOLDABLE_STATES, S.ON_HOLD, frozenset(), True),
    Transition.RELEASE: Rule(frozenset({S.ON_HOLD}), None, frozenset(), True),
}


def allowed_transitions(state: SampleState) -> frozenset[Transition]:
    """The transitions whose source states include ``state``."""
    return frozenset(t for t, rule in RULES.items() if state in rule.sources)


# What each state is called on pages and in the API: a catalogue message id per state.
LABELS: dict[SampleState, str] = {
    S.REGISTERED: message_id("core.state_registered"),
    S.RECEIVED: message_id("core.state_received"),
    S.STORED: message_id("core.state_stored"),
    S.IN_TRANSIT: message_id("core.state_in_transit"),
    S.IN_LAB: message_id("core.state_in_lab"),
    S.CALIBRATED: message_id("core.state_calibrated"),
    S.STAGED: message_id("core.state_staged"),
    S.COLLECTED: message_id("core.state_collected"),
    S.REJECTED: message_id("core.state_rejected"),
    S.ON_HOLD: message_id("core.state_on_hold"),
}
