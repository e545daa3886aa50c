from datetime import UTC, datetime
from decimal import Decimal

import pytest

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.lifecycle import Transition
from samplehub.core.domain.model import (
    Channel,
    Contact,
    Customer,
    Instrument,
    Order,
    OrderItem,
    Role,
    Service,
    User,
)
from samplehub.core.domain.numbering import NumberScheme
from samplehub.core.domain.permissions import may_apply, may_manage_users

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_number_scheme_formats_and_parses() -> None:
    scheme = NumberScheme("JX", 6)
    assert scheme.format(2026, 123) == "JX2026-000123"
    assert scheme.parse("JX2026-000123") == (2026, 123)
    with pytest.raises(InvalidValue, match="JX2026-000123"):
        scheme.parse("JX26-1")
    with pytest.raises(InvalidValue, match="sequence"):
        scheme.format(2026, 1_000_000)
    with pytest.raises(InvalidValue, match="prefix"):
        NumberScheme("jx")


def test_customer_registration_validates_and_records() -> None:
    customer = Customer.register(
        "c1", " 恒达仪表 ", "91350100m000100y43", [Contact("陈", "13905910001")], "admin", AT
    )
    assert customer.name == "恒达仪表"
    assert customer.credit_code == "91350100M000100Y43"
    assert [e.type for e in customer.events] == ["CustomerRegistered"]
    with pytest.raises(InvalidValue, match="credit_code"):
        Customer.register("c2", "x", "91350100M000100Y44", [], "admin", AT)
    with pytest.raises(InvalidValue, match=r"contact\.phone"):
        Contact("陈", "call me")


def test_users_belong_to_a_customer_or_to_the_institute() -> None:
    with pytest.raises(InvalidValue, match="customer_id"):
        User("cust-x", Role.CUSTOMER, "h")
    with pytest.raises(InvalidValue, match="customer_id"):
        User("lab2", Role.LAB, "h", customer_id="c1")
    with pytest.raises(InvalidValue, match="username"):
        User("Bad Name", Role.LAB, "h")
    customer = User("cust-a", Role.CUSTOMER, "h", "c1")
    assert customer.can_see("c1")
    assert not customer.can_see("c2")
    assert User("lab", Role.LAB, "h").can_see("c2")
    with pytest.raises(InvalidValue, match="role"):
        Role.parse("root")


def test_order_needs_items_and_sane_quantities() -> None:
    with pytest.raises(InvalidValue, match="items"):
        Order.create("WT2026-000001", "c1", Service.CALIBRATION, Channel.ONLINE, [], "u", AT)
    with pytest.raises(InvalidValue, match="quantity"):
        OrderItem("压力表", serial_number="A1", quantity=2)
    with pytest.raises(InvalidValue, match="quantity"):
        OrderItem("压力表", quantity=0)
    order = Order.create(
        "WT2026-000001", "c1", Service.VERIFICATION, Channel.KIOSK, [OrderItem("压力表")], "u", AT
    )
    assert order.events[0].payload()["items"][0]["instrument_type"] == "压力表"
    with pytest.raises(InvalidValue, match="service"):
        Service.parse("repair")


def test_instrument_range_and_round_trip() -> None:
    instrument = Instrument.from_dict(
        {"instrument_type": "压力真空表", "range_min": "-0.1", "range_max": 0.9, "unit": "MPa"}
    )
    assert instrument.range_min == Decimal("-0.1")
    assert Instrument.from_dict(instrument.to_dict()) == instrument
    with pytest.raises(InvalidValue, match="range_max"):
        Instrument("压力表", range_min=Decimal(2), range_max=Decimal(1), unit="MPa")
    with pytest.raises(InvalidValue, match="unit"):
        Instrument("压力表", range_min=Decimal(0), range_max=Decimal(1))
    with pytest.raises(InvalidValue, match="both bounds"):
        Instrument("压力表", range_min=Decimal(0))
    with pytest.raises(InvalidValue, match="range_min"):
        Instrument.from_dict({"instrument_type": "x", "range_min": "abc", "range_max": "1"})
    with pytest.raises(InvalidValue, match="instrument"):
        Instrument.from_dict({"instrument_type": "x", "colour": "red"})
    with pytest.raises(InvalidValue, match="instrument_type"):
        Instrument("  ")


def test_permissions() -> None:
    assert may_apply(Role.KIOSK, Transition.RECEIVE)
    assert not may_apply(Role.CUSTOMER, Transition.RECEIVE)
    assert not may_apply(Role.KIOSK, Transition.STORE)
    assert all(may_apply(Role.ADMIN, t) for t in Transition)
    assert may_manage_users(Role.ADMIN)
    assert not may_manage_users(Role.LAB)
