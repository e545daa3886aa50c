"""A simulated locker cabinet that is a real pymodbus TCP server, for the demo and the tests.

Each door has a lock coil, a door sensor and an RFID presence flag laid out by the cabinet
model's register map. When a lock coil is switched on, the door springs open and its sensor
follows after ``sensor_delay_s``, unless the door is jammed; the door stays open until someone
closes it (``close``). Tests can also make the next requests fail with a Modbus exception, or
stop and restart the server to play a disconnect or a power cut.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice
from pymodbus.simulator.simutils import SimUtils

from samplehub.core.domain.rfid import ReaderUnavailable, TagRead
from samplehub.pickup.adapters.lockers.register_map import Cabinet, CabinetModel, LockerBank

log = logging.getLogger(__name__)
WRITE_COIL_CODES = (5, 15)
READ_INPUT_CODE = 2


@dataclass
class SimDoor:
    open: bool = False
    occupied: bool = False
    tag: str | None = None  # the EPC (hex) of the item inside, for a compartment reader
    jammed: bool = False
    coil: bool = False
    opens_at: float | None = None  # when the sensor will follow a pulse
    opened_at: float | None = None
    seen_open: bool = False  # the sensor reported open at least once since it opened


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class SimulatedLocker:
    """One cabinet: door states behind a pymodbus server running in its own thread."""

    def __init__(
        self,
        model: CabinetModel,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        device_id: int = 1,
        sensor_delay_s: float = 0.05,
        customer_s: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.host = host
        self.port = port or free_port(host)
        self.device_id = device_id
        self.sensor_delay_s = sensor_delay_s
        self.customer_s = customer_s  # demo: a customer empties an open, full door after this
        self._monotonic = monotonic
        self.doors = {n: SimDoor() for n in range(1, model.doors + 1)}
        self.requests = 0
        self._fail_next = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: ModbusTcpServer | None = None
        self._thread: threading.Thread | None = None

    def cabinet(self, cabinet_id: str) -> Cabinet:
        """The configuration a controller needs to reach this simulated cabinet."""
        return Cabinet(cabinet_id, self.model, self.host, self.port, self.device_id)

    # --- what the people and the tests do -------------------------------------------------

    def jam(self, door: int, jammed: bool = True) -> None:
        with self._lock:
            self.doors[door].jammed = jammed

    def put(self, door: int, tag: str | None = None) -> None:
        """A tagged sample is loaded: the presence bit is set, a reader reads ``tag``."""
        with self._lock:
            self.doors[door].occupied, self.doors[door].tag = True, tag

    def take(self, door: int) -> None:
        with self._lock:
            self.doors[door].occupied, self.doors[door].tag = False, None

    def tags(self) -> dict[int, str]:
        """Door → the tag inside, for the doors holding a tagged item."""
        with self._lock:
            self._settle()
            return {n: d.tag for n, d in self.doors.items() if d.occupied and d.tag}

    def close(self, door: int) -> None:
        with self._lock:
            self.doors[door].open = False
            self.doors[door].opens_at = None

    def is_open(self, door: int) -> bool:
        with self._lock:
            self._settle()
            return self.doors[door].open

    def fail_next(self, requests: int) -> None:
        """Answer the next ``requests`` requests with a Modbus 'device failure' exception."""
        with self._lock:
            self._fail_next = requests

    # --- the Modbus side ------------------------------------------------------------------

    def _settle(self) -> None:
        now = self._monotonic()
        for door in self.doors.values():
            if door.opens_at is not None and now >= door.opens_at:
                door.open, door.opens_at, door.opened_at, door.seen_open = True, None, now, False
            if (  # the customer takes their sample: an empty door opened for a robot is left
                self.customer_s is not None
                and door.open
                and door.occupied
                and door.seen_open
                and door.opened_at is not None
                and now - door.opened_at >= self.customer_s
            ):
                door.open, door.occupied, door.opened_at, door.seen_open = False, False, None, False
                door.tag = None

    def _inputs(self, size: int) -> list[bool]:
        bits = [False] * size
        for n, door in self.doors.items():
            bits[self.model.sensor(n)] = door.open != self.model.sensor_active_low
            door.seen_open = door.seen_open or door.open
            bits[self.model.presence(n)] = door.occupied
        return bits

    def _coil_written(self, address: int, value: bool) -> None:
        for n, door in self.doors.items():
            if self.model.coil(n) != address:
                continue
            if value and not door.coil and not door.jammed and not door.open:
                door.opens_at = self._monotonic() + self.sensor_delay_s
            door.coil = value

    async def _action(
        self,
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        with self._lock:
            self.requests += 1
            if self._fail_next > 0:
                self._fail_next -= 1
                return ExcCodes.DEVICE_FAILURE
            if function_code in WRITE_COIL_CODES and values is not None:
                for i, value in enumerate(values):
                    self._coil_written(address + i, bool(value))
            elif function_code == READ_INPUT_CODE:
                self._settle()
                registers[:] = SimUtils.bitsToRegisters(self._inputs(len(registers) * 16))
        return None

    def _device(self) -> SimDevice:
        model = self.model
        last = model.doors - 1
        coils = _round16(model.lock_coil_base + last * model.stride + 1)
        inputs = _round16(
            max(model.door_sensor_base, model.presence_base) + last * model.stride + 1
        )
        return SimDevice(
            id=self.device_id,
            simdata=(
                [SimData(0, count=coils, values=False, datatype=DataType.BITS)],
                [SimData(0, count=inputs, values=False, datatype=DataType.BITS)],
                [SimData(0, count=1, values=0, datatype=DataType.REGISTERS)],
                [SimData(0, count=1, values=0, datatype=DataType.REGISTERS)],
            ),
            action=self._action,
        )

    def start(self) -> SimulatedLocker:
        """Listen on ``host:port`` (the same port after a restart)."""
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)

            async def serve() -> None:
                self._server = ModbusTcpServer(self._device(), address=(self.host, self.port))
                await self._server.serve_forever(background=True)

            try:
                loop.run_until_complete(serve())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name=f"sim-locker-{self.port}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self._thread = None
            raise RuntimeError(f"simulated locker could not listen on port {self.port}") from (
                failure[0]
            )
        log.info("simulated locker listening on %s:%d", self.host, self.port)
        return self

    def stop(self) -> None:
        """Stop listening and drop every connection, like pulling the cabinet's plug."""
        loop, server, thread = self._loop, self._server, self._thread
        if loop is None or thread is None:
            return
        if server is not None:
            stopping = server.shutdown()  # type: ignore[no-untyped-call]
            asyncio.run_coroutine_threadsafe(stopping, loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        self._loop, self._server, self._thread = None, None, None

    def __enter__(self) -> SimulatedLocker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _round16(n: int) -> int:
    return (n + 15) // 16 * 16


def start_bank(
    bank: LockerBank, *, sensor_delay_s: float = 0.05, customer_s: float | None = None
) -> tuple[dict[str, SimulatedLocker], LockerBank]:
    """One running simulator per cabinet of ``bank``, and the bank rewired to reach them."""
    sims: dict[str, SimulatedLocker] = {}
    try:
        for cabinet_id, cabinet in bank.cabinets.items():
            sims[cabinet_id] = SimulatedLocker(
                cabinet.model,
                device_id=cabinet.device_id,
                sensor_delay_s=sensor_delay_s,
                customer_s=customer_s,
            ).start()
    except Exception:
        for sim in sims.values():
            sim.stop()
        raise
    return sims, LockerBank({cid: sim.cabinet(cid) for cid, sim in sims.items()})


class SimulatedLoader:
    """Implements ``SampleLoader`` for simulated cabinets: the arm puts the tag in and shuts.

    ``epc_of`` gives the tag a sample carries (its EPC, hex), which a compartment reader reads."""

    def __init__(
        self, sims: dict[str, SimulatedLocker], epc_of: Callable[[str], str] | None = None
    ) -> None:
        self.sims = sims
        self.epc_of = epc_of

    def load(self, sample_number: str, compartment: str) -> bool:
        cabinet_id, _, door_text = compartment.rpartition("-")
        sim = self.sims.get(cabinet_id)
        if sim is None or not door_text.isdigit() or not sim.is_open(int(door_text)):
            log.warning("loader could not place %s into %s", sample_number, compartment)
            return False
        sim.put(int(door_text), self.epc_of(sample_number) if self.epc_of else None)
        sim.close(int(door_text))
        return True


class SimulatedLockerReaders:
    """Implements ``TagReaders`` for simulated cabinets with a reader: one antenna per door."""

    def __init__(self, sims: dict[str, SimulatedLocker], readers: dict[str, str]) -> None:
        self.sims = sims
        self.readers = dict(readers)  # reader name -> cabinet id

    def inventory(
        self, reader: str, antennas: Sequence[int] | None = None, seconds: float = 1.0
    ) -> list[TagRead]:
        sim = self.sims.get(self.readers.get(reader, ""))
        if sim is None:
            raise ReaderUnavailable(f"RFID reader {reader}: no such locker reader")
        wanted = None if antennas is None else set(antennas)
        return [
            TagRead(tag.lower(), reader, door, -40, None, 1)
            for door, tag in sorted(sim.tags().items())
            if wanted is None or door in wanted
        ]
