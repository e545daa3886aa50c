"""Made-up past incidents for the centre demo: a station's history from the start of last year
to yesterday, so the centre's year-over-year figures have something to compare. Every record
says where it came from (`closed_by` = `demo-seed`); nothing here runs outside the demo."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord
from laneguard.core.ports import IncidentRepository

SEED_BY = "demo-seed"
CLASSES = (
    (ObjectClass.PEDESTRIAN, 0.62),
    (ObjectClass.BICYCLE, 0.18),
    (ObjectClass.E_BIKE, 0.12),
    (ObjectClass.MOTORCYCLE, 0.08),
)
OUTCOMES = ((Outcome.TURNED_BACK, 0.8), (Outcome.LEFT_BY_ITSELF, 0.12), (Outcome.FALSE_ALARM, 0.08))


def history(
    station: str,
    lanes: Sequence[str],
    today: date,
    tz: tzinfo,
    per_day_last_year: float = 0.95,
    growth: float = 0.10,
    seed: int = 0,
) -> list[IncidentRecord]:
    """Closed incidents on every day from 1 January last year to yesterday; this year's daily
    rate is last year's times (1 + growth)."""
    rng = random.Random(f"{station}/{seed}")
    out = []
    day = date(today.year - 1, 1, 1)
    while day < today:
        rate = per_day_last_year * (1 + growth if day.year == today.year else 1)
        count = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
        for _ in range(count):
            opened = datetime.combine(day, time(rng.randrange(6, 22), rng.randrange(60)), tz)
            kind = rng.choices([c for c, _ in CLASSES], [w for _, w in CLASSES])[0]
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            seconds = rng.randrange(5, 60)
            out.append(
                IncidentRecord(
                    incident_id=uuid.UUID(int=rng.getrandbits(128)).hex,
                    station=station,
                    camera="cam-1",
                    zone=f"lane-{lanes[0] if lanes else '1'}-zone",
                    lane=rng.choice(list(lanes) or ["1"]),
                    object_class=kind,
                    track_id=rng.randrange(1, 10_000),
                    score=round(rng.uniform(0.5, 0.95), 2),
                    opened_at=opened,
                    ended_at=opened + timedelta(seconds=seconds),
                    frames=seconds * 10,
                    max_score=round(rng.uniform(0.6, 0.98), 2),
                    outcome=outcome,
                    closed_by=SEED_BY,
                    closed_at=opened + timedelta(seconds=seconds + 20),
                )
            )
        day += timedelta(days=1)
    return out


def seed_history(
    incidents: IncidentRepository, station: str, lanes: Sequence[str], today: date, tz: tzinfo
) -> int:
    """Adds the history once: a station that has any incident already is left alone."""
    if incidents.list(limit=1):
        return 0
    records = history(station, lanes, today, tz)
    for record in records:
        incidents.add(record)
    return len(records)
