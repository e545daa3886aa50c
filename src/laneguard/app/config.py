"""One typed configuration tree for `laneguard run --config FILE` (YAML or JSON), read once.

Every model forbids unknown keys, so a misspelt key is an error naming it, not a silent default.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from laneguard.alerting.domain.escalation import EscalationPolicy
from laneguard.core.errors import ConfigError
from laneguard.detection.adapters.config import CameraConfig, DetectorConfig


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"timezone={value!r} is not an IANA time zone") from exc
    return value


ZoneName = Annotated[str, AfterValidator(_known_zone)]
Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], raw: Any, path: Path) -> Model:
    """`raw` (a config file's content) as `model`, or a ConfigError naming every wrong key."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
        raise ConfigError(f"config file {path}: {problems}") from exc


def url_or_sqlite(configured: str | None, data_dir: Path, sqlite_file: str) -> str:
    """The configured database URL, else SQLite's `sqlite_file` in the data folder."""
    return configured or f"sqlite:///{(data_dir / sqlite_file).resolve()}"


def resolve(path: Path, base: Path) -> Path:
    """A path of a config file, relative to the file's folder `base` unless absolute."""
    return path if path.is_absolute() else (base / path).resolve()


class LocalSpeakerConfig(StrictModel):
    type: Literal["local"] = "local"
    lane: str
    command: list[str] | None = Field(
        default=None, description="Player argv; default `aplay -q` if present"
    )


class HttpSpeakerConfig(StrictModel):
    type: Literal["http"]
    lane: str
    url: str = Field(description="URL the WAV clip is POSTed to")
    token: str | None = Field(default=None, description="Bearer token, if the speaker wants one")


class RtpSpeakerConfig(StrictModel):
    type: Literal["rtp"]
    lane: str
    host: str
    port: int = Field(ge=1, le=65535)
    codec: Literal["pcmu", "pcma"] = "pcmu"


SpeakerConfig = Annotated[
    LocalSpeakerConfig | HttpSpeakerConfig | RtpSpeakerConfig, Field(discriminator="type")
]


class VoiceConfig(StrictModel):
    cooldown_s: float = Field(default=10.0, ge=0, description="Quiet time per lane after a warning")
    escalate_after_s: float = Field(
        default=8.0, gt=0, description="Stronger message after this long"
    )
    first_text: str | None = Field(
        default=None, description="Text of the first warning; {lane} allowed"
    )
    strong_text: str | None = Field(default=None, description="Text of the stronger warning")


class MqttConfig(StrictModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8883, ge=1, le=65535)
    ca_file: Path = Field(description="CA certificate that signed the broker's certificate")
    topic_prefix: str = "laneguard"
    client_cert: Path | None = None
    client_key: Path | None = None
    username: str | None = None
    password: str | None = None
    session_expiry_s: int = Field(
        default=7 * 24 * 3600,
        ge=60,
        description="How long the broker keeps an offline terminal's session and queued alerts",
    )


class CentreLinkConfig(StrictModel):
    """The station's link to its management centre's broker (store-and-forward)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8883, ge=1, le=65535)
    tls: Literal["on", "off"] = Field(
        default="on", description="`off`: plain TCP, only on one machine or a closed network"
    )
    ca_file: Path | None = Field(default=None, description="CA of the broker's certificate")
    topic_prefix: str = Field(default="laneguard", pattern=r"^[^#+]+$")
    client_id: str | None = Field(
        default=None, description="Fixed MQTT client id; unset: laneguard-station-<hash of name>"
    )
    username: str | None = None
    password: str | None = None
    session_expiry_s: int = Field(
        default=7 * 24 * 3600, ge=60, description="How long the broker keeps the link's session"
    )
    retry_s: float = Field(default=2.0, gt=0, description="Wait after a failed send")


class SimulatedSourceConfig(StrictModel):
    type: Literal["simulated"] = "simulated"
    interval_s: float = Field(
        default=0,
        ge=0,
        description="Seconds between automatic incidents; 0: only "
        "when triggered from the web page or API",
    )
    duration_s: float = Field(
        default=4.0, gt=0, description="How long each simulated intrusion lasts"
    )


class PipelineSourceConfig(StrictModel):
    type: Literal["pipeline"]
    detector: DetectorConfig | None = Field(
        default=None,
        description="coco_tflite (default: person, two-wheelers, vehicles), ssdlite (person "
        "only) or yolo_onnx",
    )
    crop_to_zones: bool = Field(
        default=True, description="Detect only in the zones' bounding box when it is smaller"
    )
    motion_gating: bool = Field(default=True, description="Rest the detector when nothing moves")
    live_view_every: int = Field(
        default=2, ge=1, description="Publish every n-th annotated frame to the live view"
    )


SourceConfig = Annotated[SimulatedSourceConfig | PipelineSourceConfig, Field(discriminator="type")]


class ClipsConfig(StrictModel):
    enabled: bool = Field(default=True, description="Keep a short clip per incident (live cameras)")
    seconds: float = Field(default=6.0, gt=0, le=60, description="Seconds of video per clip")
    after_open_s: float = Field(
        default=10.0, gt=0, description="Write the clip this long after opening if still open"
    )
    min_free_mb: int = Field(default=50, ge=0, description="Skip clips below this much free disk")


class WebConfig(StrictModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8100, ge=1, le=65535)
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    tls_cert: Path | None = Field(
        default=None, description="PEM certificate: serve HTTPS (phones need it for WebCrypto)"
    )
    tls_key: Path | None = Field(default=None, description="PEM private key of tls_cert")
    tls: Literal["auto", "off"] = Field(
        default="auto",
        description="Without tls_cert: `auto` serves HTTPS with a self-signed certificate made "
        "at the first start (<data_dir>/keys/web-cert.pem); `off` serves plain HTTP (behind a "
        "TLS proxy only)",
    )
    operator_user: str | None = Field(
        default=None,
        description="Seeds an operator of this name at start if none has it (instead of the "
        "first start's `admin`); users are kept in the database: `laneguard user add`",
    )
    operator_password: str | None = Field(
        default=None, description="Password of operator_user (kept only as its Argon2 digest)"
    )
    secure_cookie: bool | None = Field(
        default=None,
        description="Send the session cookie only over HTTPS; unset: on when this server "
        "serves HTTPS. Set true behind a TLS proxy",
    )
    session_hours: float = Field(
        default=12, gt=0, le=168, description="A login lasts this long (at most a week)"
    )
    max_body_bytes: int = Field(
        default=65_536, ge=1024, description="Largest request body; larger ones get 413"
    )

    def https(self) -> bool:
        return self.tls_cert is not None or self.tls == "auto"

    def cookie_secure(self) -> bool:
        return self.https() if self.secure_cookie is None else self.secure_cookie


class EscalationConfig(StrictModel):
    after_s: float = Field(
        default=60,
        gt=0,
        description="An incident nobody acknowledged this long after it opened is escalated: "
        "the lane's warning again, and the alert to the shift leader's terminals",
    )
    leaders: list[str] = Field(
        default_factory=list,
        description="Terminal names or ids of the shift leader (besides terminals enrolled "
        "with `--leader`)",
    )

    def policy(self) -> EscalationPolicy:
        return EscalationPolicy(timedelta(seconds=self.after_s), frozenset(self.leaders))


class CameraWatchConfig(StrictModel):
    stall_after_s: float = Field(
        default=10,
        gt=0,
        description="A live camera that sends no frame this long (frozen, or reconnecting) "
        "raises a staff alert; so does one whose source gave up",
    )


class RetentionConfig(StrictModel):
    days: float = Field(
        default=30,
        gt=0,
        description="Snapshots and clips (pictures of the public) are deleted this many days "
        "after their incident opened; the incident records stay",
    )


class EnrolmentConfig(StrictModel):
    code_minutes: float = Field(
        default=15, gt=0, le=24 * 60, description="How long a one-time enrolment code works"
    )


class LaneGuardConfig(StrictModel):
    station: str = Field(default="demo-station", description="Station name in records and alerts")
    timezone: ZoneName = Field(
        default="Asia/Shanghai", description="IANA zone of the station's calendar days"
    )
    data_dir: Path = Field(
        default=Path("data/laneguard"), description="Keys, clips, SQLite database"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset: SQLite in data_dir"
    )
    enrolment_code: str | None = Field(
        default=None,
        description="Removed: terminals enrol with one-time codes (`laneguard terminal code "
        "NAME` or the /terminals page); a config that sets it is refused",
    )
    enrolment: EnrolmentConfig = EnrolmentConfig()
    escalation: EscalationConfig = EscalationConfig()
    camera_watch: CameraWatchConfig = CameraWatchConfig()
    retention: RetentionConfig = RetentionConfig()
    web: WebConfig = WebConfig()
    mqtt: MqttConfig | None = Field(
        default=None, description="Broker with TLS; unset: WebSocket only"
    )
    demo_broker: bool = Field(
        default=False, description="Start a private TLS Mosquitto (demo and tests)"
    )
    centre: CentreLinkConfig | None = Field(
        default=None,
        description="Forward incidents, acknowledgements and camera states to a management "
        "centre over MQTT (kept in the outbox while the link is down); unset: no centre",
    )
    voice: VoiceConfig = VoiceConfig()
    clips: ClipsConfig = ClipsConfig()
    cameras: list[CameraConfig] = Field(
        default_factory=list,
        description="Detection's camera config: camera, source, loop, size, zones, rules",
    )
    speakers: list[SpeakerConfig] = Field(default_factory=list)
    source: SourceConfig = SimulatedSourceConfig()

    @field_validator("station")
    @classmethod
    def _topic_safe(cls, value: str) -> str:
        if not value or any(c in value for c in "/#+") or len(value) > 64:
            raise ValueError(f"station={value!r}: 1 to 64 characters, no '/', '#' or '+'")
        return value

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_database_url(self) -> str:
        return url_or_sqlite(self.database_url, self.data_dir, "laneguard.db")

    def lanes(self) -> list[str]:
        found = {s.lane for s in self.speakers}
        found |= {z.lane or z.name for c in self.cameras for z in c.zones}
        return sorted(found)


def load_config(path: Path) -> LaneGuardConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"config file {path} is not valid {path.suffix[1:]}: {exc}") from exc
    config = validated(LaneGuardConfig, raw, path)
    if not config.data_dir.is_absolute():
        config = config.model_copy(update={"data_dir": resolve(config.data_dir, path.parent)})
    if config.enrolment_code is not None:
        raise ConfigError(
            f"config file {path}: enrolment_code is no longer used (one shared, permanent code "
            "let anyone who heard it enrol); remove it and make a one-time code per terminal "
            "with `laneguard terminal code NAME --config FILE` or on the /terminals page "
            "(lifetime: enrolment.code_minutes)"
        )
    web = config.web
    if (web.operator_user is None) != (web.operator_password is None):
        raise ConfigError("web.operator_user and web.operator_password go together")
    if (web.tls_cert is None) != (web.tls_key is None):
        raise ConfigError("web.tls_cert and web.tls_key go together; give both or neither")
    for name in ("tls_cert", "tls_key"):
        value = getattr(web, name)
        if value is not None:
            setattr(web, name, resolve(value, path.parent))
    link = config.centre
    if link is not None and link.tls == "on" and link.ca_file is None:
        raise ConfigError("centre.ca_file is required with centre.tls: on (or tls: off)")
    if link is not None and link.ca_file is not None:
        link.ca_file = resolve(link.ca_file, path.parent)
    for camera in config.cameras:
        # a relative file path, like data_dir, is relative to the config file's folder
        if "://" not in camera.source and not Path(camera.source).is_absolute():
            camera.source = str((path.parent / camera.source).resolve())
    names = [c.camera for c in config.cameras]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"cameras[].camera: {dupes} used more than once; names must be unique")
    return config
