"""The station's side of the management centre: which forwarder runs, over which link.

With `centre:` in the station's config, every incident change is written to the outbox in its
own transaction (records' SqlIncidentRepository with `forward_incident`), camera state changes
are added to it too, and a forwarder thread publishes it to the centre's broker."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from laneguard.app.config import CentreLinkConfig, LaneGuardConfig
from laneguard.centre.adapters.mqtt import LinkSettings, MqttPublisher
from laneguard.centre.service.forwarder import Forwarder, topic
from laneguard.core.domain.cameras import CameraHealthChanged, CameraState
from laneguard.core.domain.forwarding import (
    CAMERA,
    INCIDENT,
    OFFLINE,
    ONLINE,
    PRESENCE,
    CameraReport,
    camera_message,
    incident_message,
    presence_message,
)
from laneguard.core.errors import LaneGuardError
from laneguard.records.adapters.db import Forward, SqlIncidentRepository
from laneguard.records.adapters.outbox import SqlOutbox, forward_incident

log = logging.getLogger(__name__)


def station_client_id(station: str) -> str:
    """A fixed, ASCII client id per station (names are often Chinese)."""
    return "laneguard-station-" + hashlib.sha256(station.encode()).hexdigest()[:12]


def link_settings(link: CentreLinkConfig, client_id: str) -> LinkSettings:
    return LinkSettings(
        host=link.host,
        port=link.port,
        client_id=link.client_id or client_id,
        topic_prefix=link.topic_prefix,
        ca_file=link.ca_file if link.tls == "on" else None,
        username=link.username,
        password=link.password,
        session_expiry_s=link.session_expiry_s,
    )


def incident_forward(config: LaneGuardConfig) -> Forward | None:
    """The repository's hook: the outbox only when there is a centre to forward to."""
    return forward_incident if config.centre is not None else None


class StationLink:
    def __init__(self, config: LaneGuardConfig, engine: Engine) -> None:
        assert config.centre is not None
        self.station = config.station
        self.retry_s = config.centre.retry_s
        self.outbox = SqlOutbox(engine)
        settings = link_settings(config.centre, station_client_id(config.station))
        presence = topic(settings.topic_prefix, config.station, PRESENCE)
        online, offline = (
            json.dumps(presence_message(config.station, s), ensure_ascii=False).encode()
            for s in (ONLINE, OFFLINE)
        )
        self.publisher = MqttPublisher(settings, (presence, online, offline))
        self.forwarder = Forwarder(
            self.outbox, self.publisher, config.station, settings.topic_prefix
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._incidents = SqlIncidentRepository(engine)
        target = f"{settings.host}:{settings.port}/{settings.topic_prefix}"
        digest = hashlib.sha256(target.encode()).hexdigest()[:12]
        self._backfilled = config.data_dir / "centre" / f"backfilled-{digest}"

    def backfill(self) -> int:
        """At the first start of a link to this centre, the incidents recorded before it (they
        never went through the outbox) are queued too, once; the centre takes any it has
        already as repeats. An outbox already in use means the history went with it."""
        if self._backfilled.exists():
            return 0
        queued = 0
        if self.outbox.count() == 0:
            for record in reversed(self._incidents.list()):
                message = incident_message(record, record.version)
                self.outbox.add(INCIDENT, json.dumps(message, ensure_ascii=False))
                queued += 1
        self._backfilled.parent.mkdir(parents=True, exist_ok=True)
        self._backfilled.write_text(f"{queued}\n", encoding="ascii")
        if queued:
            log.info("centre link: %d incidents recorded before it queued for the centre", queued)
        return queued

    def start(self, cameras: list[str] | None = None) -> None:
        """Starts forwarding; `cameras` are reported `ok` as of now, so the centre lists them
        at once (the camera watch reports any stall or failure within its `stall_after_s`)."""
        self.backfill()
        now = datetime.now(UTC)
        for camera in cameras or []:
            self.camera_changed(CameraHealthChanged(camera, CameraState.OK, now, "station started"))
        self.publisher.start()
        self.publisher.wait_connected(1.0)  # usually up by then; if not, the outbox waits
        self._thread = threading.Thread(
            target=self.forwarder.run,
            args=(self._stop,),
            kwargs={"retry_s": self.retry_s},
            daemon=True,
            name="laneguard-forwarder",
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.publisher.stop()

    def state(self) -> str:
        """`ok` while the centre's broker is connected, else `down` (the outbox keeps all)."""
        return "ok" if self.publisher.connected else "down"

    def camera_changed(self, change: CameraHealthChanged) -> None:
        report = CameraReport(self.station, change.camera, change.state, change.at, change.detail)
        try:
            self.outbox.add(CAMERA, json.dumps(camera_message(report), ensure_ascii=False))
        except LaneGuardError as exc:
            log.error("camera state not kept for the centre: %s", exc)

    def watching(
        self, check: Callable[[datetime], list[CameraHealthChanged]]
    ) -> Callable[[datetime], list[CameraHealthChanged]]:
        """`check` that also reports each change to the centre."""

        def checked(at: datetime) -> list[CameraHealthChanged]:
            changes = check(at)
            for change in changes:
                self.camera_changed(change)
            return changes

        return checked


def watched(
    link: StationLink | None, check: Callable[[datetime], list[CameraHealthChanged]]
) -> Callable[[datetime], list[CameraHealthChanged]]:
    """The camera watch's `check`, reporting its changes to the centre too when there is one."""
    return check if link is None else link.watching(check)


def build_link(config: LaneGuardConfig, engine: Engine) -> StationLink | None:
    return None if config.centre is None else StationLink(config, engine)
