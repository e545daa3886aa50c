"""The demo's living day: the simulated institute day (simulation/day.py) run in the demo
process only, by a background thread against the served app's kiosk, lab and pickup (never in
plain ``serve``); and the same day in simulated time for tests and benchmarks/flow_bench.py."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import intake as intake_wiring
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.pickup.service.app import PickupApp
from samplehub.simulation.clock import SimClock
from samplehub.simulation.day import DayProfile, InstituteDay, load_day

log = logging.getLogger(__name__)
DAY_FILE = Path(__file__).resolve().parents[3] / "scenarios" / "institute-day.yaml"


def day_profile(path: Path | None = None) -> DayProfile:
    return load_day(path or DAY_FILE)


def start_living_day(
    services: Services,
    kiosk: KioskDesk,
    pickup: PickupApp,
    speed: float,
    profile: DayProfile | None = None,
    every_s: float = 2.0,
) -> Callable[[], None]:
    """Play the day against the running app every ``every_s`` seconds; returns the stop."""
    day = InstituteDay(
        profile or day_profile(), services.bus.handle, services.uow_factory, services.clock,
        kiosk, pickup, speed=speed, serial_tag=f"{services.clock.now():%m%d%H%M%S}-",
    )  # fmt: skip
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                day.step()
            except Exception:  # a bad round must not end the demo's day
                log.exception("living day: a round failed; the next one tries again")

    thread = threading.Thread(target=loop, name="living-day", daemon=True)
    thread.start()

    def stop_day() -> None:
        stop.set()
        thread.join(10)

    return stop_day


@dataclass
class SimulatedDay:
    """The day on simulated time: the clock, the generator, the fleet worker, pickup."""

    clock: SimClock
    day: InstituteDay
    pickup: PickupApp
    advance: Callable[[float], None]  # move the carriers (robots or people) by dt seconds
    close: Callable[[], None]

    def run(self, seconds: float, dt: float = 1.0, every_s: float = 15.0) -> None:
        """``seconds`` of simulated time: carriers every ``dt``, the day and the pickup job
        every ``every_s``, and the job also every ``PICKUP_FOLLOW_S`` while a booking is
        being staged (as ``serve``'s job does)."""
        from samplehub.app.jobs import PICKUP_FOLLOW_S

        end = self.clock.t + seconds
        next_round = next_look = self.clock.t
        while self.clock.t < end:
            self.clock.advance(dt)
            self.advance(dt)
            if self.clock.t >= next_round:
                self.day.step()
                self.pickup.run_due()
                next_round = self.clock.t + every_s
                next_look = self.clock.t + PICKUP_FOLLOW_S
            elif self.clock.t >= next_look:
                next_look = self.clock.t + PICKUP_FOLLOW_S
                if self.pickup.staging():
                    self.pickup.run_due()


def simulated_day(
    settings: Settings,
    services: Services,
    clock: SimClock,
    *,
    speed: float = 1.0,
    profile: DayProfile | None = None,
    carrier: Callable[[float], None] | None = None,
) -> SimulatedDay:
    """The day on ``services`` (bootstrapped with ``clock``): kiosk, simulated lockers whose
    customer empties the opened doors, and the fleet worker on the site map stepped by hand
    (or ``carrier``, e.g. people walking the tasks, instead of robots)."""
    from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
    from samplehub.pickup.adapters.lockers.register_map import load_bank
    from samplehub.simulation.lockers import SimulatedLoader, start_bank

    sims, bank = start_bank(load_bank(pickup_wiring.DEMO_LOCKER_BANK))
    controller = ModbusLockerController(bank)
    pickup = pickup_wiring.pickup_app(
        settings, services, clock=clock, lockers=(controller, SimulatedLoader(sims))
    )

    def empty(compartments: list[str]) -> None:
        for compartment in compartments:
            cabinet, door = bank.resolve(compartment)
            sims[cabinet.id].take(door)
            sims[cabinet.id].close(door)

    kiosk = intake_wiring.build_kiosk(settings, services)
    day = InstituteDay(
        profile or day_profile(), services.bus.handle, services.uow_factory, clock, kiosk,
        pickup, speed=speed, empty_doors=empty,
    )  # fmt: skip
    closers: list[Callable[[], None]] = []
    if carrier is None:
        site = fleet_wiring.site_map_section(settings)
        assert site is not None, "the site file has no map"
        worker = fleet_wiring.worker_factory(settings, services, site, clock)
        worker.start()
        closers.append(worker.close)
        carrier = lambda _dt: worker.step()  # noqa: E731

    def close() -> None:
        for closer in closers:
            closer()
        pickup.close()
        controller.close()
        for sim in sims.values():
            sim.stop()

    return SimulatedDay(clock, day, pickup, carrier, close)
