"""Config errors name the field, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from laneguard.app import bootstrap
from laneguard.app.config import LaneGuardConfig, load_config
from laneguard.core.errors import ConfigError


def test_valid_yaml_resolves_data_dir_beside_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lg.yaml"
    path.write_text(
        "data_dir: d\nspeakers:\n"
        "  - {type: rtp, lane: '2', host: 10.0.0.9, port: 5004, codec: pcma}\n"
    )
    cfg = load_config(path)
    assert cfg.data_dir == tmp_path / "d"
    assert cfg.lanes() == ["2"]
    assert cfg.resolved_database_url().endswith("/d/laneguard.db")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("staton: x\n", "staton: Extra inputs are not permitted"),
        ("timezone: Mars/Base\n", "Mars/Base"),
        ("enrolment_code: '123456'\n", "enrolment_code is no longer used.*terminal code"),
        ("speakers: [{type: horn, lane: '1'}]\n", "horn"),
        ("station: [\n", "not valid yaml"),
        (
            "cameras: [{camera: c, source: v.avi, zones: []}]\n",
            "cameras.0.zones",
        ),
        (
            "cameras:\n"
            "  - {camera: c, source: a, zones: [{name: z, polygon: [[0,0],[1,0],[1,1]]}]}\n"
            "  - {camera: c, source: b, zones: [{name: z, polygon: [[0,0],[1,0],[1,1]]}]}\n",
            r"\['c'\] used more than once",
        ),
    ],
)
def test_bad_config_is_named(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "lg.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=needle):
        load_config(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "nope.yaml")


def test_cameras_use_the_detection_camera_schema(tmp_path: Path) -> None:
    path = tmp_path / "lg.yaml"
    path.write_text(
        "cameras:\n"
        "  - camera: cam-1\n    source: /videos/a.avi\n    loop: true\n    detect_every: 2\n"
        "    zones: [{name: lane-4, lane: '4', polygon: [[0, 0], [9, 0], [9, 9]], inertia: 5}]\n"
        "source: {type: pipeline, detector: {type: ssdlite}}\n"
    )
    cfg = load_config(path)
    assert cfg.lanes() == ["4"]
    rules = cfg.cameras[0].to_rules()
    assert rules.camera == "cam-1"
    assert rules.zones[0].inertia == 5


def test_zone_editor_saves_where_the_pipeline_reads(tmp_path: Path) -> None:
    config = LaneGuardConfig.model_validate(
        {
            "data_dir": str(tmp_path),
            "cameras": [
                {
                    "camera": "cam-1",
                    "source": "demo.avi",
                    "zones": [{"name": "a", "polygon": [[0, 0], [9, 0], [9, 9]]}],
                }
            ],
        }
    )
    editor = bootstrap.zone_editor(config)
    assert editor.cameras() == ["cam-1"]
    saved = editor.save("cam-1", {"zones": [{"name": "b", "polygon": [[0, 0], [5, 0], [5, 5]]}]})
    assert saved.path == str(tmp_path / "zones" / "cam-1.json")
    assert not saved.live  # no running cameras here
    cam = bootstrap.zone_layouts(config).apply(config.cameras[0])
    assert [z.name for z in cam.zones] == ["b"]
    assert config.clips.enabled
