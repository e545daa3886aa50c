"""The site file: the demo site as stored, and errors naming the file's line and the field."""

from __future__ import annotations

import pytest

from samplehub.app.wiring.storage import DEMO_SITE
from samplehub.storage.adapters.site_yaml import read_site_text
from samplehub.storage.domain.site import Site, SiteError, site_from_tree

SMALL = """\
map:
  nodes:
  - {id: IN1, x: 0, y: 0}
  - {id: RA1, x: 10, y: 0}
storage:
  areas:
  - id: A
    racks:
    - number: 1
      access_node: RA1
      shelves:
      - {size_class: S, slots: 3}
      - {size_class: L, slots: 1}
  blocked: [A-01-1-03]
places:
  intake_platform:K1: IN1
"""


def _site(text: str) -> Site:
    return site_from_tree(*read_site_text(text))


def _refused(text: str) -> SiteError:
    with pytest.raises(SiteError) as refused:
        _site(text)
    return refused.value


def test_the_demo_site_has_five_racks_of_sixty_five_slots_and_its_places() -> None:
    site = _site(DEMO_SITE.read_text(encoding="utf-8"))
    assert len(site.slots) == 5 * 65
    assert set(site.areas) == {"A", "B"}
    slot = site.slots["A-03-2-07"]
    assert (slot.area, slot.rack, slot.shelf, slot.size_class) == ("A", 3, 2, "S")
    assert slot.rfid_tag == "LOC-A-03-2-07"
    assert site.slots["A-01-1-01"].blocked
    assert site.places["intake_platform:K1"] == "IN1"
    assert {"lab_bench:P-01", "lab_bench:P-02", "lab_bench:P-03"} <= set(site.places)
    assert site.places["locker_compartment:L1-07"] == "LOCK1"


def test_slots_get_addresses_sizes_and_the_blocked_flag() -> None:
    site = _site(SMALL)
    assert sorted(site.slots) == ["A-01-1-01", "A-01-1-02", "A-01-1-03", "A-01-2-01"]
    assert site.slots["A-01-2-01"].size_class == "L"
    assert site.slots["A-01-1-03"].blocked
    assert site.slots["A-01-1-01"].access_node == "RA1"
    assert site.nodes["RA1"].x == 10


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "allowed"),
    [
        ("access_node: RA1", "access_node: RA9", 10, "storage.areas[0].racks[0].access_node",
         "a node of map.nodes"),
        ("{size_class: L, slots: 1}", "{size_class: XXL, slots: 1}", 13,
         "storage.areas[0].racks[0].shelves[1].size_class", "S, M, L, XL"),
        ("{size_class: S, slots: 3}", "{size_class: S, slots: 0}", 12,
         "storage.areas[0].racks[0].shelves[0].slots", "a whole number 1 to 99"),
        ("blocked: [A-01-1-03]", "blocked: [A-01-1-09]", 14, "storage.blocked[0]",
         "the address of a slot defined above"),
        ("intake_platform:K1: IN1", "robot:R1: IN1", 16, "places.robot:R1", "kind:code"),
        ("  - id: A\n", "  - id: a\n", 7, "storage.areas[0].id", "1-8 of A-Z"),
        ("    - number: 1\n", "    - numbr: 1\n", 9, "storage.areas[0].racks[0].numbr",
         "one of access_node, number, reader, shelves"),
    ],
)  # fmt: skip
def test_an_error_names_the_line_the_field_and_what_is_allowed(
    old: str, new: str, line: int, field: str, allowed: str
) -> None:
    assert old in SMALL
    error = _refused(SMALL.replace(old, new, 1))
    assert (error.line, error.field) == (line, field)
    assert error.allowed.startswith(allowed)
    assert str(error).startswith(f"line {line}: {field}: ")


def test_a_missing_key_is_placed_on_its_parents_line() -> None:
    error = _refused(SMALL.replace("      access_node: RA1\n", ""))
    assert (error.line, error.field) == (9, "storage.areas[0].racks[0].access_node")
    assert error.allowed == "access_node is required"


def test_a_rack_number_and_an_area_are_used_once() -> None:
    twice = SMALL.replace("  blocked:", "  - id: A\n    racks: []\n  blocked:")
    assert _refused(twice).field == "storage.areas[1].id"


def test_text_that_is_not_yaml_is_refused_with_its_line() -> None:
    error = _refused("map:\n  nodes: [\n")
    assert error.field == "site"
    assert error.line is not None


def test_the_demo_site_map_is_the_fleet_map_of_the_peak_hour_scenario() -> None:
    from pathlib import Path

    import yaml

    from samplehub.app.config import Settings
    from samplehub.app.wiring.storage import site_map_tree
    from samplehub.fleet.domain.sitemap import site_map_from_dict

    scenario = Path(__file__).resolve().parents[4] / "scenarios" / "peak-hour.yaml"
    peak = yaml.safe_load(scenario.read_text(encoding="utf-8"))["site"]
    tree = site_map_tree(Settings())
    assert tree == peak
    assert len(site_map_from_dict(tree).nodes) == len(peak["nodes"])


READERS = (
    SMALL.replace("      access_node: RA1\n", "      access_node: RA1\n      reader: RD-A01\n")
    .replace("{size_class: S, slots: 3}", "{size_class: S, slots: 3, first_antenna: 101}")
    .replace("{size_class: L, slots: 1}", "{size_class: L, slots: 1, antenna: 7}")
)


def test_racks_have_readers_and_slots_their_antennas() -> None:
    site = _site(READERS)
    assert [(s.reader, s.antenna) for s in site.slots.values()] == [
        ("RD-A01", 101), ("RD-A01", 102), ("RD-A01", 103), ("RD-A01", 7),
    ]  # fmt: skip
    assert all(s.reader is None and s.antenna is None for s in _site(SMALL).slots.values())


def test_every_demo_slot_has_its_own_antenna() -> None:
    slots = _site(DEMO_SITE.read_text(encoding="utf-8")).slots.values()
    spots = {(s.reader, s.antenna) for s in slots}
    assert None not in {s.antenna for s in slots}
    assert len(spots) == len(slots)


@pytest.mark.parametrize(
    ("old", "new", "field", "line"),
    [
        ("antenna: 7", "antenna: 0", "storage.areas[0].racks[0].shelves[1].antenna", 14),
        ("antenna: 7", "antenna: 102", "storage.areas[0].racks[0].shelves[1].antenna", 14),
        ("antenna: 7", "antenna: 7, first_antenna: 1",
         "storage.areas[0].racks[0].shelves[1].first_antenna", 14),
        ("reader: RD-A01", "reader: 'RD A01'", "storage.areas[0].racks[0].reader", 11),
        ("first_antenna: 101", "first_antenna: 65534",
         "storage.areas[0].racks[0].shelves[0].first_antenna", 13),
    ],
)  # fmt: skip
def test_reader_and_antenna_errors_name_the_line_and_field(
    old: str, new: str, field: str, line: int
) -> None:
    error = _refused(READERS.replace(old, new, 1))
    assert (error.field, error.line) == (field, line)


def test_an_antenna_needs_a_reader_on_its_rack() -> None:
    error = _refused(READERS.replace("      reader: RD-A01\n", ""))
    assert error.field == "storage.areas[0].racks[0].shelves[0].first_antenna"
    assert "rack with a reader" in str(error)
