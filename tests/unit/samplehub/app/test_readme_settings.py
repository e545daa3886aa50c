"""The README's configuration table lists every setting with its real default."""

import re
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


def test_every_setting_is_documented_with_its_default() -> None:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ([a-z_.]+) \| `(SAMPLEHUB_[A-Z_]+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3).strip())
    expected = settings_and_defaults()
    assert set(rows) == set(expected)
    for name, default in expected.items():
        env, documented = rows[name]
        assert env == "SAMPLEHUB_" + name.upper().replace(".", "__")
        if default == "":
            assert documented.startswith("empty"), name
        elif default is not None:
            assert documented.startswith(f"`{default}`"), name
