"""The one place that picks LaneGuard's concrete adapters and wires them into the services.

`build()` makes everything from a config; tests and the demo differ only in the config (the
camera pipelines of `source: pipeline`, or the simulated source) or in the source they pass.
Detection's own adapters are picked in `detection_bootstrap`, which this module calls."""

from __future__ import annotations

import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from laneguard.access.service.users import UserService
from laneguard.alerting.adapters.crypto import StationSealer
from laneguard.alerting.adapters.db import SqlEnrolmentCodeRepository, SqlTerminalRepository
from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.adapters.mqtt import MqttAlertTransport, MqttSettings
from laneguard.alerting.domain.alerts import SealedMessage
from laneguard.alerting.service import runner
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.app.config import HttpSpeakerConfig as _HttpSpeakerConfig
from laneguard.app.config import (
    LaneGuardConfig,
    LocalSpeakerConfig,
    PipelineSourceConfig,
    RtpSpeakerConfig,
    SimulatedSourceConfig,
)
from laneguard.app.database import open_database, user_service
from laneguard.app.detection_bootstrap import build_detector, build_pipeline
from laneguard.app.forwarding import StationLink, build_link, incident_forward, watched
from laneguard.app.retention import build_retention, run_hourly
from laneguard.core.clock import SystemClock
from laneguard.core.domain.incidents import IncidentOpened
from laneguard.core.domain.records import IncidentAlreadyClosedError
from laneguard.core.errors import ConfigError, LaneGuardError
from laneguard.core.keyfile import create_once
from laneguard.core.ports import IncidentSource
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.adapters.latest_frame import LatestFrameReader
from laneguard.detection.adapters.live_view import LiveAnnotator
from laneguard.detection.adapters.video import OpenCvVideoSource
from laneguard.detection.adapters.zone_layouts import JsonZoneLayoutStore, config_layout
from laneguard.detection.domain.camera_watch import CameraWatch
from laneguard.detection.service.live import LiveCamera, LiveCameras
from laneguard.detection.service.pipeline import PipelineConfig
from laneguard.detection.service.ports import FrameSource
from laneguard.detection.service.zone_editor import ZoneEditorService
from laneguard.records.adapters.clips import AviClipWriter
from laneguard.records.adapters.db import SqlIncidentRepository
from laneguard.records.adapters.media_db import SqlAccessLog
from laneguard.records.service.clips import ClipRecorder
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.simulation.broker import BrokerMissingError, LocalMosquitto
from laneguard.simulation.source import SimulatedIncidentSource, SimulatedZone
from laneguard.warning.adapters.speakers import HttpSpeaker, LocalSpeaker, RtpSpeaker
from laneguard.warning.adapters.voice_clips import DEFAULT_TEXTS, EspeakClipLibrary
from laneguard.warning.domain.voice import VoiceWarningPolicy, WarningLevel
from laneguard.warning.service.ports import Speaker
from laneguard.warning.service.warner import VoiceWarner

log = logging.getLogger(__name__)


@dataclass
class Records:
    """What the `stats` and `terminal` commands need: the database and its services only."""

    engine: Engine
    incidents: SqlIncidentRepository
    terminal_repo: SqlTerminalRepository
    stats: StatisticsService
    records: RecordsService
    terminals: TerminalService
    users: UserService


def build_records(config: LaneGuardConfig) -> Records:
    engine = open_database(config)
    incidents = SqlIncidentRepository(engine, incident_forward(config))  # outbox for a centre
    terminal_repo = SqlTerminalRepository(engine)
    return Records(
        engine=engine,
        incidents=incidents,
        terminal_repo=terminal_repo,
        stats=StatisticsService(incidents, config.tz()),
        records=RecordsService(incidents, SqlAccessLog(engine), SystemClock()),
        terminals=TerminalService(
            terminal_repo,
            SystemClock(),
            SqlEnrolmentCodeRepository(engine),
            timedelta(minutes=config.enrolment.code_minutes),
            station=config.station,
        ),
        users=user_service(engine),
    )


def station_sealer(config: LaneGuardConfig) -> StationSealer:
    """The station's X25519 key pair, made at the first start."""
    return StationSealer.load_or_create(config.data_dir / "keys" / "station.x25519")


def session_secret(config: LaneGuardConfig) -> bytes:
    """The key that signs session cookies: `<data_dir>/keys/session.key`, 32 random bytes made
    at the first start (owner-only). Deleting it ends every session."""
    path = config.data_dir / "keys" / "session.key"
    return create_once(path, lambda: secrets.token_bytes(32), 32)


@dataclass
class LaneGuardApp:
    config: LaneGuardConfig
    records: Records
    sealer: StationSealer
    alerts: AlertService
    ws_hub: WebSocketHub
    frames: FrameHub
    source: IncidentSource
    simulator: SimulatedIncidentSource | None
    mqtt: MqttAlertTransport | None = None
    mqtt_settings: MqttSettings | None = None
    broker: LocalMosquitto | None = None
    link: StationLink | None = None  # to the management centre, when configured
    executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4))
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        """Starts the broker (demo), MQTT, and the source and escalation loops."""
        if self.config.demo_broker:
            try:
                self.broker = LocalMosquitto(self.config.data_dir / "broker").start()
            except BrokerMissingError as exc:
                log.warning("no demo broker, alerts go over WebSocket only: %s", exc)
            else:
                self.mqtt_settings = MqttSettings(
                    self.broker.host, self.broker.port, self.broker.tls.ca_cert
                )
        if self.mqtt_settings is not None:
            self.mqtt = MqttAlertTransport(self.mqtt_settings, on_ack=self._mqtt_ack)
            try:
                self.mqtt.start()
            except LaneGuardError as exc:
                log.error("MQTT unavailable, alerts go over WebSocket only for now: %s", exc)
            self.alerts.add_transport(self.mqtt)
        for target, args in (
            (runner.pump, (self.source, self.alerts, self._stop)),
            (runner.tick, (self.alerts, self._stop)),
        ):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        self.link = build_link(self.config, self.records.engine)
        if self.link is not None:
            self.link.start([c.camera for c in self.config.cameras])
        purge = build_retention(self.config, self.records.engine)  # pictures past retention.days
        purger = threading.Thread(target=run_hourly, args=(purge, self._stop), daemon=True)
        purger.start()
        self._threads.append(purger)
        if isinstance(self.source, LiveCameras):  # stalled or failed cameras alert staff
            check = watched(self.link, self.source.check)  # changes also go to the centre
            watch = (check, self.alerts, SystemClock(), self._stop)
            thread = threading.Thread(target=runner.watch_cameras, args=watch, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _mqtt_ack(self, message: SealedMessage) -> None:
        try:
            record = self.alerts.acknowledge(message)
            log.info(
                "incident %s closed as %s by %s over MQTT",
                record.incident_id,
                record.outcome,
                record.closed_by,
            )
        except (LaneGuardError, IncidentAlreadyClosedError) as exc:
            log.warning("acknowledgement over MQTT refused: %s", exc)

    def health(self) -> dict[str, object]:
        """Camera states and broker connection, for /api/health and the live page."""
        cameras = self.source.health() if isinstance(self.source, LiveCameras) else {}
        return {
            "station": self.config.station,
            "cameras": cameras,
            "mqtt": None if self.mqtt is None else ("ok" if self.mqtt.connected else "down"),
            "centre": None if self.link is None else self.link.state(),
        }

    def stop(self) -> None:
        self._stop.set()
        self.source.close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.mqtt is not None:
            self.mqtt.stop()
        if self.link is not None:
            self.link.stop()
        if self.broker is not None:
            self.broker.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.records.engine.dispose()


def _speaker(
    spec: LocalSpeakerConfig | _HttpSpeakerConfig | RtpSpeakerConfig, config: LaneGuardConfig
) -> Speaker:
    if isinstance(spec, _HttpSpeakerConfig):
        return HttpSpeaker(spec.url, token=spec.token)
    if isinstance(spec, RtpSpeakerConfig):
        return RtpSpeaker(spec.host, spec.port, spec.codec)
    return LocalSpeaker(spec.lane, config.data_dir / "played", spec.command)


def _live_cameras(
    config: LaneGuardConfig, frames: FrameHub, clips: ClipRecorder | None = None
) -> LiveCameras:
    """A detection pipeline per camera (one detector each: neither OpenCV's nets nor LiteRT's
    interpreters are thread-safe), over OpenCV video sources whose clock starts now, feeding
    annotated frames to the live view."""
    assert isinstance(config.source, PipelineSourceConfig)
    spec = config.source
    cameras = []
    layouts = zone_layouts(config)
    for configured in config.cameras:
        cam = layouts.apply(configured)  # the zone editor's saved layout, if any
        # The video source is made here rather than by detection_bootstrap.build_camera so a
        # file's clock starts now: incidents from a looped demo video then carry today's time.
        try:
            rules = cam.to_rules(config.tz())
        except (ValueError, ConfigError) as exc:
            raise LaneGuardError(f"cameras[{cam.camera}]: {exc}") from exc
        size = (cam.size[0], cam.size[1]) if cam.size else None
        video = OpenCvVideoSource(cam.source, size=size, loop=cam.loop, start=datetime.now(UTC))
        pipeline = build_pipeline(
            rules,
            build_detector(spec.detector),
            motion_gating=spec.motion_gating,
            crop_to_zones=spec.crop_to_zones,
            config=PipelineConfig(
                detect_every=cam.detect_every, keyframe_interval=cam.keyframe_interval
            ),
        )
        source: FrameSource = LatestFrameReader(video) if video.live else video
        cameras.append(LiveCamera(cam.camera, source, pipeline, realtime=not video.live))
    annotator = LiveAnnotator(frames, also=None if clips is None else clips.add_frame)
    watch = CameraWatch(config.camera_watch.stall_after_s)
    return LiveCameras(cameras, on_frame=annotator, frame_every=spec.live_view_every, watch=watch)


def zone_layouts(config: LaneGuardConfig) -> JsonZoneLayoutStore:
    """The zone editor's files: `<data_dir>/zones/<camera>.json`, read by the pipeline at start."""
    return JsonZoneLayoutStore(config.data_dir / "zones")


def zone_editor(config: LaneGuardConfig, source: IncidentSource | None = None) -> ZoneEditorService:
    """The editor's service; with live cameras, a saved layout also reaches the running
    pipeline at its next frame (open incidents under the old zones end there)."""
    store = zone_layouts(config)
    configured = {c.camera: c for c in config.cameras}
    pipelines = (
        {c.name: c.pipeline for c in source.cameras} if isinstance(source, LiveCameras) else {}
    )

    def apply_live(camera: str) -> bool:
        pipeline = pipelines.get(camera)
        if pipeline is None:
            return False
        try:
            rules = store.apply(configured[camera]).to_rules(config.tz())
        except (ValueError, ConfigError) as exc:
            raise LaneGuardError(f"cameras[{camera}]: {exc}") from exc
        pipeline.use_rules(rules)
        return True

    return ZoneEditorService(
        store, {c.camera: config_layout(c) for c in config.cameras}, apply_live
    )


def build(config: LaneGuardConfig, source: IncidentSource | None = None) -> LaneGuardApp:
    records = build_records(config)
    clock = SystemClock()
    sealer = station_sealer(config)
    texts = dict(DEFAULT_TEXTS)
    if config.voice.first_text:
        texts[WarningLevel.FIRST] = config.voice.first_text
    if config.voice.strong_text:
        texts[WarningLevel.STRONG] = config.voice.strong_text
    clips = EspeakClipLibrary(config.data_dir / "voice", texts)
    try:
        clips.prepare(config.lanes())
    except RuntimeError as exc:
        log.error("warning clips not ready: %s", exc)
    app_executor = ThreadPoolExecutor(4, thread_name_prefix="laneguard-speaker")
    warner = VoiceWarner(
        VoiceWarningPolicy(
            cooldown=timedelta(seconds=config.voice.cooldown_s),
            escalate_after=timedelta(seconds=config.voice.escalate_after_s),
        ),
        clips,
        {s.lane: _speaker(s, config) for s in config.speakers},
        app_executor,
    )
    ws_hub = WebSocketHub()
    frames = FrameHub()
    simulator = None
    incident_clips = None
    if config.clips.enabled and isinstance(config.source, PipelineSourceConfig):
        incident_clips = ClipRecorder(
            AviClipWriter(config.data_dir / "clips", config.clips.min_free_mb * 1_000_000),
            records.incidents,
            ThreadPoolExecutor(1, thread_name_prefix="laneguard-clips"),
            seconds=config.clips.seconds,
            after_open_s=config.clips.after_open_s,
        )
    if source is None and isinstance(config.source, PipelineSourceConfig):
        source = _live_cameras(config, frames, incident_clips)
    elif source is None and isinstance(config.source, SimulatedSourceConfig):
        zones = [
            SimulatedZone(c.camera, z.name, z.lane or z.name)
            for c in config.cameras
            for z in c.zones
        ]
        simulator = SimulatedIncidentSource(
            zones or [SimulatedZone("demo-cam", "lane-1", "1")],
            clock,
            interval_s=config.source.interval_s,
            duration_s=config.source.duration_s,
        )
        source = simulator

    def show_snapshot(event: IncidentOpened) -> None:
        frames.publish(event.camera, event.snapshot_jpeg)

    if source is None:
        raise LaneGuardError(f"source type {config.source.type!r} is not known")
    alerts = AlertService(
        config.station,
        records.incidents,
        records.terminal_repo,
        sealer,
        [ws_hub],
        clock,
        warner,
        on_opened=show_snapshot if simulator is not None else None,
        clips=incident_clips,
        escalation=config.escalation.policy(),
    )
    mqtt_settings = None
    if config.mqtt is not None:
        m = config.mqtt
        mqtt_settings = MqttSettings(
            m.host,
            m.port,
            m.ca_file,
            m.topic_prefix,
            m.client_cert,
            m.client_key,
            m.username,
            m.password,
            m.session_expiry_s,
        )
    return LaneGuardApp(
        config=config,
        records=records,
        sealer=sealer,
        alerts=alerts,
        ws_hub=ws_hub,
        frames=frames,
        source=source,
        simulator=simulator,
        mqtt_settings=mqtt_settings,
        executor=app_executor,
    )
