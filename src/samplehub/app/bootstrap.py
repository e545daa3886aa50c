"""The one place that picks concrete adapters and wires them into the service layer.

The demo, the tests and the simulator differ only in what they pass here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.services import AppUnitOfWork, Services, nothing_to_close
from samplehub.app.wiring.lab import lab_deps, lab_services_for
from samplehub.app.wiring.notify import staff_alerts
from samplehub.app.wiring.storage import site_places
from samplehub.app.wiring.trust import anchor_checker
from samplehub.core.adapters.auth_memory import MemoryAuthStore
from samplehub.core.adapters.clock import SystemClock
from samplehub.core.adapters.db.auth_store import SqlAuthStore
from samplehub.core.adapters.passwords import Argon2Hasher
from samplehub.core.domain.events import Event
from samplehub.core.domain.numbering import NumberScheme
from samplehub.core.service.handlers import HANDLERS, Context
from samplehub.core.service.manual_handlers import MANUAL_HANDLERS
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.places import AnyPlace
from samplehub.core.service.ports import AuthStore, Clock, EventPublisher, PasswordHasher, Places
from samplehub.core.service.status_cache import StatusCache
from samplehub.core.service.transport_handlers import TRANSPORT_HANDLERS
from samplehub.intake.service.handlers import INTAKE_HANDLERS
from samplehub.lab.service.certificates import LabDeps
from samplehub.lab.service.handlers import lab_handlers
from samplehub.recall.service.handlers import RECALL_HANDLERS
from samplehub.storage.service.inventory import INVENTORY_HANDLERS
from samplehub.storage.service.site import STORAGE_HANDLERS

if TYPE_CHECKING:
    from samplehub.core.adapters.sealing import AesGcmSealer


def bootstrap(
    settings: Settings,
    *,
    uow_factory: Callable[[], AppUnitOfWork] | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    publisher: EventPublisher | None = None,
    lab: LabDeps | None = None,
    places: Places | None = None,
) -> Services:
    """Wire the services; anything not given gets its production adapter.

    Without a unit of work given, this makes the process's one engine (one connection pool)
    and every repository works on it; the lab (console, certificates) is wired on it too.
    With a unit of work given, the lab is wired only when ``lab`` is given.
    On the database, samples take and free the stored site's slots (``SitePlaces``); with a unit
    of work given, any slot text is accepted (``AnyPlace``) unless ``places`` is given.
    """
    close: Callable[[], None] = nothing_to_close
    alerts = staff_alerts(settings)
    wire_lab = lab is not None
    auth: AuthStore = MemoryAuthStore()
    if uow_factory is None:
        from samplehub.app.units import SqlAppUowFactory
        from samplehub.core.adapters.sealing import AesGcmSealer

        sealer = _outbox_sealer(settings, AesGcmSealer)
        sql = SqlAppUowFactory(settings.resolved_database_url(), settings.data_dir, sealer)
        uow_factory, close, wire_lab = sql, sql.dispose, True
        auth = SqlAuthStore(sql.engine)
        places = places or site_places(settings, alerts)
    clock = clock or SystemClock()
    hasher = hasher or Argon2Hasher()
    numbering = settings.sample_numbering
    context = Context(
        clock=clock,
        hasher=hasher,
        sample_numbers=NumberScheme(numbering.prefix, numbering.width),
        order_numbers=NumberScheme("WT", numbering.width),
        places=places or AnyPlace(),
        alerts=alerts,
    )
    statuses = StatusCache(settings.status_cache_seconds)
    uow_factory = _telling(uow_factory, statuses)
    lab = lab or (lab_deps(settings, uow_factory) if wire_lab else None)
    handlers = {
        **HANDLERS,
        **TRANSPORT_HANDLERS,
        **MANUAL_HANDLERS,
        **INTAKE_HANDLERS,
        **RECALL_HANDLERS,
        **STORAGE_HANDLERS,
        **INVENTORY_HANDLERS,
    }
    if lab is not None:
        handlers.update(lab_handlers(lab))
    bus = MessageBus(uow_factory, context, handlers, publisher)
    lab_services = None if lab is None else lab_services_for(settings, lab, bus, uow_factory, clock)
    return Services(
        bus=bus,
        uow_factory=uow_factory,
        hasher=hasher,
        clock=clock,
        statuses=statuses,
        close=close,
        lab=lab_services,
        anchor_checker=lambda: anchor_checker(settings),
        auth=auth,
    )


def _outbox_sealer(settings: Settings, sealer: type[AesGcmSealer]) -> AesGcmSealer:
    """The outbox's key, derived from the secret key; a process key (logged) where the data
    folder cannot hold one (a read-only folder for a one-off command)."""
    import logging

    from samplehub.app.secret_key import with_secret_key

    try:
        return sealer.from_secret(with_secret_key(settings).secret_key)
    except OSError as error:
        logging.getLogger(__name__).warning(
            "no secret key in %s (%s): notices this process queues are sealed with a key of "
            "its own and only it can deliver them",
            settings.data_dir,
            error,
        )
        return sealer.for_process()


def _telling(
    factory: Callable[[], AppUnitOfWork], statuses: StatusCache
) -> Callable[[], AppUnitOfWork]:
    """Units of work that tell the status cache what every commit changed, whoever commits
    (and whoever ``factory`` already tells: services sharing another's units of work)."""

    def make() -> AppUnitOfWork:
        uow = factory()
        told = uow.after_commit
        if told is None:
            uow.after_commit = statuses.publish
        else:

            def both(events: Sequence[Event]) -> None:
                told(events)
                statuses.publish(events)

            uow.after_commit = both
        return uow

    return make


def upgrade_database(settings: Settings) -> str:
    """Apply the migrations to the configured database; returns the URL without password."""
    from samplehub.core.adapters.db import upgrade

    url = settings.resolved_database_url()
    upgrade(url)
    return _safe_url(url)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
