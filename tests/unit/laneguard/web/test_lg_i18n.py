"""LaneGuard's one translation mechanism: gettext catalogues managed with Babel.

Fails when an id lacks its zh-CN or English text, when an id is not named after a slice or a
template uses two slices' ids, when extraction finds an id the catalogues lack (or they keep
one nothing uses), and when a committed .mo is not what compiling its .po gives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_mapping_cfg
from babel.messages.pofile import read_po

from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.records.domain.stats import Dimension
from laneguard.web import i18n

ROOT = Path(__file__).resolve().parents[4]
SYSTEM = ROOT / "src" / "laneguard"
LANGS = ("zh_CN", "en")
SLICES = {"core", "web", "detection", "warning", "alerting", "records", "app", "cli"}
SHARED = {"core", "web"}
KEYWORDS = ("t", "message_id", "Message")  # as in the Makefile's i18n-extract
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _po(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def _catalogue(lang: str) -> Catalog:
    with _po(lang).open("rb") as file:
        return read_po(file)


def _texts(lang: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in _catalogue(lang) if m.id}


def _extracted() -> dict[str, set[Path]]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **dict.fromkeys(KEYWORDS)}
    found: dict[str, set[Path]] = defaultdict(set)
    for filename, _, message, _, _ in extract_from_dir(
        SYSTEM, method_map, options_map, keywords=keywords
    ):
        assert isinstance(message, str), f"{filename}: plural forms are not used"
        found[message].add(Path(filename))
    return found


def test_every_id_has_a_zh_cn_and_an_english_text() -> None:
    zh, en = _catalogue("zh_CN"), _catalogue("en")
    for catalogue in (zh, en):
        untranslated = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
        assert untranslated == [], f"{catalogue.locale}: no text for {untranslated}"
    assert {m.id for m in zh} == {m.id for m in en}
    zh_texts, en_texts = _texts("zh_CN"), _texts("en")
    for msgid, text in zh_texts.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(en_texts[msgid]))


def test_every_id_names_its_slice_and_a_template_keeps_to_one_slice() -> None:
    for lang in LANGS:
        ids = re.findall(r'^msgid "(.+)"$', _po(lang).read_text(encoding="utf-8"), re.MULTILINE)
        assert len(ids) == len(set(ids)), f"{lang}: an id is defined twice"
        assert [msgid for msgid in ids if msgid.split(".")[0] not in SLICES] == []
    used_by_file: dict[Path, set[str]] = defaultdict(set)
    for msgid, files in _extracted().items():
        for file in files:
            used_by_file[file].add(msgid.split(".")[0])
    crossing = [
        f"{file}: {sorted(slices)}"
        for file, slices in used_by_file.items()
        if file.suffix == ".html" and len(slices - SHARED) > 1
    ]
    assert crossing == []


def test_the_catalogues_hold_exactly_the_ids_the_code_uses() -> None:
    extracted, catalogued = set(_extracted()), set(_texts("zh_CN"))
    assert sorted(extracted - catalogued) == [], "run make i18n-update and translate them"
    assert sorted(catalogued - extracted) == [], "no code uses these; run make i18n-update"


def test_the_compiled_catalogues_are_what_their_po_files_compile_to(tmp_path: Path) -> None:
    for lang in LANGS:
        out = tmp_path / f"{lang}.mo"
        CommandLineInterface().run(
            ["pybabel", "-q", "compile", "-i", str(_po(lang)), "-o", str(out), "-l", lang]
        )
        committed = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo"
        assert committed.read_bytes() == out.read_bytes(), f"{lang}: run make i18n-compile"


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
