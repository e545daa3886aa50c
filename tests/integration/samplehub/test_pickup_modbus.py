"""The Modbus locker controller against the simulated cabinet, over real TCP on localhost."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymodbus.client import ModbusTcpClient

from samplehub.pickup.adapters.lockers.modbus import ModbusLockerController
from samplehub.pickup.adapters.lockers.register_map import Cabinet, LockerBank, load_bank
from samplehub.pickup.service.ports import DoorOutcome, LockerFault
from samplehub.simulation.lockers import SimulatedLocker, free_port, start_bank

FIXTURES = Path(__file__).parents[2] / "fixtures" / "samplehub" / "modbus"


@pytest.fixture
def bank_file() -> LockerBank:
    return load_bank(FIXTURES / "cabinet-generic-8.yaml")


@pytest.fixture
def sim(bank_file: LockerBank) -> Iterator[SimulatedLocker]:
    locker = SimulatedLocker(bank_file.cabinets["C1"].model, sensor_delay_s=0.03)
    with locker:
        yield locker


@pytest.fixture
def controller(sim: SimulatedLocker) -> Iterator[ModbusLockerController]:
    ctl = ModbusLockerController(LockerBank({"C1": sim.cabinet("C1")}))
    yield ctl
    ctl.close()


def test_open_pulses_the_coil_and_waits_for_the_sensor(
    sim: SimulatedLocker, controller: ModbusLockerController
) -> None:
    assert controller.open("C1-03") is DoorOutcome.OPENED
    assert sim.is_open(3)
    assert not sim.doors[3].coil  # the pulse ended
    assert controller.status("C1-03").door_open
    sim.close(3)
    assert not controller.status("C1-03").door_open


def test_rfid_presence_is_reported(
    sim: SimulatedLocker, controller: ModbusLockerController
) -> None:
    sim.put(5)
    assert controller.status("C1-05").occupied
    sim.take(5)
    assert not controller.status("C1-05").occupied


def test_a_jammed_door_is_reported_after_the_timeout(
    sim: SimulatedLocker, controller: ModbusLockerController
) -> None:
    sim.jam(2)
    assert controller.open("C1-02") is DoorOutcome.JAMMED
    assert controller.open("C1-04") is DoorOutcome.OPENED


def test_exception_responses_are_survived(
    sim: SimulatedLocker, controller: ModbusLockerController
) -> None:
    sim.fail_next(1)
    assert controller.open("C1-01") is DoorOutcome.UNREACHABLE
    sim.fail_next(1)
    with pytest.raises(LockerFault, match="C1"):
        controller.status("C1-01")
    assert controller.open("C1-01") is DoorOutcome.OPENED


def test_a_disconnect_is_reported_and_the_next_call_reconnects(
    sim: SimulatedLocker, controller: ModbusLockerController
) -> None:
    assert controller.open("C1-06") is DoorOutcome.OPENED
    sim.stop()
    assert controller.open("C1-07") is DoorOutcome.UNREACHABLE
    with pytest.raises(LockerFault, match="no connection"):
        controller.status("C1-07")
    sim.start()
    assert controller.open("C1-07") is DoorOutcome.OPENED
    assert sim.is_open(6)  # the door state outlived the controller's restart


def test_garbage_from_the_controller_is_survived(bank_file: LockerBank) -> None:
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port))
    stop = threading.Event()

    def babble() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    conn.recv(256)
                    conn.sendall(b"\xde\xad\xbe\xef not modbus at all \x00\x00\x00")
                except OSError:
                    pass

    thread = threading.Thread(target=babble, daemon=True)
    thread.start()
    try:
        cabinet = dataclasses.replace(bank_file.cabinets["C1"], port=port)
        ctl = ModbusLockerController(LockerBank({"C1": cabinet}))
        assert ctl.open("C1-01") is DoorOutcome.UNREACHABLE
        with pytest.raises(LockerFault):
            ctl.status("C1-01")
        ctl.close()
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def test_nobody_listening_is_unreachable(bank_file: LockerBank) -> None:
    cabinet = dataclasses.replace(bank_file.cabinets["C1"], port=free_port())
    ctl = ModbusLockerController(LockerBank({"C1": cabinet}))
    assert ctl.open("C1-01") is DoorOutcome.UNREACHABLE


def test_wire_frames_match_the_recorded_fixture(bank_file: LockerBank) -> None:
    """Pins the register map on the wire: which coil and inputs door 3 uses, in which order."""
    recorded = json.loads((FIXTURES / "open-door-3.json").read_text(encoding="utf-8"))
    frames: list[dict[str, str]] = []

    def trace(sending: bool, data: bytes) -> bytes:
        frames.append({"direction": "request" if sending else "response", "hex": data.hex()})
        return data

    with SimulatedLocker(bank_file.cabinets["C1"].model, sensor_delay_s=0.0) as sim:
        sim.put(3)

        def factory(cabinet: Cabinet) -> ModbusTcpClient:
            return ModbusTcpClient(cabinet.host, port=cabinet.port, timeout=1, trace_packet=trace)

        ctl = ModbusLockerController(LockerBank({"C1": sim.cabinet("C1")}), client_factory=factory)
        assert ctl.open("C1-03") is DoorOutcome.OPENED
        assert ctl.status("C1-03").occupied
        ctl.close()
    expected = [{"direction": f["direction"], "hex": f["hex"]} for f in recorded["frames"]]
    assert frames == expected


def test_a_simulated_bank_with_a_demo_customer_who_empties_and_shuts_the_door(
    bank_file: LockerBank,
) -> None:
    sims, bank = start_bank(bank_file, sensor_delay_s=0.0, customer_s=0.0)
    try:
        ctl = ModbusLockerController(bank)
        sims["C1"].put(4)
        assert ctl.open("C1-04") is DoorOutcome.OPENED
        status = ctl.status("C1-04")
        assert (status.door_open, status.occupied) == (False, False)
        assert ctl.open("C1-04") is DoorOutcome.OPENED  # and again: each opening is seen
        ctl.close()
    finally:
        for sim in sims.values():
            sim.stop()
