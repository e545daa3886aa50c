"""Locker controller over Modbus TCP (pymodbus): a coil per door lock, discrete inputs for sensors.

Opening a door pulses its lock coil, then polls its door sensor until it reports open or the
model's timeout passes; a door that stays shut is reported as jammed so the caller can use
another compartment or the counter. Every pymodbus error, timeout, exception response and
disconnect is logged and turned into ``DoorOutcome.UNREACHABLE`` or ``LockerFault`` here, at the
edge; a broken connection is dropped and made afresh on the next call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusException

from samplehub.pickup.adapters.lockers.register_map import Cabinet, LockerBank
from samplehub.pickup.domain.capacity import Compartment
from samplehub.pickup.service.ports import CompartmentStatus, DoorOutcome, LockerFault

log = logging.getLogger(__name__)

ClientFactory = Callable[[Cabinet], Any]


def _tcp_client(cabinet: Cabinet) -> ModbusTcpClient:
    return ModbusTcpClient(
        cabinet.host,
        port=cabinet.port,
        timeout=1.0,
        retries=1,
        reconnect_delay=0.0,
    )


class ModbusLockerController:
    """Implements ``LockerController`` for every cabinet of a locker bank."""

    def __init__(
        self,
        bank: LockerBank,
        *,
        client_factory: ClientFactory = _tcp_client,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bank = bank
        self._factory = client_factory
        self._sleep = sleep
        self._monotonic = monotonic
        self._clients: dict[str, Any] = {}
        self._locks = {cid: threading.Lock() for cid in bank.cabinets}

    def compartments(self) -> list[Compartment]:
        return self.bank.compartments()

    def close(self) -> None:
        for cabinet_id in list(self._clients):
            self._drop(cabinet_id)

    def open(self, compartment: str) -> DoorOutcome:
        cabinet, door = self.bank.resolve(compartment)
        model = cabinet.model
        with self._locks[cabinet.id]:
            try:
                self._write_coil(cabinet, model.coil(door), True)
                self._sleep(model.pulse_s)
                self._write_coil(cabinet, model.coil(door), False)
                deadline = self._monotonic() + model.open_timeout_s
                while True:
                    if self._door_open(cabinet, door):
                        log.info("locker %s opened", compartment)
                        return DoorOutcome.OPENED
                    if self._monotonic() >= deadline:
                        log.warning(
                            "locker %s did not open within %.1f s: reported as jammed",
                            compartment,
                            model.open_timeout_s,
                        )
                        return DoorOutcome.JAMMED
                    self._sleep(model.poll_s)
            except LockerFault as fault:
                log.error("locker %s unreachable: %s", compartment, fault.problem)
                return DoorOutcome.UNREACHABLE

    def status(self, compartment: str) -> CompartmentStatus:
        cabinet, door = self.bank.resolve(compartment)
        with self._locks[cabinet.id]:
            try:
                door_open = self._door_open(cabinet, door)
                occupied = self._read_input(cabinet, cabinet.model.presence(door))
            except LockerFault as fault:
                log.error("locker %s status unreadable: %s", compartment, fault.problem)
                raise
        return CompartmentStatus(compartment, door_open, occupied)

    def _door_open(self, cabinet: Cabinet, door: int) -> bool:
        raw = self._read_input(cabinet, cabinet.model.sensor(door))
        return raw != cabinet.model.sensor_active_low

    def _client(self, cabinet: Cabinet) -> Any:
        client = self._clients.get(cabinet.id)
        if client is None:
            client = self._factory(cabinet)
            try:
                connected = client.connect()
            except (ModbusException, OSError) as exc:
                connected = False
                log.debug("connect to %s failed: %s", cabinet.id, exc)
            if not connected:
                client.close()
                raise LockerFault(cabinet.id, f"no connection to {cabinet.host}:{cabinet.port}")
            self._clients[cabinet.id] = client
        return client

    def _drop(self, cabinet_id: str) -> None:
        client = self._clients.pop(cabinet_id, None)
        if client is not None:
            try:
                client.close()
            except (ModbusException, OSError):
                log.debug("closing the connection to %s failed", cabinet_id)

    def _call(self, cabinet: Cabinet, what: str, fn: Callable[[Any], Any]) -> Any:
        client = self._client(cabinet)
        try:
            response = fn(client)
        except (ModbusException, OSError, ValueError, AttributeError) as exc:
            self._drop(cabinet.id)
            raise LockerFault(cabinet.id, f"{what}: {type(exc).__name__}: {exc}") from exc
        if response is None or response.isError():
            self._drop(cabinet.id)
            code = getattr(response, "exception_code", None)
            raise LockerFault(cabinet.id, f"{what}: exception response, code {code}")
        return response

    def _write_coil(self, cabinet: Cabinet, address: int, value: bool) -> None:
        self._call(
            cabinet,
            f"write coil {address}",
            lambda c: c.write_coil(address, value, device_id=cabinet.device_id),
        )

    def _read_input(self, cabinet: Cabinet, address: int) -> bool:
        response = self._call(
            cabinet,
            f"read discrete input {address}",
            lambda c: c.read_discrete_inputs(address, count=1, device_id=cabinet.device_id),
        )
        bits = getattr(response, "bits", None)
        if not bits:
            self._drop(cabinet.id)
            raise LockerFault(cabinet.id, f"read discrete input {address}: no bits in reply")
        return bool(bits[0])
