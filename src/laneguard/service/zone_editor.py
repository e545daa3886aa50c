"""The zone editor's use case: show a camera's current layout (the saved one, else the one in the
config) and save a new one for the pipeline to load when it next starts."""

from __future__ import annotations

from collections.abc import Mapping

from laneguard.service.ports import LaneGuardError, ZoneLayoutStore


class UnknownCameraError(LaneGuardError):
    pass


class ZoneEditorService:
    """`defaults` holds each configured camera's layout from the config file."""

    def __init__(self, store: ZoneLayoutStore, defaults: Mapping[str, dict[str, object]]) -> None:
        self._store = store
        self._defaults = dict(defaults)

    def cameras(self) -> list[str]:
        return sorted(self._defaults)

    def layout(self, camera: str) -> tuple[dict[str, object], str]:
        """The layout and where it comes from: `saved` (the editor's file) or `config`."""
        self._known(camera)
        saved = self._store.get(camera)
        if saved is not None:
            return saved, "saved"
        return dict(self._defaults[camera]), "config"

    def save(self, camera: str, layout: Mapping[str, object]) -> str:
        self._known(camera)
        return self._store.save(camera, layout)

    def _known(self, camera: str) -> None:
        if camera not in self._defaults:
            raise UnknownCameraError(
                f"camera={camera!r} is not configured; allowed: {self.cameras()}"
            )
