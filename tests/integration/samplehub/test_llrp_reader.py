"""The LLRP client against the simulated LLRP reader over TCP on 127.0.0.1."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from samplehub.core.domain.rfid import ReaderUnavailable
from samplehub.rfid.adapters.readers import LlrpReaders
from samplehub.rfid.adapters.tcp import Endpoint
from samplehub.rfid.service.operations import TagWriteFailed
from samplehub.simulation.llrp_reader import SimulatedLlrpReader
from samplehub.simulation.llrp_world import SimulatedReaderWorld

EPC_A = "3034257bf400b7800000162e"
EPC_B = "3034257bf400b7800000162f"
NEW = "3034257bf400b78000000abc"


@pytest.fixture
def world() -> SimulatedReaderWorld:
    world = SimulatedReaderWorld({"R1": 4, "K1": 1}, seed=7)
    world.place(EPC_A, "R1", 2)
    world.place(EPC_B, "R1", 4)
    world.roll("K1", 1)
    return world


@pytest.fixture
def sims(world: SimulatedReaderWorld) -> Iterator[dict[str, SimulatedLlrpReader]]:
    readers = {name: SimulatedLlrpReader(world, name).start() for name in ("R1", "K1")}
    yield readers
    for reader in readers.values():
        reader.stop()


@pytest.fixture
def client(sims: dict[str, SimulatedLlrpReader]) -> Iterator[LlrpReaders]:
    endpoints = {n: Endpoint(r.host, r.port, timeout_s=0.4) for n, r in sims.items()}
    readers = LlrpReaders(endpoints, backoff_s=0.02)
    yield readers
    readers.close()


def test_inventory_reports_every_tag_with_antenna_rssi_time_and_count(client: LlrpReaders) -> None:
    reads = client.inventory("R1", None, seconds=0.05)
    assert sorted((r.epc, r.antenna) for r in reads) == [(EPC_A, 2), (EPC_B, 4)]
    for read in reads:
        assert read.reader == "R1"
        assert read.peak_rssi is not None
        assert -60 <= read.peak_rssi <= -40
        assert read.first_seen_utc_us is not None
        assert read.first_seen_utc_us > 1.7e15
        assert read.seen_count == 1


def test_inventory_of_some_antennas_and_cross_reads(
    client: LlrpReaders, world: SimulatedReaderWorld
) -> None:
    assert [r.epc for r in client.inventory("R1", [2], seconds=0.05)] == [EPC_A]
    world.cross_read_probability = 1.0
    reads = client.inventory("R1", [1, 2, 3], seconds=0.05)
    by_antenna = {r.antenna: r for r in reads if r.epc == EPC_A}
    assert set(by_antenna) == {1, 2, 3}
    assert by_antenna[1].peak_rssi is not None
    assert by_antenna[2].peak_rssi is not None
    assert by_antenna[1].peak_rssi < by_antenna[2].peak_rssi - 5


def test_moved_and_removed_tags_are_seen_where_they_are(
    client: LlrpReaders, world: SimulatedReaderWorld
) -> None:
    world.move(EPC_A, "R1", 3)
    world.remove(EPC_B)
    assert [(r.epc, r.antenna) for r in client.inventory("R1", None, 0.05)] == [(EPC_A, 3)]


def test_epc_write_then_read_back(client: LlrpReaders, world: SimulatedReaderWorld) -> None:
    blank = world.tags_at("K1", 1)
    written = client.write_epc("K1", 1, NEW)
    assert written.epc == NEW
    assert len(written.tid) == 24
    assert written.tid.startswith("E2801170")
    assert world.tags_at("K1", 1) != blank  # the written tag left with its sample, a blank follows
    assert world.tags_at("K1", 1)[0].startswith("00000000")


def test_failed_write_is_reported_and_the_next_tag_takes_it(
    client: LlrpReaders, world: SimulatedReaderWorld
) -> None:
    world.fail_writes = 1
    with pytest.raises(TagWriteFailed, match="No response from tag"):
        client.write_epc("K1", 1, NEW)
    assert client.write_epc("K1", 1, NEW).epc == NEW


def test_write_refused_with_no_tag_or_two_tags(
    client: LlrpReaders, world: SimulatedReaderWorld
) -> None:
    world.add_reader("K2", 1)
    with pytest.raises(ReaderUnavailable, match="K2"):
        client.write_epc("K2", 1, NEW)  # not configured in the client
    world.place(EPC_A, "K1", 1)
    with pytest.raises(TagWriteFailed, match="2 tags on antenna 1"):
        client.write_epc("K1", 1, NEW)


def test_reader_disconnect_and_reconnect(
    client: LlrpReaders, world: SimulatedReaderWorld, sims: dict[str, SimulatedLlrpReader]
) -> None:
    assert len(client.inventory("R1", None, 0.05)) == 2
    old = sims["R1"]
    old.stop()
    with pytest.raises(ReaderUnavailable, match="R1"):
        client.inventory("R1", None, 0.05)
    sims["R1"] = SimulatedLlrpReader(world, "R1", port=old.port).start()
    assert len(client.inventory("R1", None, 0.05)) == 2


@pytest.mark.parametrize(
    ("fault", "logged"),
    [
        ("garbage", "not an LLRP header"),
        ("truncated", "connection closed after"),
        ("wrong_length", "cut short"),
        ("unknown_type", "unknown message type 999"),
        ("disconnect", "connection closed"),
    ],
)
def test_malformed_message_is_logged_and_survived(
    client: LlrpReaders,
    sims: dict[str, SimulatedLlrpReader],
    caplog: pytest.LogCaptureFixture,
    fault: str,
    logged: str,
) -> None:
    assert len(client.inventory("R1", None, 0.02)) == 2
    sims["R1"].inject(fault)
    with caplog.at_level(logging.WARNING):
        assert len(client.inventory("R1", None, 0.02)) == 2
    assert logged in caplog.text
    assert len(client.inventory("R1", None, 0.02)) == 2


def test_keepalives_are_acknowledged(sims: dict[str, SimulatedLlrpReader]) -> None:
    endpoint = Endpoint(sims["R1"].host, sims["R1"].port, timeout_s=0.4, keepalive_ms=20)
    quick = LlrpReaders({"R1": endpoint}, backoff_s=0.02)
    try:
        assert len(quick.inventory("R1", None, 0.02)) == 2
        time.sleep(0.1)  # idle: the reader sends keepalives, read with the next request
        assert len(quick.inventory("R1", None, 0.02)) == 2
        deadline = time.monotonic() + 1.0
        while sims["R1"].keepalive_acks == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sims["R1"].keepalive_acks >= 1
    finally:
        quick.close()
