"""Wires the management centre: its database (LaneGuard's migrations; PostgreSQL or SQLite),
the copies of every station's incidents and cameras, the statistics over them (records' own
service, so the centre's figures mean what a station's mean), its users, and the MQTT ingest."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from laneguard.access.service.users import UserService
from laneguard.app.centre_config import CentreConfig
from laneguard.app.database import open_database, user_service
from laneguard.app.forwarding import link_settings
from laneguard.centre.adapters.db import SqlCentreStore
from laneguard.centre.adapters.mqtt import MqttIngest
from laneguard.centre.service.centre import CentreService
from laneguard.records.service.statistics import StatisticsService

log = logging.getLogger(__name__)


@dataclass
class CentreApp:
    config: CentreConfig
    engine: Engine
    centre: CentreService
    stats: StatisticsService
    users: UserService
    ingest: MqttIngest

    def start(self) -> None:
        self.ingest.start()

    def link_up(self) -> bool:
        return self.ingest.connected

    def stop(self) -> None:
        self.ingest.stop()
        self.engine.dispose()


def build_centre(config: CentreConfig) -> CentreApp:
    engine = open_database(config)
    store = SqlCentreStore(engine)
    centre = CentreService(store, config.stations)
    settings = link_settings(config.link, "laneguard-centre")
    return CentreApp(
        config=config,
        engine=engine,
        centre=centre,
        stats=StatisticsService(store, config.tz()),
        users=user_service(engine),
        ingest=MqttIngest(settings, centre.receive),
    )


def centre_users(config: CentreConfig) -> UserService:
    """The centre's logins only (`laneguard user ... --config CENTRE_FILE`)."""
    return user_service(open_database(config))
