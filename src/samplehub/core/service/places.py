"""Places without a site: the stand-in ``Places`` when no storage layout is wired.

Any slot text is accepted and nothing is occupied, as before storage became data; a storage
task gets ``ANY_SLOT`` (its carrier names the slot at delivery).
"""

from __future__ import annotations

from datetime import datetime

from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import ANY_SLOT
from samplehub.core.service.ports import UnitOfWork


class AnyPlace:
    """Implements ``Places`` for a unit of work without storage tables."""

    def check(self, uow: UnitOfWork, location: Location, field: str) -> None:
        return None

    def moved(
        self, uow: UnitOfWork, sample: Sample, before: Location | None, after: Location | None
    ) -> None:
        return None

    def choose_slot(
        self, uow: UnitOfWork, sample: Sample, near: Location, now: datetime
    ) -> tuple[Location, dict[str, object]]:
        return ANY_SLOT, {}

    def node(self, uow: UnitOfWork, location: Location) -> str | None:
        return None
