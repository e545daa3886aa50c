"""The simulated shelf readers behind ``TagReaders``: direct reads stronger than cross-reads,
missed reads at the asked rate, a silent reader raises, the demo's inbox moves tags."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from samplehub.core.domain.rfid import ReaderUnavailable
from samplehub.simulation.shelf_readers import (
    SimulatedShelfReaders,
    slot_antennas,
    write_misplacement,
)
from samplehub.simulation.world import SimWorld
from samplehub.storage.domain.site import SlotRecord


def _slots() -> list[SlotRecord]:
    return [
        SlotRecord(f"A-01-{shelf}-0{n}", "A", 1, shelf, "S", "RA1", f"LOC-A-01-{shelf}-0{n}",
                   reader="RD-A01", antenna=shelf * 100 + n)
        for shelf in (1, 2) for n in (1, 2, 3)
    ]  # fmt: skip


def test_neighbours_are_the_next_slots_and_the_shelves_above_and_below() -> None:
    antennas = slot_antennas(_slots())
    assert set(antennas["A-01-1-02"].neighbours) == {"A-01-1-01", "A-01-1-03", "A-01-2-02"}
    assert antennas["A-01-2-01"].antenna == 201


def test_reads_miss_and_cross_read_at_about_the_asked_rates() -> None:
    world = SimWorld()
    world.place("A-01-1-02", "E2AB")
    readers = SimulatedShelfReaders(
        world, slot_antennas(_slots()), miss=0.1, cross=0.2, rng=random.Random(3)
    )
    reads = [r for _ in range(2000) for r in readers.inventory("RD-A01")]
    direct = [r for r in reads if r.antenna == 102]
    cross = [r for r in reads if r.antenna != 102]
    assert {r.epc for r in reads} == {"e2ab"}
    assert 0.87 < len(direct) / 2000 < 0.93
    assert 0.17 < len(cross) / 2000 < 0.23
    assert (
        sum(r.peak_rssi or 0 for r in cross) / len(cross)
        < -60
        < sum(r.peak_rssi or 0 for r in direct) / len(direct)
    )
    assert readers.inventory("RD-B01") == []


def test_a_silent_reader_raises_reader_unavailable() -> None:
    readers = SimulatedShelfReaders(SimWorld(), slot_antennas(_slots()))
    readers.offline.add("RD-A01")
    with pytest.raises(ReaderUnavailable, match="RD-A01"):
        readers.inventory("RD-A01")


def test_the_inbox_moves_tags_and_skips_a_garbage_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    world = SimWorld()
    world.place("A-01-1-01", "E2AB")
    inbox = tmp_path / "simulation" / "misplace.jsonl"
    readers = SimulatedShelfReaders(world, slot_antennas(_slots()), miss=0.0, cross=0.0,
                                    inbox=inbox)  # fmt: skip
    write_misplacement(inbox, "e2ab", "A-01-2-03")
    with inbox.open("a", encoding="utf-8") as out:
        out.write("not json\n")
    with caplog.at_level(logging.WARNING):
        assert readers.take_inbox() == 1
    assert "line ignored" in caplog.text
    assert world.slot_contents["A-01-2-03"] == {"E2AB"}  # the world's own spelling kept
    assert world.slot_contents["A-01-1-01"] == set()
    assert not inbox.exists()
    assert [r.antenna for r in readers.inventory("RD-A01")] == [203]
