"""Wiring of the fleet: the device transport (MQTT or in process) and the demo fleet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.services import Services

if TYPE_CHECKING:
    from samplehub.fleet.service.ports import Transport
    from samplehub.simulation.live import LiveFleet


DEMO_FLEET_SCENARIO = Path(__file__).resolve().parents[4] / "scenarios" / "peak-hour.yaml"


def fleet_transport(settings: Settings, client_id: str) -> Transport:
    """VDA 5050 transport: the broker at ``SAMPLEHUB_MQTT_URL`` when set, else in-process."""
    if settings.mqtt_url:
        from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport

        transport = MqttTransport(settings.mqtt_url, client_id)
        transport.start()
        return transport
    from samplehub.fleet.adapters.mqtt.inprocess import InProcessTransport

    return InProcessTransport()


DEMO_EPC_COMPANY_PREFIX = "0614141"  # the GS1 example prefix; the demo owns no real one


def demo_fleet(
    settings: Settings, scenario: Path = DEMO_FLEET_SCENARIO, services: Services | None = None
) -> LiveFleet | None:
    """The demo's simulated fleet for the live map, in real time; None without the scenario file
    (an installed package without the repository's ``scenarios/``), so the demo still starts.

    Given ``services``, the samples waiting at the intake platform are handed to the fleet: each
    gets its GIAI-96 EPC and a put-away task, and every move the robots make is applied to the
    sample's lifecycle with custody records, so the demo's map and timelines tell one story. The
    simulated demand leaves those samples in their slots afterwards.
    """
    if not scenario.is_file():
        return None
    from samplehub.core.domain.epc import giai_for_sample
    from samplehub.core.domain.lifecycle import SampleState
    from samplehub.core.service import queries
    from samplehub.core.service.commands import SYSTEM
    from samplehub.core.service.ports import SampleFilter
    from samplehub.fleet.service.lifecycle import BusFleetLifecycle
    from samplehub.simulation.live import LiveFleet
    from samplehub.simulation.runner import FleetSimulation
    from samplehub.simulation.scenario import load_scenario

    lifecycle = BusFleetLifecycle(services.bus.handle) if services is not None else None
    sim = FleetSimulation(
        load_scenario(scenario),
        "optimal",
        1,
        transport=fleet_transport(settings, "samplehub-demo"),
        lifecycle=lifecycle,
    )
    if services is not None and lifecycle is not None:
        waiting = queries.list_samples(
            services.uow_factory, SYSTEM, SampleFilter(state=SampleState.RECEIVED, limit=50)
        )
        for sample in waiting.items:
            epc = giai_for_sample(sample.number, DEMO_EPC_COMPANY_PREFIX).to_hex()
            lifecycle.register(epc, sample.number)
            sim.storage.put_away(epc, "M", 3 * 86400, sim.clock.t)
            sim.world.place("intake", epc)
            sim.busy.add(epc)
            sim.pinned.add(epc)
    return LiveFleet(sim)
