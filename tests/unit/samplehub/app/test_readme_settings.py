"""The README's configuration table lists every setting with its real default."""

import re
from datetime import time
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from samplehub.app.config import Settings

README = Path(__file__).parents[4] / "README.md"
REQUIRED = object()


def model_members(annotation: object) -> list[type[BaseModel]]:
    """The models a field holds: one, or each kind of a discriminated union of devices."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    members = [m for m in get_args(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    return members if members and len(members) == len(get_args(annotation)) else []


def fields_and_defaults(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    """Every leaf setting under ``model`` with its default (REQUIRED where a kind needs it)."""
    found: dict[str, object] = {}
    for name, field in model.model_fields.items():
        members = model_members(field.annotation)
        if not members:
            found[prefix + name] = REQUIRED if field.is_required() else field.default
            continue
        chosen = field.get_default(call_default_factory=True)
        for member in members:
            for sub, value in fields_and_defaults(member, f"{prefix}{name}.").items():
                if isinstance(chosen, member) or sub not in found:
                    found[sub] = value
    return found


def settings_and_defaults() -> dict[str, object]:
    return fields_and_defaults(Settings)


def shown(default: object) -> object:
    """A default as the README writes it: lists comma-separated (as in an environment
    variable), times of day as HH:MM."""
    if isinstance(default, list):
        return ",".join(str(item) for item in default)
    if isinstance(default, time):
        return default.strftime("%H:%M")
    return default


def test_every_setting_is_documented_with_its_default() -> None:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ([a-z_.]+) \| `(SAMPLEHUB_[A-Z_]+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3).strip())
    expected = settings_and_defaults()
    assert set(rows) == set(expected)
    for name, raw in expected.items():
        default = shown(raw)
        env, documented = rows[name]
        assert env == "SAMPLEHUB_" + name.upper().replace(".", "__")
        if default is REQUIRED:
            assert "required" in documented, name
        elif default == "":
            assert documented.startswith("empty"), name
        elif default is not None:
            assert documented.startswith(f"`{default}`"), name
