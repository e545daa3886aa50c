"""Matching a nameplate reading to the order's expected items: serial first, then model/type."""

from __future__ import annotations

from samplehub.intake.domain.nameplate import NameplateReading, OcrLine, extract_fields
from samplehub.intake.domain.nameplate_match import ExpectedItem, best_match, match_items

ITEMS = [
    ExpectedItem("i1", serial_number="2023A0457", instrument_type="压力表", model="Y-100"),
    ExpectedItem("i2", serial_number="2023A0458", instrument_type="压力表", model="Y-100"),
    ExpectedItem(
        "i3", instrument_type="压力变送器", model="3051TG", category="pressure_transmitter"
    ),
]


def reading(*texts: str) -> NameplateReading:
    return extract_fields([OcrLine(t, 0.9) for t in texts])


def test_serial_number_decides_even_between_identical_gauges() -> None:
    match = best_match(reading("压力表", "型号 Y-100", "出厂编号 2023a-0458"), ITEMS)
    assert match is not None
    assert (match.item_id, match.reasons) == ("i2", ("serial_number",))


def test_one_ocr_slip_in_a_long_serial_still_matches_lower() -> None:
    ranked = match_items(reading("出厂编号 2O23A0457"), ITEMS)  # letter O read for zero
    assert ranked[0].item_id == "i1"
    near = match_items(reading("出厂编号 2023A0357"), ITEMS)
    assert near[0].reasons == ("serial_number~",)
    assert near[0].score < 1.0


def test_without_serial_model_and_type_choose() -> None:
    match = best_match(reading("压力变送器", "型号：3051TG"), ITEMS)
    assert match is not None
    assert (match.item_id, set(match.reasons)) == ("i3", {"model", "instrument_type"})


def test_a_tie_is_no_proposal() -> None:
    assert best_match(reading("压力表", "型号 Y-100"), ITEMS) is None
    assert best_match(reading("电子天平"), ITEMS) is None
