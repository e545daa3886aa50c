"""`samplehub …` on a shifted wall clock, for browser tests of the running product that must
happen on a weekday morning (pickup windows) and jump to the booked window (codes open then).

Run as ``python shifted_serve.py serve --port N`` with ``E2E_CLOCK_FILE`` naming a file that
holds the shift in seconds; the file is read again whenever it changes, so a test moves the
server's clock forward by writing it (as libfaketime's file mode does). Only the wall clock
the app reads (``SystemClock``) moves; the process's monotonic time does not.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path


class Shift:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: tuple[float, timedelta] = (-1.0, timedelta())

    def __call__(self) -> timedelta:
        try:
            changed = self.path.stat().st_mtime
            if changed != self.seen[0]:
                self.seen = (changed, timedelta(seconds=float(self.path.read_text())))
        except (OSError, ValueError):
            pass  # being rewritten: the last shift read
        return self.seen[1]


def write_shift(path: Path, to: datetime) -> None:
    """Make the server's clock read ``to`` now (and run on from there)."""
    part = path.with_suffix(".part")
    part.write_text(str((to - datetime.now(UTC)).total_seconds()))
    part.replace(path)


def main() -> None:
    from samplehub.cli import main as samplehub
    from samplehub.core.adapters import clock

    shift = Shift(Path(os.environ["E2E_CLOCK_FILE"]))

    def shifted_now(_self: clock.SystemClock) -> datetime:
        return datetime.now(UTC) + shift()

    clock.SystemClock.now = shifted_now  # type: ignore[method-assign]
    sys.argv = ["samplehub", *sys.argv[1:]]
    samplehub()


if __name__ == "__main__":
    main()
