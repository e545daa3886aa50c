"""One typed settings tree, read once (in bootstrap or the CLI), never at import time."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from samplehub.pickup_settings import PickupSettings


class SampleNumbering(BaseModel):
    """How sample numbers are made: ``{prefix}{year}-{sequence:0{width}d}``, e.g. JX2026-000123."""

    model_config = ConfigDict(extra="forbid")
    prefix: str = Field("JX", description="Letters before the year in every sample number")
    width: int = Field(6, ge=3, le=10, description="Digits of the yearly sequence")


class InstituteSettings(BaseModel):
    """The institute named on certificates (证书抬头)."""

    model_config = ConfigDict(extra="forbid")
    name_zh: str = Field("示范市计量检定测试院", description="Institute name in Chinese")
    name_en: str = Field(
        "Demo City Institute of Metrology", description="Institute name in English"
    )
    address: str = Field("示范市科技路 1 号", description="Postal address on certificates")
    phone: str = Field("0591-00000000", description="Telephone on certificates")
    authorisation: str = Field(
        "(示)法计(2026)00001号", description="Authorisation number printed on certificates"
    )
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Base URL of the /verify pages in QR codes"
    )


class Settings(BaseSettings):
    """Every setting of SampleHub; each maps to an environment variable ``SAMPLEHUB_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="SAMPLEHUB_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(Path("data"), description="Folder for the SQLite database and files")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; unset means SQLite in WAL mode under data_dir"
    )
    mqtt_url: str | None = Field(
        None, description="MQTT broker URL (mqtt://host:1883); unset means in-process transport"
    )
    secret_key: str = Field(
        "",
        description="Key that signs sessions, CSRF and API tokens; empty: a random key is made "
        "once and kept in data_dir/secret.key (set the same key on every API worker host)",
    )
    host: str = Field("127.0.0.1", description="Address `samplehub serve` binds to")
    port: int = Field(8000, ge=1, le=65535, description="Port `samplehub serve` listens on")
    default_locale: str = Field("zh-CN", description="Language of pages: zh-CN or en")
    session_hours: int = Field(12, ge=1, description="Lifetime of a login session and API token")
    login_attempts_per_minute: int = Field(
        5, ge=1, description="Failed logins allowed per user and address per minute"
    )
    max_body_bytes: int = Field(1_000_000, ge=1024, description="Largest JSON request body")
    sample_numbering: SampleNumbering = Field(default_factory=SampleNumbering)
    institute: InstituteSettings = Field(default_factory=InstituteSettings)
    pickup: PickupSettings = Field(default_factory=PickupSettings)

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or SQLite under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'samplehub.db').resolve()}"
