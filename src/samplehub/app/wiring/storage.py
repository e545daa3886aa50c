"""Wiring of storage: the ``Places`` of the running system, the site file, pickup windows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from samplehub.app.config import Settings
from samplehub.core.domain.errors import SampleHubError
from samplehub.core.service.commands import SYSTEM, Actor
from samplehub.core.service.outbox import StaffAlerts
from samplehub.core.service.ports import UnitOfWork
from samplehub.pickup.service.ports import BookingRepository
from samplehub.storage.domain.dwell import DwellRules
from samplehub.storage.domain.site import SiteError
from samplehub.storage.service.places import SitePlaces
from samplehub.storage.service.site import LoadSite, SiteLoad

if TYPE_CHECKING:
    from samplehub.app.services import Services

DEMO_SITE = Path(__file__).resolve().parents[2] / "storage" / "sites" / "demo.yaml"


class BookedWindows:
    """Implements storage's ``PickupWindows`` on pickup's bookings (same transaction)."""

    def pickup_at(self, uow: UnitOfWork, order_number: str) -> datetime | None:
        bookings: BookingRepository | None = getattr(uow, "bookings", None)
        if bookings is None:  # a unit of work without pickup's tables
            return None
        starts = [b.window.start for b in bookings.live() if b.order_number == order_number]
        return min(starts) if starts else None


def site_places(settings: Settings, alerts: StaffAlerts | None = None) -> SitePlaces:
    storage = settings.storage
    rules = DwellRules(
        lab_per_day=storage.lab_per_day,
        collect_days=storage.collect_days,
        staging_lead_h=settings.pickup.staging_lead_minutes / 60,
    )
    levels = tuple(storage.warning_levels)
    return SitePlaces(
        rules, BookedWindows(), settings.lab.turnaround_days, levels=levels,
        alerts=alerts or StaffAlerts(),
    )  # fmt: skip


def site_file(settings: Settings) -> Path:
    return settings.storage.site_file or DEMO_SITE


def site_map_tree(settings: Settings) -> dict[str, Any]:
    """The ``map:`` section of the configured site file, as ``site_map_from_dict`` reads it
    (the fleet's map of the running system)."""
    from samplehub.storage.adapters.site_yaml import read_site_file

    tree, _ = read_site_file(site_file(settings))
    section = tree.get("map") if isinstance(tree, dict) else None
    if not isinstance(section, dict):
        raise SiteError("map", section, "the site map (nodes, edges)", None)
    return section


def load_site(services: Services, path: Path, actor: Actor = SYSTEM) -> SiteLoad:
    """Read ``path`` and load it through the bus (one transaction; refused: nothing changes)."""
    from samplehub.storage.adapters.site_yaml import read_site_file

    tree, lines = read_site_file(path)
    result: SiteLoad = services.bus.handle(LoadSite(actor, tree, str(path), lines))
    return result


class DatabaseUnreadable(SampleHubError):
    """The configured database cannot be read: no schema yet, or an old one."""


def ensure_site(settings: Settings, services: Services) -> SiteLoad | None:
    """Load the configured site file when the database has no site yet (first start)."""
    try:
        with services.uow_factory() as uow:
            if uow.slots.exists():
                return None
    except SQLAlchemyError as error:  # a configured database nobody has migrated yet
        raise DatabaseUnreadable(
            f"the database cannot be read ({str(error).splitlines()[0]}); if it has no schema "
            "yet or an old one, run 'samplehub db upgrade' first"
        ) from None
    return load_site(services, site_file(settings))
