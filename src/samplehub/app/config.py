"""One typed settings tree, read once (in bootstrap or the CLI), never at import time."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from samplehub.app.config_devices import (
    FLAT_DEVICE_KEYS,
    Camera,
    FolderCamera,
    Lockers,
    PdfPrinter,
    Printer,
    SimulatedLockers,
    fold_device,
)
from samplehub.app.config_notify import NotifySettings
from samplehub.app.config_rfid import RfidSettings
from samplehub.app.config_types import (
    CommaList,
    DayList,
    Section,
    chosen_by_type,
    comma_separated,
)


class SampleNumbering(Section):
    """How sample numbers are made: ``{prefix}{year}-{sequence:0{width}d}``, e.g. JX2026-000123."""

    prefix: str = Field("JX", description="Letters before the year in every sample number")
    width: int = Field(6, ge=3, le=10, description="Digits of the yearly sequence")


class InstituteSettings(Section):
    """The institute named on certificates (证书抬头)."""

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
    time_zone: str = Field(
        "Asia/Shanghai",
        description="IANA time zone of the institute's calendar: certificate numbers' years, "
        "due dates and reminder days",
    )

    @model_validator(mode="after")
    def _known_zone(self) -> InstituteSettings:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"institute.time_zone {self.time_zone!r} is not an IANA time zone "
                "(e.g. Asia/Shanghai)"
            ) from exc
        return self


class SigningSettings(Section):
    """The institute's keys: certificate signatures (PAdES, XML-DSig) and chain anchors."""

    keys_dir: Path | None = Field(
        None, description="Folder of the demo keys (`samplehub keys init`); unset: data_dir/keys"
    )
    keystore_file: Path | None = Field(
        None,
        description="Production: PKCS#12 file with the signing key, its certificate and the "
        "institute CA; set, no demo key is ever made",
    )
    keystore_password: str = Field("", description="Password of the PKCS#12 file")
    anchor_key_file: Path | None = Field(
        None, description="Production: Ed25519 private key (PEM) that signs chain anchors"
    )
    demo_keys: bool = Field(
        True, description="Make demo keys at first start when none exist (set false in production)"
    )
    tsa_url: str = Field(
        "", description="RFC 3161 time-stamping authority for PDF signatures; empty: none"
    )
    anchor_every_records: int = Field(
        100, ge=1, description="Anchor the custody chain after this many new records"
    )
    anchor_max_age_minutes: int = Field(
        60, ge=1, description="Anchor new records at least this often (minutes)"
    )
    anchor_check_seconds: float = Field(
        60, ge=0, description="How often serve's job looks whether an anchor is due; 0: never"
    )
    verify_per_minute: int = Field(
        20, ge=1, description="/verify pages one address may open per minute"
    )


class KioskSettings(Section):
    """The self-service intake kiosk (送样平台): EPC numbering and its devices."""

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
    printer: Printer = chosen_by_type(Printer, PdfPrinter, "Label printer")
    camera: Camera = chosen_by_type(Camera, FolderCamera, "Platform camera")

    @model_validator(mode="before")
    @classmethod
    def _fold_flat_device_keys(cls, data: object) -> object:
        """Accept the flat keys of earlier releases (``printer=zpl``, ``printer_host``, …)."""
        if isinstance(data, dict):
            data = dict(data)
            for device, legacy in FLAT_DEVICE_KEYS.items():
                fold_device(data, device, legacy)
        return data


class LabSettings(Section):
    """The lab console: which queues it shows, its benches and the turnaround promised."""

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


class RecallSettings(Section):
    """Recall reminders: when, and over which channels they go out."""

    reminder_days: DayList = Field(
        [30, 7], description="Days before the due date a reminder goes (1 to 366 each)"
    )
    customer_intervals: str = Field(
        "",
        description="Shorter intervals per customer: 'CREDIT_CODE:type=months,...;...' "
        "(e.g. 91350100M000100Y43:pressure_gauge=3)",
    )
    smtp_host: str = Field(
        "", description="Earlier releases' SMTP server (no TLS); prefer notify.email"
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port")
    smtp_sender: str = Field("recall@samplehub.invalid", description="From address of reminders")
    sms_webhook_url: str = Field("", description="SMS gateway webhook (JSON POST); empty: no SMS")
    wechat_webhook_url: str = Field(
        "", description="WeChat template-message webhook (JSON POST); empty: no WeChat"
    )


class BackupSettings(Section):
    """The nightly backup `samplehub serve` makes (``app/backup.py``); off until a folder is
    named, which belongs on another disk than the data folder."""

    folder: Path | None = Field(
        None, description="Folder of the nightly backups (one sub-folder a night); unset: none"
    )
    at: time = Field(time(2, 0), description="When the night's backup is made (institute time)")
    keep: int = Field(7, ge=1, le=366, description="Nightly backups kept; older ones are removed")


class PickupSettings(Section):
    """Pickup windows, staging, grace period, lockers and the background job."""

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
    lockers: Lockers = chosen_by_type(Lockers, SimulatedLockers, "Locker cabinets", "their")
    job_seconds: float = Field(
        60, ge=0, description="How often the app stages and expires bookings; 0: never"
    )

    @model_validator(mode="before")
    @classmethod
    def _fold_locker_bank(cls, data: object) -> object:
        """Accept ``locker_bank`` of earlier releases: set, it names Modbus cabinets."""
        if isinstance(data, dict) and "locker_bank" in data:
            data = dict(data)
            bank = data.pop("locker_bank")
            if bank not in (None, "") and "lockers" not in data:
                data["lockers"] = {"type": "modbus", "bank": bank}
        return data


PercentList = Annotated[
    list[Annotated[int, Field(ge=1, le=100)]], NoDecode, BeforeValidator(comma_separated)
]


class StorageSettings(BaseModel):
    """Storage as data: the site file, capacity warnings and the dwell estimate."""

    model_config = ConfigDict(extra="forbid")

    site_file: Path | None = Field(
        None,
        description="Site file (YAML: map, storage, places) loaded on `samplehub serve` when the "
        "database has no site yet; unset: the packaged demo site",
    )
    warning_levels: PercentList = Field(
        [80, 90, 100], description="Occupancy (%) per area and size class that warns staff"
    )
    lab_per_day: float = Field(
        40, gt=0, description="Samples the lab takes from storage a day (dwell estimate)"
    )
    collect_days: float = Field(
        5, gt=0, description="Days a finished sample waits for collection when none is booked"
    )
    inventory_minutes: float = Field(
        30,
        ge=0,
        description="Minutes between scheduled cycle counts of the shelves (0: only "
        "on demand, from /storage or `samplehub site count`)",
    )
    inventory_rounds: int = Field(
        3, ge=1, le=50, description="Inventory rounds per reader in a cycle count (the window)"
    )
    inventory_round_seconds: float = Field(
        0.5, gt=0, le=10, description="Seconds of one inventory round on a reader"
    )
    inventory_missing_cycles: int = Field(
        3, ge=2, le=50, description="Cycles without a read before a sample is reported missing"
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
    trays: int = Field(
        3,
        ge=1,
        le=8,
        description="Load positions (trays) of each simulated robot: it carries that many of a "
        "booking's samples to the lockers on one trip (real robots say theirs in the factsheet)",
    )
    max_in_flight: int = Field(
        8, ge=1, le=500, description="Open tasks handed to the fleet at once (back-pressure)"
    )
    time_scale: float = Field(
        1.0,
        ge=1,
        le=100,
        description="Simulated robots drive this many times faster than the wall clock (demos "
        "and tests; real robots ignore it)",
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
    session_max_hours: int = Field(24, ge=1, le=720, description="Upper bound on any login's age")
    auth_cache_seconds: float = Field(1.0, ge=0, le=10, description="Login look-up kept per worker")
    login_attempts_per_address: int = Field(20, ge=1, description="Failed logins/min per address")
    password_hash_concurrency: int = Field(
        4, ge=1, description="Password checks at once per worker"
    )
    status_cache_seconds: float = Field(
        2.0,
        ge=0,
        description="How long a sample's status answer is kept in memory; committed changes drop "
        "it at once, this bounds the lag behind another worker's change (0: off)",
    )
    login_attempts_per_minute: int = Field(
        5, ge=1, description="Failed logins allowed per user per minute (any addresses)"
    )
    max_body_bytes: int = Field(1_000_000, ge=1024, description="Largest JSON request body")
    secure_cookies: bool | None = Field(
        None,
        description="Secure flag on cookies; true behind a TLS-terminating proxy not listed in "
        "trusted_proxies; unset: when the request came over https (or a trusted proxy says so)",
    )
    trusted_proxies: list[str] = Field(
        ["127.0.0.1"],
        description="Proxy addresses whose X-Forwarded-Proto and X-Forwarded-For are believed "
        "(`samplehub serve`); '*' trusts every peer",
    )
    sample_numbering: SampleNumbering = Field(default_factory=SampleNumbering)
    institute: InstituteSettings = Field(default_factory=InstituteSettings)
    signing: SigningSettings = Field(default_factory=SigningSettings)
    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    lab: LabSettings = Field(default_factory=LabSettings)
    recall: RecallSettings = Field(default_factory=RecallSettings)
    pickup: PickupSettings = Field(default_factory=PickupSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    fleet: FleetConfig = Field(default_factory=FleetConfig)
    rfid: RfidSettings = Field(default_factory=RfidSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or SQLite under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'samplehub.db').resolve()}"

    def keys_dir(self) -> Path:
        """Where the demo keys and the public anchor keys are kept."""
        return self.signing.keys_dir or self.data_dir / "keys"
