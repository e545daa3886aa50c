"""SampleHub's labels and times through its gettext catalogues; the rules every catalogue
keeps (complete, namespaced per slice, not stale) are in tests/unit/test_catalogues.py. The
pages' own texts are checked in test_web_kiosk and test_web_pages.
"""

from __future__ import annotations

import re

import pytest

from samplehub.core.domain.lifecycle import LABELS, HoldReason, SampleState, Transition
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.model import Channel, Role, Service
from samplehub.web import i18n


def test_templates_show_texts_through_gettext_only() -> None:
    for page in (i18n.LOCALE_DIR.parent / "templates").glob("*.html"):
        assert not re.search(r"(?<![\w.])t\(", page.read_text()), page.name


def test_every_value_the_pages_name_has_a_label() -> None:
    assert set(LABELS) == set(SampleState)
    assert set(i18n.PLACES) == set(LocationKind)
    assert set(i18n.TRANSITIONS) == set(Transition)
    assert set(i18n.HOLD_REASONS) == set(HoldReason)
    assert set(i18n.ROLES) == set(Role)
    assert set(i18n.SERVICES) == set(Service)
    assert set(i18n.CHANNELS) == set(Channel)


def test_places_states_and_times_read_naturally() -> None:
    zh, en = i18n.Translator("zh-CN"), i18n.Translator("en")
    assert zh.place("storage_slot:A-03-2-07") == "货位 A-03-2-07"
    assert en.place("robot:AMR-01") == "Robot AMR-01"
    assert zh.place("customer:5075c7bb") == "客户处"
    assert zh.time("2026-11-02T16:30:00.000000Z") == "2026-11-03 00:30"
    assert en.time("2026-11-02T16:30:00.000000Z") == "2026-11-03 00:30"
    assert en.state("staged") == "Ready for pickup"
    assert zh.state("staged") == "待取件"
    assert zh("web.results", total=3) == "共 3 条"
    assert en.transition("store") == "Store"
    assert zh.transition("no-such-transition") == "no-such-transition"


@pytest.mark.parametrize(
    ("asked", "default", "chosen"),
    [
        ("fr", "zh-CN", "zh-CN"),
        ("en-GB", "zh-CN", "en"),
        (None, "en", "en"),
        ("zh-CN", "en", "zh-CN"),
    ],
)
def test_unknown_locales_fall_back_to_the_default(asked: str | None, default: str, chosen: str):
    assert i18n.pick_locale(asked, default) == chosen
