"""Size classes from the instrument, the dwell estimate, capacity levels and the load plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.model import Instrument
from samplehub.storage.domain import capacity, layout
from samplehub.storage.domain.dwell import DAY_S, DwellBasis, DwellRules, expected_dwell_s
from samplehub.storage.domain.site import Site, SiteError, SlotRecord
from samplehub.storage.domain.sizing import size_class_of

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _gauge(
    model: str | None = None, top: str = "1.6", unit: str = "MPa", **more: str
) -> Instrument:
    return Instrument(
        more.pop("instrument_type", "弹簧管压力表"), model=model, range_min=Decimal(0),
        range_max=Decimal(top), unit=unit, **more,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("instrument", "size"),
    [
        (_gauge("Y-100"), "S"),
        (_gauge("YN-60"), "S"),
        (_gauge("YB-150"), "M"),
        (_gauge("Y-250"), "L"),
        (_gauge(None, accuracy_class="0.25"), "M"),
        (_gauge(None, instrument_type="精密压力表"), "M"),
        (_gauge(None, top="100"), "M"),
        (_gauge(None, top="600", unit="kPa"), "S"),
        (_gauge(None), "S"),
        (Instrument("砝码", range_min=Decimal(0), range_max=Decimal(500), unit="g"), "S"),
        (Instrument("砝码", range_min=Decimal(0), range_max=Decimal(20), unit="kg"), "M"),
        (Instrument("砝码", range_min=Decimal(0), range_max=Decimal(50), unit="kg"), "L"),
        (Instrument("电子天平"), "L"),
        (Instrument("工业热电阻"), "M"),
        (Instrument("数字温度计"), "S"),
        (Instrument("数字多用表"), "S"),
        (Instrument("流量计"), "M"),
    ],
)
def test_the_size_class_follows_type_and_range(instrument: Instrument, size: str) -> None:
    assert size_class_of(instrument)[0] == size


def test_a_size_class_given_at_intake_wins_and_is_checked() -> None:
    assert size_class_of(_gauge("Y-100", size_class="XL")) == ("XL", "given at intake")
    with pytest.raises(InvalidValue) as refused:
        _gauge("Y-100", size_class="XXL")
    assert refused.value.field == "instrument.size_class"
    assert "size_class" not in _gauge("Y-100").to_dict()  # old records keep their shape


def _basis(**changes: object) -> DwellBasis:
    basis = DwellBasis("verification", False, 80, NOW + timedelta(days=10), None)
    return replace(basis, **changes)  # type: ignore[arg-type]


def test_dwell_waits_for_the_lab_queue_but_not_past_the_due_date() -> None:
    rules = DwellRules(lab_per_day=40)
    assert expected_dwell_s(_basis(), NOW, rules)[0] == 2 * DAY_S
    soon, why = expected_dwell_s(_basis(due=NOW + timedelta(days=1.5)), NOW, rules)
    assert soon == 0.5 * DAY_S
    assert "due" in why
    slower, _ = expected_dwell_s(_basis(service="calibration", due=NOW + timedelta(days=2.5)),
                                 NOW, rules)  # fmt: skip
    assert slower == 0.5 * DAY_S  # calibration needs two bench days
    assert expected_dwell_s(_basis(queue_ahead=0), NOW, rules)[0] == 0.25 * DAY_S


def test_dwell_of_a_finished_sample_runs_to_its_pickup() -> None:
    rules = DwellRules(collect_days=5, staging_lead_h=2)
    booked = _basis(service_completed=True, pickup_at=NOW + timedelta(days=1, hours=2))
    assert expected_dwell_s(booked, NOW, rules)[0] == pytest.approx(DAY_S)
    assert expected_dwell_s(_basis(service_completed=True), NOW, rules)[0] == 5 * DAY_S


def _slot(address: str, size: str = "S", **changes: object) -> SlotRecord:
    area = address.split("-")[0]
    return replace(SlotRecord(address, area, 1, 1, size, "RA1", f"LOC-{address}"), **changes)  # type: ignore[arg-type]


def test_capacity_levels_per_area_and_size_class() -> None:
    slots = [_slot(f"A-01-1-{i:02d}", occupant=f"S{i}" if i <= 8 else None) for i in range(1, 11)]
    slots += [_slot("A-01-2-01", "M", reserved_for="X"), _slot("A-01-2-02", "M", blocked=True)]
    slots += [_slot("B-01-1-01")]
    uses = {(u.area, u.size_class): u for u in capacity.occupancy(slots)}
    assert (uses["A", "S"].used, uses["A", "S"].capacity, uses["A", "S"].level) == (8, 10, 80)
    assert (uses["A", "M"].used, uses["A", "M"].capacity, uses["A", "M"].blocked) == (1, 1, 1)
    assert uses["A", "M"].level == 100
    assert uses["B", "S"].level is None
    assert [(w.area, w.size_class) for w in capacity.warnings(uses.values())] == [
        ("A", "M"), ("A", "S"),
    ]  # fmt: skip
    assert capacity.level_of(9, 10) == 90
    assert capacity.level_of(7, 10) is None


def test_staff_but_not_the_kiosk_or_customers_see_storage() -> None:
    from samplehub.core.domain.model import Role

    assert {r for r in Role if capacity.may_see_storage(r)} == {
        Role.WAREHOUSE, Role.ADMIN, Role.LAB, Role.APPROVER,
    }  # fmt: skip


def _site(*slots: SlotRecord) -> Site:
    return Site({}, {"A": "A"}, {s.address: s for s in slots}, {})


def test_a_load_plan_adds_changes_and_removes_and_is_idempotent() -> None:
    current = {s.address: s for s in (_slot("A-01-1-01", occupant="S1"), _slot("A-01-1-02"))}
    site = _site(_slot("A-01-1-01", "M"), _slot("A-01-1-03"))
    change = layout.plan(current, site)
    assert [s.address for s in change.added] == ["A-01-1-03"]
    assert change.removed == ["A-01-1-02"]
    assert [(s.address, s.size_class, s.occupant) for s in change.changed] == [
        ("A-01-1-01", "M", "S1")
    ]
    assert layout.plan({s.address: s for s in site.slots.values()}, site).empty


def test_a_load_plan_never_drops_or_shrinks_a_held_slot() -> None:
    current = {
        "A-01-1-01": _slot("A-01-1-01", "M", occupant="S1"),
        "A-01-1-02": _slot("A-01-1-02", reserved_for="S2"),
    }
    with pytest.raises(SiteError) as refused:
        layout.plan(current, _site(_slot("A-01-1-01", "S")))
    assert "A-01-1-01 (holds S1) would shrink to S" in str(refused.value.value)
    assert "A-01-1-02 (holds S2) would be dropped" in str(refused.value.value)
