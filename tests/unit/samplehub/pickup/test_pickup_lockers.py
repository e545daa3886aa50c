"""Register maps and the Modbus controller's logic, with a hand-written fake pymodbus client."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pymodbus.exceptions import ModbusIOException

from samplehub.core.domain.errors import InvalidValue
from samplehub.pickup.adapters.lockers.memory import MemoryLockers
from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
from samplehub.pickup.adapters.lockers.register_map import Cabinet, load_bank
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize
from samplehub.pickup.service.ports import DoorOutcome, LockerFault
from tests.unit.samplehub.pickup.fakes import FakeClient, FakeTime

FIXTURES = Path(__file__).parents[3] / "fixtures" / "samplehub" / "modbus"
SPEC: dict[str, Any] = {
    "models": {
        "m4": {
            "doors": 4,
            "door_sensor_base": 8,
            "presence_base": 12,
            "sizes": {"S": ["1-2"], "L": [4]},
            "pulse_s": 0.1,
            "open_timeout_s": 1.0,
            "poll_s": 0.25,
        }
    },
    "cabinets": {"C1": {"model": "m4", "port": 5020}},
}


def test_yaml_map_gives_addresses_and_sizes() -> None:
    bank = load_bank(FIXTURES / "cabinet-generic-8.yaml")
    cabinet, door = bank.resolve("C1-03")
    assert (cabinet.model.coil(door), cabinet.model.sensor(door)) == (2, 18)
    assert cabinet.model.presence(door) == 102
    sizes = [c.size for c in bank.compartments()]
    assert sizes == [CompartmentSize.S] * 4 + [CompartmentSize.M] * 3 + [CompartmentSize.L]


@pytest.mark.parametrize(
    ("change", "field_name"),
    [
        (lambda s: s["models"]["m4"].update(doors=0), "doors"),
        (lambda s: s["models"]["m4"].update(colour="red"), "models.m4"),
        (lambda s: s["models"]["m4"].update(sizes={"XL": [1]}), "sizes"),
        (lambda s: s["models"]["m4"].update(sizes={"S": ["3-9"]}), "sizes.S"),
        (lambda s: s["cabinets"]["C1"].update(model="nope"), "cabinets.C1.model"),
        (lambda s: s["cabinets"]["C1"].update(port=70000), "cabinets.C1.port"),
    ],
)
def test_bad_maps_name_the_field(change: Any, field_name: str) -> None:
    spec = copy.deepcopy(SPEC)
    change(spec)
    with pytest.raises(InvalidValue) as err:
        load_bank(spec)
    assert field_name in str(err.value)


def test_unknown_compartments_are_refused() -> None:
    bank = load_bank(SPEC)
    for bad in ("C2-01", "C1-05", "C1-x", "nonsense"):
        with pytest.raises(InvalidValue, match="compartment"):
            bank.resolve(bad)


def _controller(client: FakeClient, clock: FakeTime) -> ModbusLockerController:
    def factory(cabinet: Cabinet) -> FakeClient:
        return client

    return ModbusLockerController(
        load_bank(SPEC), client_factory=factory, sleep=clock.sleep, monotonic=clock.monotonic
    )


def test_open_pulses_then_polls_until_the_sensor_opens() -> None:
    client, clock = FakeClient(opens_after_polls=2), FakeTime()
    assert _controller(client, clock).open("C1-01") is DoorOutcome.OPENED
    assert client.coils == [(0, True), (0, False)]
    assert client.polls == 3
    assert clock.now == pytest.approx(0.1 + 2 * 0.25)


def test_a_door_that_never_opens_is_jammed_at_the_timeout() -> None:
    client, clock = FakeClient(opens_after_polls=None), FakeTime()
    assert _controller(client, clock).open("C1-01") is DoorOutcome.JAMMED
    assert clock.now == pytest.approx(0.1 + 1.0)


def test_vendor_errors_become_unreachable_and_the_connection_is_dropped() -> None:
    client, clock = FakeClient(fail=ModbusIOException("no answer")), FakeTime()
    controller = _controller(client, clock)
    assert controller.open("C1-01") is DoorOutcome.UNREACHABLE
    assert client.closed == 1
    client.fail = None
    assert controller.open("C1-01") is DoorOutcome.OPENED


def test_status_reads_sensor_and_presence() -> None:
    client, clock = FakeClient(opens_after_polls=None), FakeTime()
    client.inputs[12] = True
    status = _controller(client, clock).status("C1-01")
    assert (status.door_open, status.occupied) == (False, True)


def test_memory_lockers_follow_the_same_contract() -> None:
    lockers = MemoryLockers([Compartment("C1-01", CompartmentSize.S)])
    assert lockers.open("C1-01") is DoorOutcome.OPENED
    lockers.jammed.add("C1-01")
    assert lockers.open("C1-01") is DoorOutcome.JAMMED
    lockers.unreachable = True
    with pytest.raises(LockerFault):
        lockers.status("C1-01")
    with pytest.raises(LockerFault, match="no such"):
        lockers.open("C9-01")
