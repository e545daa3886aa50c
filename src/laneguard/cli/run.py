"""`laneguard run --config FILE`: the live service (pipelines or simulation, alerts, web UI)."""

from __future__ import annotations

import logging
import signal
import types
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from laneguard.alerting.domain.enrolment import fingerprint
from laneguard.app import bootstrap, web_tls
from laneguard.app.config import LaneGuardConfig, load_config
from laneguard.core.errors import ConfigError
from laneguard.web.app import WebContext, create_app


def _mqtt_info(app: bootstrap.LaneGuardApp) -> dict[str, Any] | None:
    """What a terminal needs to reach the broker; the CA certificate is public."""
    s = app.mqtt_settings
    if s is None:
        return None
    return {
        "host": s.host,
        "port": s.port,
        "topic_prefix": s.topic_prefix,
        "ca_pem": s.ca_file.read_text(encoding="ascii"),
    }


def web_context(app: bootstrap.LaneGuardApp) -> WebContext:
    return WebContext(
        station=app.config.station,
        default_locale=app.config.web.default_locale,
        alerts=app.alerts,
        terminals=app.records.terminals,
        stats=app.records.stats,
        records=app.records.records,
        ws_hub=app.ws_hub,
        frames=app.frames,
        station_public_key=app.sealer.station_public_key,
        mqtt=_mqtt_info(app),
        simulator=app.simulator,
        cameras=[c.camera for c in app.config.cameras],
        health=app.health,
        zones=bootstrap.zone_editor(app.config, app.source),
        users=app.records.users,
        session_secret=bootstrap.session_secret(app.config),
        secure_cookie=app.config.web.cookie_secure(),
        session_hours=app.config.web.session_hours,
        max_body_bytes=app.config.web.max_body_bytes,
        station_key_fingerprint=fingerprint(app.sealer.station_public_key),
    )


def first_start(app: bootstrap.LaneGuardApp) -> None:
    """Seeds the configured operator, or on the very first start makes `admin` and prints its
    password this once (only its Argon2 digest is kept)."""
    web = app.config.web
    seed = (web.operator_user, web.operator_password) if web.operator_user else None
    password = app.records.users.first_start(
        None if seed is None or seed[1] is None else (seed[0], seed[1])
    )
    if password is not None:
        typer.echo(
            "\n".join(
                (
                    "=" * 64,
                    "首次启动：已创建操作员 admin / first start: operator 'admin' created",
                    f"password: {password}",
                    "此密码只显示这一次 / shown only this once; add users with "
                    "`laneguard user add NAME --role operator|viewer`",
                    "=" * 64,
                )
            ),
            err=True,
        )


def _tls_files(cfg: LaneGuardConfig) -> tuple[str | None, str | None]:
    """The configured certificate, else (with `web.tls: auto`) the self-signed one made at the
    first start, whose location and fingerprint are printed for terminals to trust."""
    web = cfg.web
    if web.tls_cert is not None and web.tls_key is not None:
        return str(web.tls_cert), str(web.tls_key)
    if web.tls == "off":
        return None, None
    made = web_tls.self_signed(cfg.data_dir / "keys", web.host, cfg.station)
    typer.echo(
        f"HTTPS certificate ({'made now, ' if made.made_now else ''}self-signed): {made.cert}\n"
        f"  SHA-256 {made.fingerprint()}\n"
        f"  terminals: laneguard terminal enroll --server-ca {made.cert} ...",
        err=True,
    )
    return str(made.cert), str(made.key)


def _stop_on_term(signum: int, frame: types.FrameType | None) -> None:
    """uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets
    the service stop its broker, MQTT client and threads instead of dying on the spot."""
    raise SystemExit(0)


def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="YAML or JSON config file")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log at debug level")] = False,
) -> None:
    """启动实时服务 / Run the live service: voice warnings and encrypted alerts per incident."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        cfg = load_config(config)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    app = bootstrap.build(cfg)
    first_start(app)
    signal.signal(signal.SIGTERM, _stop_on_term)
    app.start()
    try:
        web = create_app(web_context(app))
        cert, key = _tls_files(cfg)
        scheme = "https" if cert else "http"
        typer.echo(
            f"LaneGuard {cfg.station}: {scheme}://{cfg.web.host}:{cfg.web.port}/ "
            f"(terminal page /terminal)",
            err=True,
        )
        if app.mqtt_settings is not None:
            typer.echo(f"MQTT TLS {app.mqtt_settings.host}:{app.mqtt_settings.port}", err=True)
        uvicorn.run(
            web,
            host=cfg.web.host,
            port=cfg.web.port,
            log_level="warning",
            timeout_graceful_shutdown=3,
            ssl_certfile=cert,
            ssl_keyfile=key,
        )
    finally:
        app.stop()
