"""Incidents: a pedestrian or non-motor vehicle intruding a lane, from first sight to outcome.

This module is the meeting point of detection (which opens incidents) and alerting (which pushes
them to the staff's terminals and records the outcome). Standard library only; time is passed in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class ObjectClass(enum.StrEnum):
    """Classes the detectors report, after each model's own labels are mapped."""

    PEDESTRIAN = "pedestrian"
    BICYCLE = "bicycle"
    MOTORCYCLE = "motorcycle"
    E_BIKE = "e-bike"
    VEHICLE = "vehicle"


class Outcome(enum.StrEnum):
    """How staff closed an incident."""

    TURNED_BACK = "turned_back"  # 劝返
    LEFT_BY_ITSELF = "left_by_itself"
    FALSE_ALARM = "false_alarm"


@dataclass(frozen=True)
class IncidentOpened:
    """Event: a track has met every rule of a zone and counts as an intrusion."""

    incident_id: str
    camera: str
    zone: str
    lane: str
    object_class: ObjectClass
    track_id: int
    score: float
    at: datetime
    snapshot_jpeg: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class IncidentEnded:
    """Event: the track left the zone or was lost."""

    incident_id: str
    at: datetime
    frames: int
    max_score: float


IncidentEvent = IncidentOpened | IncidentEnded
