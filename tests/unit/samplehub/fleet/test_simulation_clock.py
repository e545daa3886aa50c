from datetime import UTC, datetime, timedelta

from samplehub.simulation.clock import SteppingClock


def test_each_reading_moves_one_step() -> None:
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    clock = SteppingClock(start, timedelta(minutes=40))
    assert [clock.now() for _ in range(3)] == [
        start,
        start + timedelta(minutes=40),
        start + timedelta(minutes=80),
    ]
