"""Config errors name the field, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from laneguard.config import ConfigError, load_config


def test_valid_yaml_resolves_data_dir_beside_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lg.yaml"
    path.write_text(
        "enrolment_code: '123456'\ndata_dir: d\nspeakers:\n"
        "  - {type: rtp, lane: '2', host: 10.0.0.9, port: 5004, codec: pcma}\n"
    )
    cfg = load_config(path)
    assert cfg.data_dir == tmp_path / "d"
    assert cfg.lanes() == ["2"]
    assert cfg.resolved_database_url().endswith("/d/laneguard.db")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("enrolment_code: '123456'\nstaton: x\n", "staton: Extra inputs are not permitted"),
        ("enrolment_code: '123456'\ntimezone: Mars/Base\n", "Mars/Base"),
        ("enrolment_code: '123'\n", "enrolment_code"),
        ("enrolment_code: '123456'\nspeakers: [{type: horn, lane: '1'}]\n", "horn"),
        ("enrolment_code: [\n", "not valid yaml"),
    ],
)
def test_bad_config_is_named(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "lg.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=needle.replace("[", r"\[")):
        load_config(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "nope.yaml")
