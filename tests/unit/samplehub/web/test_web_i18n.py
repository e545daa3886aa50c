"""SampleHub's one translation mechanism: gettext catalogues managed with Babel.

Fails when an id lacks its zh-CN or English text, when an id is not named after a slice or a
file uses another slice's ids (the kiosk titles once collided that way), when extraction finds
an id the catalogues lack (or they keep one nothing uses), and when a committed .mo is not what
compiling its .po gives. The pages' own texts are checked in test_web_kiosk and test_web_pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_mapping_cfg
from babel.messages.pofile import read_po

from samplehub.core.domain.lifecycle import LABELS, HoldReason, SampleState, Transition
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.model import Channel, Role, Service
from samplehub.web import i18n

ROOT = Path(__file__).resolve().parents[4]
SYSTEM = ROOT / "src" / "samplehub"
LANGS = ("zh_CN", "en")
SLICES = {"core", "web", "intake", "storage", "fleet", "lab", "pickup", "recall", "app", "cli"}
SHARED = {"core", "web"}  # the vocabulary and the shell every slice's pages may use
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
    """Every message id the code and templates use, with the files that use it."""
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
    assert len(_texts("zh_CN")) > 300


def test_both_languages_fill_in_the_same_values() -> None:
    zh, en = _texts("zh_CN"), _texts("en")
    for msgid, text in zh.items():
        names = set(PLACEHOLDER.findall(text))
        assert names == set(PLACEHOLDER.findall(en[msgid])), msgid
        for value in (text, en[msgid]):
            assert value % dict.fromkeys(names, "x"), msgid  # a stray % would raise here


def test_every_id_names_its_slice_and_each_id_is_defined_once() -> None:
    for lang in LANGS:
        ids = re.findall(r'^msgid "(.+)"$', _po(lang).read_text(encoding="utf-8"), re.MULTILINE)
        assert len(ids) == len(set(ids)), f"{lang}: an id is defined twice"
        strays = [msgid for msgid in ids if msgid.split(".")[0] not in SLICES]
        assert strays == [], f"ids not named after a slice: {strays}"


def test_a_slice_uses_only_its_own_ids_and_the_shared_ones() -> None:
    """So intake and pickup can both have a kiosk title, and neither can show the other's."""
    crossing = []
    used_by_file: dict[Path, set[str]] = defaultdict(set)
    for msgid, files in _extracted().items():
        for file in files:
            used_by_file[file].add(msgid.split(".")[0])
    for file, slices in used_by_file.items():
        part = file.parts[0]
        if file.suffix == ".html":
            if len(slices - SHARED) > 1:
                crossing.append(f"{file}: {sorted(slices)}")
        elif part == "core":
            if slices != {"core"}:
                crossing.append(f"{file}: {sorted(slices)}")
        elif part in SLICES - SHARED and not slices <= SHARED | {part}:
            crossing.append(f"{file}: {sorted(slices)}")
    assert crossing == []


def test_the_catalogues_hold_exactly_the_ids_the_code_uses() -> None:
    """Extraction finding an id the .po lacks means `make i18n-update` was not run (and the
    id was not translated); an id nothing uses would be dropped by the next update."""
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


def test_the_makefile_extracts_with_the_keywords_checked_here() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert " ".join(f"-k {keyword}" for keyword in KEYWORDS) in makefile
    for target in ("i18n-extract:", "i18n-update:", "i18n-compile:"):
        assert f"\n{target}" in makefile


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
