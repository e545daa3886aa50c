"""The zone editor's use case: show a camera's current layout (the saved one, else the one in the
config) and save a new one for the pipeline to load when it next starts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from laneguard.core.errors import LaneGuardError
from laneguard.detection.service.ports import ZoneLayoutStore

log = logging.getLogger(__name__)


class UnknownCameraError(LaneGuardError):
    pass


@dataclass(frozen=True)
class SavedLayout:
    path: str
    live: bool  # True: the running pipeline took it up; False: it applies at the next start


class ZoneEditorService:
    """`defaults` holds each configured camera's layout from the config file; `apply_live`, when
    given, hands a saved layout to the running pipeline and says whether it could."""

    def __init__(
        self,
        store: ZoneLayoutStore,
        defaults: Mapping[str, dict[str, object]],
        apply_live: Callable[[str], bool] | None = None,
    ) -> None:
        self._store = store
        self._defaults = dict(defaults)
        self._apply_live = apply_live

    def cameras(self) -> list[str]:
        return sorted(self._defaults)

    def layout(self, camera: str) -> tuple[dict[str, object], str]:
        """The layout and where it comes from: `saved` (the editor's file) or `config`."""
        self._known(camera)
        saved = self._store.get(camera)
        if saved is not None:
            return saved, "saved"
        return dict(self._defaults[camera]), "config"

    def save(self, camera: str, layout: Mapping[str, object]) -> SavedLayout:
        self._known(camera)
        path = self._store.save(camera, layout)
        live = False
        if self._apply_live is not None:
            try:
                live = self._apply_live(camera)
            except LaneGuardError as exc:  # saved all the same; the next start reads it
                log.error("zones of camera %s saved but not applied live: %s", camera, exc)
        return SavedLayout(path, live)

    def _known(self, camera: str) -> None:
        if camera not in self._defaults:
            raise UnknownCameraError(
                f"camera={camera!r} is not configured; allowed: {self.cameras()}"
            )
