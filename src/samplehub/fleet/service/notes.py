"""What a robot's history on the live map says: one English sentence a note, kept as written
(logs and tests read it), and worded in the visitor's language by the map's route
(``fleet/api.py``), as the reasons the system writes into records are (``core/domain/reasons``).
"""

from __future__ import annotations

from samplehub.core.domain.messages import message_id
from samplehub.core.domain.reasons import Reason
from samplehub.fleet.domain.dispatch import TaskKind

JOBS = {"job": "|".join(TaskKind), "task": r"\S+", "node": r"[^\s:]+"}
"""A note's fields: the fleet's task kinds, task ids (the records' or the simulator's), nodes."""

ON_BOARD = Reason(
    message_id("fleet.note_on_board"), "{task}: {sample} on board, on to {place}", JOBS
)
ABANDONS = Reason(message_id("fleet.note_abandons"), "abandons: {reason}")
RESYNCHRONISED = Reason(message_id("fleet.note_resynchronised"), "re-synchronised at {node}", JOBS)
STOPPED = Reason(message_id("fleet.note_stopped"), "stopped at {node}", JOBS)
BACK_WITH_ORDER = Reason(
    message_id("fleet.note_back_with_order"), "back with order {order}: cancelled, work re-planned"
)
SYNCHRONISED = Reason(message_id("fleet.note_synchronised"), "synchronised at {node}", JOBS)
STOP_RELEASED = Reason(message_id("fleet.note_stop_released"), "emergency stop released")
STOP = Reason(message_id("fleet.note_stop"), "emergency stop {stop}")
STOPS_SHORT = Reason(
    message_id("fleet.note_stops_short"), "stops short of {node}: robot {robot} stands there", JOBS
)
ORDER = Reason(message_id("fleet.note_order"), "order {order}/{update} → {node}", JOBS)
EVADES = Reason(message_id("fleet.note_evades"), "evades to {node}", JOBS)
TRIP = Reason(message_id("fleet.note_trip"), "task {task} {job} {sample}", JOBS)
SEPARATOR = "; "
"""Between the notes of one entry: the tasks of a trip."""
CHARGED = Reason(message_id("fleet.note_charged"), "charged")
RECOVERED = Reason(message_id("fleet.note_recovered"), "recovered by staff")

NOTES = (
    ON_BOARD, ABANDONS, RESYNCHRONISED, STOPPED, BACK_WITH_ORDER, SYNCHRONISED, STOP_RELEASED,
    STOP, STOPS_SHORT, ORDER, EVADES, TRIP, CHARGED, RECOVERED,
)  # fmt: skip
