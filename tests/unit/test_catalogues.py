"""Both systems' gettext catalogues (Babel), held to the same rules.

Fails when an id lacks its zh-CN or English text or the two fill in different values, when an
id is not named after a slice or is defined twice, when a file uses another slice's ids (the
intake and pickup kiosk titles once collided that way), when extraction finds an id the
catalogues lack (or they keep one nothing uses), and when a committed .mo is not what compiling
its .po gives. Each system's own labels are checked in its web tests.
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

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("zh_CN", "en")
KEYWORDS = ("t", "message_id", "Message")  # as in the Makefile's i18n-extract
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SHARED = {"core", "web"}  # the vocabulary and the shell every slice's pages may use
SLICES = {
    "samplehub": {
        "core",
        "web",
        "intake",
        "fleet",
        "lab",
        "pickup",
        "recall",
        "storage",
        "app",
        "cli",
    },
    "laneguard": {
        "core",
        "web",
        "detection",
        "warning",
        "alerting",
        "records",
        "centre",
        "app",
        "cli",
    },
}
# a slice built on another's records may say things in that slice's words: the management
# centre shows the stations' statistics with the records slice's column names
READS = {"centre": {"records"}}
SYSTEMS = sorted(SLICES)


def _locale(system: str) -> Path:
    return ROOT / "src" / system / "web" / "locale"


def _po(system: str, lang: str) -> Path:
    return _locale(system) / lang / "LC_MESSAGES" / "messages.po"


def _catalogue(system: str, lang: str) -> Catalog:
    with _po(system, lang).open("rb") as file:
        return read_po(file)


def _texts(system: str, lang: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in _catalogue(system, lang) if m.id}


def _extracted(system: str) -> dict[str, set[Path]]:
    """Every message id the code and templates use, with the files (relative) that use it."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **dict.fromkeys(KEYWORDS)}
    found: dict[str, set[Path]] = defaultdict(set)
    for filename, _, message, _, _ in extract_from_dir(
        ROOT / "src" / system, method_map, options_map, keywords=keywords
    ):
        assert isinstance(message, str), f"{filename}: plural forms are not used"
        found[message].add(Path(filename))
    return found


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_id_has_a_zh_cn_and_an_english_text(system: str) -> None:
    zh, en = _catalogue(system, "zh_CN"), _catalogue(system, "en")
    for catalogue in (zh, en):
        untranslated = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
        assert untranslated == [], f"{catalogue.locale}: no text for {untranslated}"
    assert {m.id for m in zh} == {m.id for m in en}
    assert len(_texts(system, "zh_CN")) > 50


@pytest.mark.parametrize("system", SYSTEMS)
def test_both_languages_fill_in_the_same_values(system: str) -> None:
    zh, en = _texts(system, "zh_CN"), _texts(system, "en")
    for msgid, text in zh.items():
        names = set(PLACEHOLDER.findall(text))
        assert names == set(PLACEHOLDER.findall(en[msgid])), msgid
        for value in (text, en[msgid]):
            assert value % dict.fromkeys(names, "x"), msgid  # a stray % would raise here


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_id_names_its_slice_and_each_id_is_defined_once(system: str) -> None:
    for lang in LANGS:
        text = _po(system, lang).read_text(encoding="utf-8")
        ids = re.findall(r'^msgid "(.+)"$', text, re.MULTILINE)
        assert len(ids) == len(set(ids)), f"{lang}: an id is defined twice"
        strays = [msgid for msgid in ids if msgid.split(".")[0] not in SLICES[system]]
        assert strays == [], f"ids not named after a slice: {strays}"


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_slice_uses_only_its_own_ids_and_the_shared_ones(system: str) -> None:
    """So intake and pickup can both have a kiosk title, and neither can show the other's."""
    crossing = []
    used_by_file: dict[Path, set[str]] = defaultdict(set)
    for msgid, files in _extracted(system).items():
        for file in files:
            used_by_file[file].add(msgid.split(".")[0])
    for file, slices in used_by_file.items():
        part = file.parts[0]
        if file.suffix == ".html":
            own = slices - SHARED
            if len(own) > 1 and not any(own <= {s} | READS.get(s, set()) for s in own):
                crossing.append(f"{file}: {sorted(slices)}")
        elif part == "core":
            if slices != {"core"}:
                crossing.append(f"{file}: {sorted(slices)}")
        elif part in SLICES[system] - SHARED and not slices <= SHARED | {part} | READS.get(
            part, set()
        ):
            crossing.append(f"{file}: {sorted(slices)}")
    assert crossing == []


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_catalogues_hold_exactly_the_ids_the_code_uses(system: str) -> None:
    """Extraction finding an id the .po lacks means `make i18n-update` was not run (and the
    id was not translated); an id nothing uses would be dropped by the next update."""
    extracted, catalogued = set(_extracted(system)), set(_texts(system, "zh_CN"))
    assert sorted(extracted - catalogued) == [], "run make i18n-update and translate them"
    assert sorted(catalogued - extracted) == [], "no code uses these; run make i18n-update"


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_compiled_catalogues_are_what_their_po_files_compile_to(
    system: str, tmp_path: Path
) -> None:
    for lang in LANGS:
        out = tmp_path / f"{lang}.mo"
        CommandLineInterface().run(
            ["pybabel", "-q", "compile", "-i", str(_po(system, lang)), "-o", str(out), "-l", lang]
        )
        committed = _locale(system) / lang / "LC_MESSAGES" / "messages.mo"
        assert committed.read_bytes() == out.read_bytes(), f"{lang}: run make i18n-compile"


def test_the_makefile_extracts_with_the_keywords_checked_here() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert " ".join(f"-k {keyword}" for keyword in KEYWORDS) in makefile
    for target in ("i18n-extract:", "i18n-update:", "i18n-compile:"):
        assert f"\n{target}" in makefile
    for system in SYSTEMS:
        assert _locale(system).parent.joinpath("i18n.py").is_file()
