"""Wiring of the RFID readers: LLRP clients by name, simulated readers started in process.

The readers the settings name become one ``LlrpReaders`` (core's TagReaders port, and the EPC
writer of the intake). Readers of type ``simulated`` are LLRP servers on 127.0.0.1 over one
``SimulatedReaderWorld``, started on first use and kept for the life of the process (one per
distinct ``rfid`` settings), so the demo's RFID is the real protocol over a real socket.
"""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass, field

from samplehub.app.config import Settings
from samplehub.app.config_rfid import LlrpReaderConfig, RfidSettings, SimulatedReaderConfig
from samplehub.core.domain.rfid import ReaderUnavailable
from samplehub.intake.service.ports import IntakeDeviceError, TagWrite
from samplehub.rfid.adapters.readers import LlrpReaders
from samplehub.rfid.adapters.tcp import Endpoint
from samplehub.rfid.service.operations import TagWriteFailed
from samplehub.simulation.llrp_reader import SimulatedLlrpReader
from samplehub.simulation.llrp_world import ReaderWorld, SimulatedReaderWorld

log = logging.getLogger(__name__)


@dataclass
class ServedReaders:
    """Simulated LLRP readers served on 127.0.0.1 over one world, and the LLRP client reading
    them: the demo's shelves and locker compartments are read over a real socket."""

    world: ReaderWorld
    readers: LlrpReaders = field(default_factory=lambda: LlrpReaders({}))
    servers: dict[str, SimulatedLlrpReader] = field(default_factory=dict)
    timeout_s: float = 3.0
    _serving: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_simulated_reader(self, name: str, antennas: int) -> SimulatedLlrpReader:
        """Serve one more simulated reader over the world (e.g. a rack's, from the site file)
        and let the client reach it; a reader already served keeps its server, with the
        antennas it has now."""
        with self._serving:
            self.world.add_reader(name, max(antennas, self.world.readers.get(name, 0)))
            if name not in self.servers:
                server = SimulatedLlrpReader(self.world, name).start()
                self.servers[name] = server
                self.readers.add(name, Endpoint(server.host, server.port, self.timeout_s))
                log.info("simulated LLRP reader %s on %s:%d", name, server.host, server.port)
            return self.servers[name]

    def close(self) -> None:
        self.readers.close()
        for server in self.servers.values():
            server.stop()


@dataclass
class RfidSite(ServedReaders):
    """The configured readers: the LLRP client over all of them, and the simulated world."""

    world: SimulatedReaderWorld


def start_site(config: RfidSettings) -> RfidSite:
    """Start the simulated readers the settings name and connect a client to every reader."""
    world = SimulatedReaderWorld(
        miss_probability=config.simulated_miss_probability,
        cross_read_probability=config.simulated_cross_read_probability,
    )
    servers: dict[str, SimulatedLlrpReader] = {}
    endpoints: dict[str, Endpoint] = {}
    for name, reader in sorted(config.all_readers().items()):
        match reader:
            case SimulatedReaderConfig(port=port, antennas=antennas):
                world.add_reader(name, antennas)
                server = SimulatedLlrpReader(world, name, port=port).start()
                servers[name] = server
                host, bound = server.host, server.port
                log.info("simulated LLRP reader %s on %s:%d", name, host, bound)
            case LlrpReaderConfig(host=host, port=bound):
                pass
        endpoints[name] = Endpoint(host, bound, config.timeout_s, config.keepalive_ms)
    if config.intake_reader in servers:
        world.roll(config.intake_reader, config.intake_antenna)
    return RfidSite(world, LlrpReaders(endpoints), servers, config.timeout_s)


_sites: dict[str, RfidSite] = {}
_lock = threading.Lock()


def rfid_site(settings: Settings) -> RfidSite:
    """The process's readers for these settings, started on the first call."""
    key = settings.rfid.model_dump_json()
    with _lock:
        if key not in _sites:
            _sites[key] = start_site(settings.rfid)
            atexit.register(_sites[key].close)
        return _sites[key]


class LlrpIntakeWriter:
    """The intake's RfidWriter port over LLRP: the reader and antenna of the kiosk's tags.

    The readers start on the first write; LLRP errors become IntakeDeviceError at this edge.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.reader = settings.rfid.intake_reader
        self.antenna = settings.rfid.intake_antenna

    def write_epc(self, epc_hex: str, *, access_password: str | None = None) -> TagWrite:
        password = int(access_password, 16) if access_password else 0
        try:
            site = rfid_site(self._settings)
            written = site.readers.write_epc(self.reader, self.antenna, epc_hex, password)
        except (TagWriteFailed, ReaderUnavailable) as error:
            raise IntakeDeviceError(str(error)) from error
        except OSError as error:
            raise IntakeDeviceError(
                f"RFID 读写器不可用 / RFID reader unavailable: {error}"
            ) from error
        return TagWrite(tid=written.tid, epc_hex=written.epc.upper())

    def read_epcs(self) -> list[str]:
        try:
            reads = rfid_site(self._settings).readers.inventory(
                self.reader, [self.antenna], seconds=0.2
            )
        except ReaderUnavailable as error:
            raise IntakeDeviceError(str(error)) from error
        return sorted({read.epc.upper() for read in reads})
