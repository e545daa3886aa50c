"""The management centre's configuration (`laneguard centre --config FILE`), read once; unknown
keys are errors naming them, as in the station's config."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import Field

from laneguard.app.config import (
    CentreLinkConfig,
    StrictModel,
    WebConfig,
    ZoneName,
    resolve,
    url_or_sqlite,
    validated,
)
from laneguard.core.errors import ConfigError


class CentreDemoConfig(StrictModel):
    """Runs stations in the centre's process, over a private TLS Mosquitto: one command for a
    whole expressway on one machine. Demo only."""

    broker: bool = Field(default=True, description="Start a private TLS Mosquitto for the links")
    stations: list[Path] = Field(
        default_factory=list, description="Station config files run in this process"
    )
    seed_history: bool = Field(
        default=True,
        description="At the first start, give each station made-up incidents from the start "
        "of last year to today (marked closed_by demo-seed), forwarded like any other",
    )


class CentreConfig(StrictModel):
    name: str = Field(default="管理中心", description="The centre's name on its pages")
    timezone: ZoneName = Field(
        default="Asia/Shanghai", description="IANA zone of the calendar days"
    )
    data_dir: Path = Field(default=Path("data/centre"), description="Keys, SQLite database")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL (PostgreSQL); unset: SQLite in data_dir"
    )
    stations: list[str] = Field(
        default_factory=list, description="The stations shown even before they send anything"
    )
    link: CentreLinkConfig = Field(
        default_factory=lambda: CentreLinkConfig(client_id="laneguard-centre"),
        description="The broker the stations forward to; the centre's client id is fixed",
    )
    web: WebConfig = WebConfig(port=8110)
    demo: CentreDemoConfig | None = None

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_database_url(self) -> str:
        return url_or_sqlite(self.database_url, self.data_dir, "centre.db")


def load_centre_config(path: Path) -> CentreConfig:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
    config = validated(CentreConfig, raw, path)
    base = path.parent
    config.data_dir = resolve(config.data_dir, base)
    if config.link.client_id is None:
        config.link.client_id = "laneguard-centre"
    if config.link.ca_file is not None:
        config.link.ca_file = resolve(config.link.ca_file, base)
    broker_made = config.demo is not None and config.demo.broker
    if config.link.tls == "on" and config.link.ca_file is None and not broker_made:
        raise ConfigError("link.ca_file is required with link.tls: on (or tls: off)")
    if config.demo is not None:
        config.demo.stations = [resolve(p, base) for p in config.demo.stations]
    if (config.web.operator_user is None) != (config.web.operator_password is None):
        raise ConfigError("web.operator_user and web.operator_password go together")
    return config


CENTRE_ONLY_KEYS = frozenset({"name", "stations", "link", "demo"})


def is_centre_config(path: Path) -> bool:
    """Whether `path` holds a centre's config (a key only a centre's has) rather than a
    station's; a file that cannot be read is left to the station's loader to report."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and bool(CENTRE_ONLY_KEYS & raw.keys())
