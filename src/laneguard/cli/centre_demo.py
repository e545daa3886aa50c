"""The centre demo: four stations and their centre on one machine, in one process. A private TLS
Mosquitto carries the links; each station runs `laneguard run`'s service (simulated
intrusions, its own SQLite, its own pages) with `centre:` pointed at that broker, and at its
first start gets a made-up history (last year and this) so the year-over-year figures show."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

import typer
import uvicorn

from laneguard.app import bootstrap
from laneguard.app.centre_config import CentreConfig
from laneguard.app.config import CentreLinkConfig, LaneGuardConfig, load_config
from laneguard.cli.run import first_start, web_context
from laneguard.core.errors import LaneGuardError
from laneguard.simulation.broker import BrokerMissingError, LocalMosquitto
from laneguard.simulation.history import seed_history
from laneguard.web.app import create_app

log = logging.getLogger(__name__)


class CentreDemo:
    def __init__(self, config: CentreConfig) -> None:
        assert config.demo is not None
        self.config = config
        self.demo = config.demo
        self.broker: LocalMosquitto | None = None
        self.link: CentreLinkConfig | None = None
        self.stations: list[bootstrap.LaneGuardApp] = []
        self.servers: list[uvicorn.Server] = []
        self.operator: tuple[str, str] | None = None  # the centre's first-start login, if new

    def start_broker(self) -> CentreLinkConfig:
        """The link the stations and the centre share: a private TLS Mosquitto when
        `demo.broker`, else the centre's configured link."""
        if not self.demo.broker:
            self.link = self.config.link
            return self.link
        try:
            self.broker = LocalMosquitto(self.config.data_dir / "broker").start()
        except (BrokerMissingError, RuntimeError) as exc:
            raise LaneGuardError(f"demo broker did not start: {exc}") from exc
        self.link = CentreLinkConfig(
            host=self.broker.host,
            port=self.broker.port,
            tls="on",
            ca_file=self.broker.tls.ca_cert,
            topic_prefix=self.config.link.topic_prefix,
            retry_s=1.0,
        )
        return self.link

    def _station(self, config: LaneGuardConfig) -> bootstrap.LaneGuardApp:
        assert self.link is not None
        config.centre = self.link.model_copy(update={"client_id": None})
        if self.operator is not None and config.web.operator_user is None:
            config.web.operator_user, config.web.operator_password = self.operator
        app = bootstrap.build(config)
        first_start(app)
        if self.demo.seed_history:
            added = seed_history(
                app.records.incidents,
                config.station,
                config.lanes(),
                datetime.now(config.tz()).date(),
                config.tz(),
            )
            if added:
                typer.echo(f"{config.station}: {added} made-up past incidents (demo)", err=True)
        app.start()
        return app

    def start_stations(self) -> None:
        for path in self.demo.stations:
            config = load_config(path)
            app = self._station(config)
            self.stations.append(app)
            server = uvicorn.Server(
                uvicorn.Config(
                    create_app(web_context(app)),
                    host=config.web.host,
                    port=config.web.port,
                    log_level="warning",
                )
            )
            self.servers.append(server)
            threading.Thread(target=server.run, daemon=True, name=config.station).start()
            typer.echo(
                f"  station {config.station}: http://{config.web.host}:{config.web.port}/", err=True
            )

    def stop_stations(self) -> None:
        for server in self.servers:
            server.should_exit = True
        for app in self.stations:
            app.stop()
        self.stations = []

    def stop_broker(self) -> None:
        if self.broker is not None:
            self.broker.stop()
            self.broker = None
