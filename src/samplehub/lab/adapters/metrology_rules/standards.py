"""The register of measurement standards per discipline, read from YAML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.certificate import ReferenceStandard
from samplehub.lab.domain.errors import MetrologyInputError

DEFAULT_STANDARDS = Path(__file__).with_name("standards.yaml")
_FIELDS = ("name", "identifier", "certificate_number", "accuracy", "valid_until")


def load_standards(path: Path = DEFAULT_STANDARDS) -> dict[str, tuple[ReferenceStandard, ...]]:
    """{discipline: standards}; a missing field names the discipline and the entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise MetrologyInputError(
            "standards_file",
            str(path),
            "a mapping with version: 1",
            Message("lab.allowed_standards_file"),
        )
    register: dict[str, tuple[ReferenceStandard, ...]] = {}
    for discipline, entries in (data.get("standards") or {}).items():
        found = []
        for index, entry in enumerate(entries or []):
            where = f"standards.{discipline}[{index}]"
            if not isinstance(entry, dict) or any(name not in entry for name in _FIELDS):
                fields = ", ".join(_FIELDS)
                raise MetrologyInputError(
                    where,
                    entry,
                    "the fields " + fields,
                    Message("lab.allowed_standard_fields", {"fields": fields}),
                )
            until = entry["valid_until"]
            if not isinstance(until, dt.date):
                raise MetrologyInputError(
                    f"{where}.valid_until", until, "a date YYYY-MM-DD", Message("lab.allowed_date")
                )
            found.append(
                ReferenceStandard(
                    str(entry["name"]),
                    str(entry["identifier"]),
                    str(entry["certificate_number"]),
                    str(entry["accuracy"]),
                    until,
                )
            )
        register[str(discipline)] = tuple(found)
    return register
