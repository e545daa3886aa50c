"""LaneGuard's labels and times through its gettext catalogue; the rules every catalogue keeps
(complete, namespaced per slice, not stale) are in tests/unit/test_catalogues.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.records.domain.stats import Dimension
from laneguard.web import i18n


def test_templates_show_texts_through_gettext_only() -> None:
    for page in (i18n.LOCALE_DIR.parent / "templates").glob("*.html"):
        text = page.read_text()
        assert not re.search(r"\bt\.(?!label\(|time\()\w+|\bt\[", text), page.name


def test_classes_outcomes_and_dimensions_have_labels_and_times_are_local() -> None:
    assert set(i18n.CLASSES) == set(ObjectClass)
    assert set(i18n.OUTCOMES) == {*Outcome, i18n.OPEN}
    assert set(i18n.DIMENSIONS) == set(Dimension)
    zh, en = i18n.Translator("zh-CN"), i18n.Translator("en")
    assert zh.label(i18n.CLASSES, "e-bike") == "电动自行车"
    assert en.label(i18n.OUTCOMES, "turned_back") == "Turned back"
    assert zh("web.app") == "LaneGuard 收费车道误闯预警"
    at = datetime(2026, 5, 4, 9, 0, 5, tzinfo=UTC)
    assert zh.time(at, timezone(timedelta(hours=8))) == "2026-05-04 17:00:05"
    assert i18n.pick_locale("fr", None, "zh-CN") == "zh-CN"
    assert i18n.pick_locale(None, "en", "zh-CN") == "en"
