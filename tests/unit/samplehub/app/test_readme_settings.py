"""The README's configuration table lists every setting with its real default."""

import re
from datetime import time
from pathlib import Path

from pydantic import BaseModel

from samplehub.app.config import Settings

README = Path(__file__).parents[4] / "README.md"


def settings_and_defaults() -> dict[str, object]:
    found: dict[str, object] = {}
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for sub, subfield in annotation.model_fields.items():
                found[f"{name}.{sub}"] = subfield.default
        else:
            found[name] = field.default
    return found


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
        if default == "":
            assert documented.startswith("empty"), name
        elif default is not None:
            assert documented.startswith(f"`{default}`"), name
