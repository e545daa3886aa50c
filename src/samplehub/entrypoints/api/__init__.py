"""The JSON API under ``/api``: one router per slice, all behind bearer-token authentication."""

from __future__ import annotations

from fastapi import APIRouter

from samplehub.entrypoints.api import audit, auth, customers, orders, samples, users


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api")
    for module in (auth, customers, users, orders, samples, audit):
        router.include_router(module.router)
    return router
