"""The centre link in a station's config and the centre's own config: errors name the field and
the value; relative files are taken beside the config file; the demo config that ships loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from laneguard.app.centre_config import is_centre_config, load_centre_config
from laneguard.app.config import load_config
from laneguard.app.forwarding import link_settings, station_client_id
from laneguard.core.errors import ConfigError

DEMO = Path(__file__).parents[4] / "config" / "centre-demo"


def test_a_station_link_resolves_its_ca_beside_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("station: 嘉善\ncentre: {host: broker.example, ca_file: ca.pem}\n")
    link = load_config(path).centre
    assert link is not None
    assert link.ca_file == tmp_path / "ca.pem"
    settings = link_settings(link, station_client_id("嘉善"))
    assert settings.client_id == station_client_id("嘉善")
    assert settings.client_id.isascii()
    assert (settings.port, settings.ca_file) == (8883, tmp_path / "ca.pem")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("centre: {host: b}\n", "centre.ca_file is required with centre.tls: on"),
        ("centre: {tls: maybe}\n", "centre.tls"),
        ("station: a/b\n", "station='a/b'"),
        ("centre: {tls: 'off', topic_prefix: 'a/#'}\n", "topic_prefix"),
    ],
)
def test_station_link_errors_name_the_field(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(needle)):
        load_config(path)


def test_the_shipped_centre_demo_loads_with_four_stations() -> None:
    centre = load_centre_config(DEMO / "centre.yaml")
    assert centre.stations == ["嘉善", "许村", "嘉兴东", "桐乡"]
    assert centre.demo is not None
    assert [p.name for p in centre.demo.stations] == [
        "jiashan.yaml",
        "xucun.yaml",
        "jiaxingdong.yaml",
        "tongxiang.yaml",
    ]
    assert is_centre_config(DEMO / "centre.yaml")
    stations = [load_config(p) for p in centre.demo.stations]
    assert [s.station for s in stations] == centre.stations
    assert len({s.web.port for s in stations} | {centre.web.port}) == 5
    assert not is_centre_config(centre.demo.stations[0])


def test_centre_config_errors_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("stations: [嘉善]\nlink: {host: b}\n")
    with pytest.raises(ConfigError, match=r"link\.ca_file is required"):
        load_centre_config(path)
    path.write_text("stations: [嘉善]\nlink: {tls: 'off'}\nwebb: {}\n")
    with pytest.raises(ConfigError, match="webb: Extra inputs"):
        load_centre_config(path)
