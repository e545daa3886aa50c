"""The message catalogue: both languages complete, every key the templates use present."""

from __future__ import annotations

import re
from pathlib import Path

from samplehub.core.domain.lifecycle import HoldReason, Transition
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.model import Role
from samplehub.web import i18n

TEMPLATES = Path(i18n.__file__).parent / "templates"


def test_both_languages_have_the_same_keys() -> None:
    assert set(i18n.MESSAGES["zh-CN"]) == set(i18n.MESSAGES["en"])


def test_every_literal_key_in_the_templates_is_in_the_catalogue() -> None:
    used = {
        key
        for page in TEMPLATES.glob("*.html")
        for key in re.findall(r"""\bt\(\s*["']([a-z_]+)["']\s*[),]""", page.read_text())
    }
    assert used, "no keys found: the pattern no longer matches the templates"
    assert used <= set(i18n.MESSAGES["en"])


def test_every_composed_key_is_in_the_catalogue() -> None:
    composed = (
        [f"tr_{t.value}" for t in Transition]
        + [f"loc_{k.value}" for k in LocationKind]
        + [f"hold_{r.value}" for r in HoldReason]
        + [f"role_{r.value}" for r in Role]
        + ["service_verification", "service_calibration", "channel_online", "channel_kiosk"]
    )
    assert set(composed) <= set(i18n.MESSAGES["zh-CN"])


def test_places_and_times_read_naturally() -> None:
    zh, en = i18n.Translator("zh-CN"), i18n.Translator("en")
    assert zh.place("storage_slot:A-03-2-07") == "货位 A-03-2-07"
    assert en.place("robot:AMR-01") == "Robot AMR-01"
    assert zh.place("customer:5075c7bb") == "客户处"
    assert zh.time("2026-11-02T16:30:00.000000Z") == "2026-11-03 00:30"
    assert en.state("staged") == "Ready for pickup"


def test_unknown_locales_fall_back_to_the_default() -> None:
    assert i18n.pick_locale("fr", "zh-CN") == "zh-CN"
    assert i18n.pick_locale("en-GB", "zh-CN") == "en"
    assert i18n.pick_locale(None, "en") == "en"
