"""The simulated readers' world: placements, misses, cross-reads, the roll of blank tags."""

from __future__ import annotations

import pytest

from samplehub.simulation.llrp_world import SimulatedReaderWorld

EPC = "3034257bf400b7800000162e"


def test_placed_tags_are_heard_on_their_antenna_only() -> None:
    world = SimulatedReaderWorld({"R1": 4}, seed=1)
    world.place(EPC, "R1", 2)
    assert [(s.tag.epc, s.antenna) for s in world.observe("R1", ())] == [(EPC, 2)]
    assert world.observe("R1", (3,)) == []
    assert world.observe("R2", ()) == []
    world.move(EPC, "R1", 3)
    assert world.where(EPC) == ("R1", 3)
    world.remove(EPC)
    assert world.observe("R1", ()) == []
    assert world.known(EPC) is not None


def test_misses_and_cross_reads_follow_their_probabilities() -> None:
    world = SimulatedReaderWorld({"R1": 3}, miss_probability=0.3, seed=2)
    world.place(EPC, "R1", 1)
    heard = sum(bool(world.observe("R1", (1,))) for _ in range(2000))
    assert 1300 < heard < 1500  # 70 % of 2,000
    world.miss_probability, world.cross_read_probability = 0.0, 1.0
    by_antenna = {s.antenna: s.rssi for s in world.observe("R1", ())}
    assert set(by_antenna) == {1, 2}  # antenna 0 does not exist
    assert by_antenna[2] == by_antenna[1] - world.cross_read_drop_db


def test_roll_keeps_one_blank_tag_and_replaces_a_failed_one() -> None:
    world = SimulatedReaderWorld({"K1": 1}, seed=3)
    world.roll("K1", 1)
    (blank,) = world.tags_at("K1", 1)
    tag = world.known(blank)
    assert tag is not None
    world.fail_writes = 1
    assert world.write(tag, "K1", (0x3034,) * 6, 0) == 5  # no response from tag
    (fresh,) = world.tags_at("K1", 1)
    assert fresh != blank
    fresh_tag = world.known(fresh)
    assert fresh_tag is not None
    assert world.write(fresh_tag, "K1", (0x3034,) * 6, 0) == 0
    assert world.tags_at("K1", 1) == ["303430343034303430343034"]
    world.read_back(fresh_tag)  # written and read back: it leaves with its sample
    (after,) = world.tags_at("K1", 1)
    assert after.startswith("00000000")


def test_locked_tag_needs_its_access_password() -> None:
    world = SimulatedReaderWorld({"K1": 1})
    tag = world.place(EPC, "K1", 1)
    tag.locked, tag.access_password = True, 0x12345678
    assert world.write(tag, "K1", (1, 2, 3, 4, 5, 6), 0) == 2
    assert world.write(tag, "K1", (1, 2, 3, 4, 5, 6), 0x12345678) == 0


def test_unknown_reader_or_antenna_is_refused_naming_it() -> None:
    world = SimulatedReaderWorld({"R1": 2})
    with pytest.raises(ValueError, match="'R9' antenna 1"):
        world.place(EPC, "R9", 1)
    with pytest.raises(ValueError, match="'R1' antenna 3"):
        world.place(EPC, "R1", 3)
    with pytest.raises(KeyError, match="no tag"):
        world.move("3034257bf400b7800000ffff", "R1", 1)
