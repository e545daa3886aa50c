"""Operating commands: serve, db upgrade, seed, user add, demo (audit and keys: cli.trust)."""

from __future__ import annotations

import getpass
import logging
import sys

import typer

from samplehub.app import backup, bootstrap, jobs, secret_key
from samplehub.app import demo as app_demo
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo, seed_demo_certificates, tag_demo_samples
from samplehub.app.demo_pickup import seed_demo_pickup
from samplehub.app.services import Services, nothing_to_close
from samplehub.app.status import StatusReader, start_status_alerts
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import intake as intake_wiring
from samplehub.app.wiring import inventory as inventory_wiring
from samplehub.app.wiring import notify as notify_wiring
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.app.wiring import rfid as rfid_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.domain.errors import DomainError
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.pickup.service import kiosk as pickup_kiosk

db_app = typer.Typer(help="Database schema 数据库")
user_app = typer.Typer(help="Users 用户")
DEMO_INVENTORY_MINUTES = 2.0  # the demo's misplacement shows within minutes, not an hour
DEMO_LOGINS = ("admin", "lab", "lab2", "approver", "kiosk", "warehouse", "cust-a", "cust-b")
NO_ADMIN = (
    "尚无管理员：请先创建 / no administrator yet: create the first one with\n"
    "  samplehub user add NAME --role admin"
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def serve(
    host: str | None = typer.Option(None, help="Address to bind (default from settings)"),
    port: int | None = typer.Option(None, help="Port to listen on (default from settings)"),
) -> None:
    """Serve the API and the pages (/openapi.json, /docs)."""
    settings = Settings()
    if not settings.database_url:  # the embedded SQLite database is the server's own
        bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    _first_site(settings, services)
    if not queries.has_admin(services.uow_factory):
        typer.echo(NO_ADMIN, err=True)
    _serve(settings, services, host or settings.host, port or settings.port)


def _first_site(settings: Settings, services: Services) -> None:
    """A database without a site gets the configured site file (default: the demo site)."""
    try:
        loaded = storage_wiring.ensure_site(settings, services)
    except DomainError as error:
        raise _fail(f"site file {storage_wiring.site_file(settings)}: {error}") from None
    except storage_wiring.DatabaseUnreadable as error:
        raise _fail(str(error)) from None
    if loaded is not None:
        typer.echo(f"storage site loaded: {loaded.slots} slots", err=True)


def _serve(
    settings: Settings, services: Services, host: str, port: int, day_speed: float = 0.0
) -> None:
    """Serve the app with its background workers; ``day_speed`` > 0 (the demo only) also plays
    the simulated institute day at that speed (``app/demo_day.py``)."""
    import uvicorn

    from samplehub.web.app import behind_proxies, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from samplehub.simulation.world import SimWorld

    try:  # held while this process serves: `backup restore` refuses meanwhile
        in_use = backup.InUse(settings.data_dir)
    except backup.BackupRefused as exc:
        raise _fail(str(exc)) from None

    world = SimWorld()  # where tags lie: robots move them, shelf readers read them
    try:  # the simulated LLRP readers listen from the start; real ones connect on first use
        rfid = rfid_wiring.rfid_site(settings)
        shelves = inventory_wiring.llrp_shelves(settings, services, world)
    except OSError as exc:
        raise _fail(f"RFID readers: {exc}") from None
    for name, server in {**rfid.servers, **shelves.served.servers}.items():
        typer.echo(f"simulated LLRP reader {name} on {server.host}:{server.port}", err=True)
    # the shelves confirm put-aways where they see the robots' drops: simulated robots in
    # ``world``, or real ones under real readers (simulated shelves never see a real robot's)
    confirming = shelves if not settings.mqtt_url or not shelves.served.servers else None
    try:
        fleet = fleet_wiring.fleet_supervisor(settings, services, world, confirming)
    except ValueError as exc:
        shelves.close()
        raise _fail(str(exc)) from None
    inventory = shelves.runner
    stop_inventory = jobs.start_inventory_job(settings, inventory)
    kiosk = intake_wiring.build_kiosk(settings, services)
    pickup = pickup_wiring.pickup_app(settings, services)
    pickup_kiosk.recover(pickup.deps)  # a restart mid-pickup: settle it from the sensors
    stop_job = jobs.start_pickup_job(pickup, settings.pickup.job_seconds)
    stop_anchors = jobs.start_anchor_job(settings, services)
    stop_backups = jobs.start_backup_job(settings, services)
    try:
        delivery = notify_wiring.delivery_worker(settings, services)
    except ValueError as exc:  # a channel refused at start (e.g. SMTP AUTH without STARTTLS)
        raise _fail(str(exc)) from None
    stop_day = nothing_to_close
    if day_speed > 0:
        from samplehub.app.demo_day import start_living_day

        try:
            stop_day = start_living_day(services, kiosk, pickup, day_speed)
        except (OSError, ValueError) as exc:
            typer.echo(f"no simulated day: {exc}", err=True)
    health = StatusReader(settings, services, fleet.snapshot if fleet is not None else None)
    stop_alerts = start_status_alerts(settings, services, health)
    app = create_app(
        services, secret_key.with_secret_key(settings), fleet, kiosk, pickup, inventory, health
    )
    if fleet is not None:
        fleet.start()
    if delivery is not None:
        delivery.start()
    try:
        served = behind_proxies(app, settings.trusted_proxies)
        uvicorn.run(served, host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        stop_day()
        stop_inventory()
        shelves.close()
        stop_job()
        stop_anchors()
        stop_backups()
        stop_alerts()
        if delivery is not None:
            delivery.stop()
        pickup.close()
        if fleet is not None:
            fleet.stop()
        in_use.release()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations to the configured database."""
    url = bootstrap.upgrade_database(Settings())
    typer.echo(f"database up to date: {url}")


def _has_demo_data(services: Services) -> bool:
    with services.uow_factory() as uow:
        return uow.users.get("admin") is not None


def seed(
    demo: bool = typer.Option(False, "--demo", help="Insert the demo companies, users, samples"),
) -> None:
    """Insert the demo data (demo logins use the password demo123: never in production)."""
    if not demo:
        raise _fail("only --demo data can be seeded; create real users with `samplehub user add`")
    settings = Settings()
    services = app_demo.demo_seed_services(settings)
    _first_site(settings, services)
    if _has_demo_data(services):
        typer.echo("demo data already present; nothing done")
        return
    made = seed_demo(services)
    kiosk = settings.kiosk
    tag_demo_samples(services, made.values(), kiosk.epc_company_prefix, kiosk.epc_filter)
    certificates = seed_demo_certificates(services, made, services.clock.now())
    typer.echo(f"demo data seeded: order {made['order_a']} with 5 samples, order {made['order_b']}")
    typer.echo(f"demo certificate issued: {', '.join(certificates)}")
    typer.echo(f"demo logins (password {DEMO_PASSWORD}): {', '.join(DEMO_LOGINS)}")


@user_app.command("add")
def user_add(
    username: str = typer.Argument(..., help="Login name"),
    role: str = typer.Option(..., help="customer, kiosk, lab, approver, warehouse or admin"),
    customer: str | None = typer.Option(None, help="Customer id or credit code (role customer)"),
    display_name: str = typer.Option("", help="Name shown on pages"),
    password: str | None = typer.Option(
        None, help="Password; asked for when omitted", envvar="SAMPLEHUB_NEW_PASSWORD"
    ),
) -> None:
    """Create a user (the password is asked for twice unless given)."""
    services = bootstrap.bootstrap(Settings())
    customer_id = None
    if customer:
        with services.uow_factory() as uow:
            found = uow.customers.get(customer) or uow.customers.by_credit_code(customer.upper())
        if found is None:
            raise _fail(f"customer {customer!r} not found (give its id or credit code)")
        customer_id = found.id
    password = password if password is not None else _new_password()
    command = c.CreateUser(c.SYSTEM, username, password, role, customer_id, display_name)
    try:
        services.bus.handle(command)
    except DomainError as error:
        raise _fail(str(error)) from None
    typer.echo(f"user {username} created ({role})")


def _new_password() -> str:
    """A password read from stdin, or asked for twice on a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise _fail("the two passwords differ")
    return password


@user_app.command("password")
def user_password(
    username: str = typer.Argument(..., help="Login name"),
    password: str | None = typer.Option(
        None, help="New password; asked for when omitted", envvar="SAMPLEHUB_NEW_PASSWORD"
    ),
) -> None:
    """Set a user's password anew (a forgotten one, the only admin's included); every login of
    the user ends."""
    services = bootstrap.bootstrap(Settings())
    command = c.SetPassword(c.SYSTEM, username, password or _new_password())
    try:
        services.bus.handle(command)
    except DomainError as error:
        raise _fail(str(error)) from None
    ended = services.auth.revoke_user(username, services.clock.now())
    typer.echo(f"password of {username} set; {ended} logins ended")


def demo(
    host: str | None = typer.Option(None, help="Address to bind"),
    port: int | None = typer.Option(None, help="Port to listen on"),
    speed: float = typer.Option(
        10.0,
        min=0.0,
        envvar="SAMPLEHUB_DEMO_SPEED",
        help="Speed of the simulated working day (walk-ins, lab work, pickups; 0: none)",
    ),
) -> None:
    """Set up and start the demo: migrate, seed on first start, serve (what `make run` does);
    the same product as `serve`, with the simulated robots carrying the demo's samples and a
    simulated working day (scenarios/institute-day.yaml) played through the real handlers."""
    settings = Settings()
    if "inventory_minutes" not in settings.storage.model_fields_set:
        settings.storage.inventory_minutes = DEMO_INVENTORY_MINUTES
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    _first_site(settings, services)
    if not _has_demo_data(services):
        demo_services = app_demo.demo_seed_services(settings, services)
        made = seed_demo(demo_services)
        seed_demo_certificates(demo_services, made, demo_services.clock.now())
        _, ready = seed_demo_pickup(demo_services, made["customer_a"])
        kiosk = settings.kiosk
        stock = [*made.values(), *ready]
        tag_demo_samples(demo_services, stock, kiosk.epc_company_prefix, kiosk.epc_filter)
    host, port = host or settings.host, port or settings.port
    typer.echo(f"SampleHub demo: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    typer.echo(f"demo logins (password {DEMO_PASSWORD}): {', '.join(DEMO_LOGINS)}")
    typer.echo(f"live fleet map (staff): http://{host}:{port}/fleet")
    typer.echo(f"intake kiosk (login kiosk): http://{host}:{port}/kiosk")
    typer.echo(
        f"pickup: http://{host}:{port}/pickup (cust-a), /kiosk/pickup (kiosk), /pickup/staff"
    )
    if speed > 0:
        typer.echo(f"simulated working day at {speed:g}x (--speed; 0 stops it)")
    typer.echo(
        f"shelf cycle count every {settings.storage.inventory_minutes:g} min (/storage); "
        "misplace a stored sample: samplehub simulate misplace SAMPLE SLOT"
    )
    _serve(settings, services, host, port, speed)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(seed)
    app.command()(demo)
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
