"""One typed settings tree, read once (in bootstrap or the CLI), never at import time."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _comma_separated(value: object) -> object:
    """A list also written as ``a,b,c`` (how an environment variable gives one)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(_comma_separated)]
DayList = Annotated[
    list[Annotated[int, Field(ge=1, le=366)]], NoDecode, BeforeValidator(_comma_separated)
]


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


class KioskSettings(BaseModel):
    """The self-service intake kiosk (送样平台): EPC numbering and its devices."""

    model_config = ConfigDict(extra="forbid")
    epc_company_prefix: str = Field(
        "0614141",
        pattern=r"^[0-9]{6,12}$",
        description="GS1 company prefix in GIAI-96 EPCs (the GS1 example prefix; set your own)",
    )
    epc_filter: int = Field(0, ge=0, le=7, description="GIAI-96 filter value (0 = all others)")
    location: str = Field("intake_platform:K1", description="Where this kiosk receives samples")
    idle_timeout_s: int = Field(
        180, ge=10, le=3600, description="Seconds without a touch before a session is dropped"
    )
    printer: Literal["pdf", "zpl", "memory"] = Field(
        "pdf", description="Label printer: pdf (files in data_dir/labels), zpl (TCP 9100), memory"
    )
    printer_host: str = Field("", description="Host of the ZPL label printer (printer = zpl)")
    printer_port: int = Field(9100, ge=1, le=65535, description="Port of the ZPL label printer")
    camera: Literal["folder", "opencv", "none"] = Field(
        "folder", description="Platform camera: a folder of images, OpenCV, or none (uploads)"
    )
    camera_source: str = Field(
        "",
        description="Image folder (camera = folder; empty: the demo nameplates) or the OpenCV "
        "source: a USB index such as 0, or an RTSP URL",
    )


class LabSettings(BaseModel):
    """The lab console: which queues it shows, its benches and the turnaround promised."""

    model_config = ConfigDict(extra="forbid")
    disciplines: CommaList = Field(
        ["pressure", "temperature", "electrical", "mass"],
        description="Queues of the lab console, in order (instrument types' disciplines); types "
        "of other disciplines go to a queue 'other'",
    )
    benches: CommaList = Field(
        ["P-01", "P-02", "T-01", "E-01", "M-01"], description="Bench codes samples go to"
    )
    turnaround_days: int = Field(
        10, ge=1, le=365, description="Days from an order to the promised due date of its work"
    )


class RecallSettings(BaseModel):
    """Recall reminders: when, and over which channels they go out."""

    model_config = ConfigDict(extra="forbid")
    reminder_days: DayList = Field(
        [30, 7], description="Days before the due date a reminder goes (1 to 366 each)"
    )
    customer_intervals: str = Field(
        "",
        description="Shorter intervals per customer: 'CREDIT_CODE:type=months,...;...' "
        "(e.g. 91350100M000100Y43:pressure_gauge=3)",
    )
    smtp_host: str = Field("", description="SMTP server for reminder emails; empty: no email")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port")
    smtp_sender: str = Field("recall@samplehub.invalid", description="From address of reminders")
    sms_webhook_url: str = Field("", description="SMS gateway webhook (JSON POST); empty: no SMS")
    wechat_webhook_url: str = Field(
        "", description="WeChat template-message webhook (JSON POST); empty: no WeChat"
    )


class PickupSettings(BaseModel):
    """Pickup windows, staging, grace period, lockers and the background job."""

    model_config = ConfigDict(extra="forbid")
    window_minutes: int = Field(30, ge=5, le=480, description="Length of a pickup window")
    opening: time = Field(time(8, 30), description="First window of the day (China time)")
    closing: time = Field(time(17, 30), description="End of the last window (China time)")
    staging_lead_minutes: int = Field(
        120, ge=0, description="Staging starts this long before a window opens"
    )
    staging_per_hour: int = Field(40, ge=1, description="Samples the fleet can stage per hour")
    counter_capacity: int = Field(20, ge=0, description="Samples the staff counter can hold")
    grace_days: float = Field(
        3, ge=0, description="Days after the window before uncollected samples go back"
    )
    horizon_days: int = Field(7, ge=1, le=60, description="How far ahead windows are offered")
    default_size: str = Field(
        "M", pattern=r"^[SML]$", description="Compartment size a sample needs (S, M or L)"
    )
    locker_bank: Path | None = Field(
        None, description="YAML register map of the Modbus locker cabinets; unset: simulated"
    )
    job_seconds: float = Field(
        60, ge=0, description="How often the app stages and expires bookings; 0: never"
    )


class FleetConfig(BaseModel):
    """The robot fleet that runs inside ``samplehub serve`` (one leader per database)."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["robots", "manual"] = Field(
        "robots",
        description="robots: the fleet carries open transport tasks; manual: no robots, people "
        "carry every task from the /tasks page",
    )
    robots: int = Field(
        4, ge=1, le=50, description="Simulated robots in process (without mqtt_url)"
    )
    serials: CommaList = Field(
        [],
        description="Serial numbers of the robots the fleet runs; any other serial is refused "
        "and logged. Empty: R01, R02 … for the simulated robots (with mqtt_url: required)",
    )
    manufacturer: str = Field("samplehub", description="VDA 5050 manufacturer in the topics")
    topic_prefix: str = Field("", description="Prefix before uagv/v2/… in the MQTT topics")
    speed: float = Field(
        1.2, gt=0, le=5, description="Top speed of the simulated robots (m/s; lanes may cap it)"
    )
    max_in_flight: int = Field(
        8, ge=1, le=500, description="Open tasks handed to the fleet at once (back-pressure)"
    )
    mqtt_username: str = Field("", description="MQTT user name (or in the URL: mqtt://user:pw@…)")
    mqtt_password: str = Field("", description="MQTT password (or in the URL)")
    mqtt_ca_file: Path | None = Field(
        None, description="CA certificates for mqtts:// (unset: the system's trust store)"
    )

    def robot_serials(self) -> tuple[str, ...]:
        if self.serials:
            return tuple(self.serials)
        return tuple(f"R{i + 1:02d}" for i in range(self.robots))


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
    status_cache_seconds: float = Field(
        2.0,
        ge=0,
        description="How long a sample's status answer is kept in memory; committed changes drop "
        "it at once, this bounds the lag behind another worker's change (0: off)",
    )
    login_attempts_per_minute: int = Field(
        5, ge=1, description="Failed logins allowed per user and address per minute"
    )
    max_body_bytes: int = Field(1_000_000, ge=1024, description="Largest JSON request body")
    sample_numbering: SampleNumbering = Field(default_factory=SampleNumbering)
    institute: InstituteSettings = Field(default_factory=InstituteSettings)
    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    lab: LabSettings = Field(default_factory=LabSettings)
    recall: RecallSettings = Field(default_factory=RecallSettings)
    pickup: PickupSettings = Field(default_factory=PickupSettings)
    fleet: FleetConfig = Field(default_factory=FleetConfig)

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or SQLite under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'samplehub.db').resolve()}"
