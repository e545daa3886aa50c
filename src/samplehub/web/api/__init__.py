"""The JSON API under ``/api``: one router per slice, all behind bearer-token authentication."""

from __future__ import annotations

from fastapi import APIRouter

from samplehub.intake import api as kiosk
from samplehub.lab import api as lab
from samplehub.storage import api as storage
from samplehub.web.api import audit, auth, customers, flow, orders, samples, status, tasks, users


def api_routers() -> list[APIRouter]:
    """The slices' routers, to be included with the ``/api`` prefix (flat: one routing level)."""
    modules = (
        samples, orders, customers, users, auth, audit, tasks, flow, status, kiosk, lab, storage,
    )  # fmt: skip
    # the kiosk's staff queues are a router of their own, behind another permission
    return [module.router for module in modules] + [kiosk.queue]
