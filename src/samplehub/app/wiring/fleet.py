"""Wiring of the fleet: the site map, the device transport (MQTT or in process), the robots
(simulated in process, or real AGVs over MQTT) and the supervised worker ``serve`` runs."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from samplehub.app.config import Settings
from samplehub.app.services import Services

if TYPE_CHECKING:
    from samplehub.core.service.ports import Clock
    from samplehub.fleet.service.ports import Leadership, RfidReader, Transport
    from samplehub.fleet.service.supervisor import FleetSupervisor
    from samplehub.fleet.service.worker import FleetWorker
    from samplehub.simulation.world import SimWorld

log = logging.getLogger(__name__)


def site_map_section(settings: Settings) -> dict[str, Any] | None:
    """The site map the fleet drives on: the ``map:`` section of the site file storage loads
    (``storage.site_file``, else the packaged demo site), or None when it cannot be read; then
    the fleet does not start and tasks wait for people on /tasks."""
    from samplehub.app.wiring.storage import site_map_tree
    from samplehub.storage.domain.site import SiteError

    try:
        return site_map_tree(settings)
    except (OSError, SiteError) as exc:
        log.warning("fleet: no site map (%s); robots do not run", exc)
        return None


def fleet_transport(settings: Settings, client_id: str) -> Transport:
    """VDA 5050 transport: the broker at ``SAMPLEHUB_MQTT_URL`` when set, else in-process."""
    if settings.mqtt_url:
        from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport

        config = settings.fleet
        transport = MqttTransport(
            settings.mqtt_url,
            client_id,
            username=config.mqtt_username,
            password=config.mqtt_password,
            ca_file=str(config.mqtt_ca_file) if config.mqtt_ca_file else None,
        )
        transport.start()
        return transport
    from samplehub.fleet.adapters.mqtt.inprocess import InProcessTransport

    return InProcessTransport()


def worker_factory(
    settings: Settings,
    services: Services,
    site: dict[str, Any],
    clock: Clock | None = None,
    world: SimWorld | None = None,
    shelf_reads: RfidReader | None = None,
) -> FleetWorker:
    """One fresh life of the fleet: manager, bridge to the tasks table, robots; a put-away is
    confirmed by ``shelf_reads`` (the shelf readers), else by the simulated robots' world."""
    from samplehub.core.adapters.clock import SystemClock
    from samplehub.fleet.adapters.dispatch_numpy import NumpyCostModel
    from samplehub.fleet.adapters.solver_scipy import ScipyAssignmentSolver
    from samplehub.fleet.domain.battery import BatteryModel
    from samplehub.fleet.domain.sitemap import site_map_from_dict
    from samplehub.fleet.service.bridge import TaskBridge
    from samplehub.fleet.service.fleet import FleetManager
    from samplehub.fleet.service.settings import FleetSettings
    from samplehub.fleet.service.worker import FleetWorker, nothing
    from samplehub.simulation.floor import SimFloor

    config = settings.fleet
    serials = tuple(config.serials) if settings.mqtt_url else config.robot_serials()
    site_map = site_map_from_dict(site)
    transport = fleet_transport(settings, f"samplehub-fleet-{uuid.uuid4().hex[:12]}")
    battery = BatteryModel()
    fleet = FleetManager(
        site_map, transport, clock or SystemClock(), _Listener(), battery,
        solver=ScipyAssignmentSolver(), cost_model=NumpyCostModel(site_map, battery),
        settings=FleetSettings(
            robots=serials, prefix=config.topic_prefix, manufacturer=config.manufacturer,
            order_prefix=f"{uuid.uuid4().hex[:8]}-",
        ),
    )  # fmt: skip
    floor = None
    if not settings.mqtt_url:
        floor = SimFloor(
            site_map, transport, serials, manufacturer=config.manufacturer, speed=config.speed,
            prefix=config.topic_prefix, battery=battery, world=world, time_scale=config.time_scale,
            trays=config.trays,
        )  # fmt: skip
    bridge = TaskBridge(
        fleet, services.uow_factory, services.bus.handle, services.bus.context.places,
        rfid=shelf_reads or (floor.world if floor else None), floor=floor,
        max_in_flight=config.max_in_flight,
    )  # fmt: skip
    stop = getattr(transport, "stop", nothing)
    return FleetWorker(
        fleet, bridge, floor=floor, pump=getattr(transport, "pump", nothing), close=stop
    )


class _Listener:
    """Stands in until the bridge (which needs the manager) is made."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"fleet listener not wired ({name})")


def leadership(settings: Settings, name: str | None = None) -> Leadership:
    """One fleet (or other ``name`` job: the notice delivery) per database: an advisory lock of
    that name on PostgreSQL, the one process on SQLite."""
    url = settings.resolved_database_url()
    if url.startswith("postgresql"):
        from samplehub.fleet.adapters.leader import FLEET, PostgresAdvisoryLock

        return PostgresAdvisoryLock(url, name=name or FLEET)
    from samplehub.fleet.adapters.leader import SingleProcess

    return SingleProcess()


def fleet_supervisor(
    settings: Settings,
    services: Services,
    world: SimWorld | None = None,
    shelf_reads: RfidReader | None = None,
) -> FleetSupervisor | None:
    """The fleet worker ``serve`` runs, or None in manual mode or without a site map; the
    simulated robots move tags in ``world``, the shelf readers (``shelf_reads``) read them."""
    if settings.fleet.mode == "manual":
        log.info("fleet: manual mode; people carry every transport task (/tasks)")
        return None
    site = site_map_section(settings)
    if site is None:
        return None
    if settings.mqtt_url and not settings.fleet.serials:
        log.warning("fleet: SAMPLEHUB_MQTT_URL set but fleet.serials empty: every robot refused")
    parking = [n for n in site.get("nodes", []) if n.get("kind") == "parking"]
    if not settings.mqtt_url and len(settings.fleet.robot_serials()) > len(parking):
        raise ValueError(
            f"fleet.robots: {len(settings.fleet.robot_serials())} simulated robots; the site map "
            f"has {len(parking)} parking nodes, one per robot"
        )
    from samplehub.fleet.domain.sitemap import site_map_from_dict
    from samplehub.fleet.service.supervisor import FleetSupervisor
    from samplehub.fleet.service.view import site_view

    return FleetSupervisor(
        lambda: worker_factory(settings, services, site, world=world, shelf_reads=shelf_reads),
        leadership(settings),
        site=site_view(site_map_from_dict(site)),
    )
