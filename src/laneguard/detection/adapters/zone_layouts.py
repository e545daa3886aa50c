"""Zone layouts from the web editor as JSON files, one per camera, in the data folder.

Each file has the shape of `laneguard analyze --zones` (camera, zones, masks, homography), so a
layout drawn in the editor also works offline. Files are written to a temporary name and renamed
into place, so the pipeline never reads half a file; at start it lays the saved layout over the
camera's config (`apply`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from laneguard.core.errors import ConfigError, LaneGuardError
from laneguard.detection.adapters.config import (
    CameraConfig,
    HomographyConfig,
    ZoneConfig,
    ZonesFile,
)
from laneguard.detection.service.ports import LayoutInvalidError

log = logging.getLogger(__name__)

LAYOUT_KEYS = ("zones", "masks", "homography")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_FIELD_IN_MESSAGE = re.compile(r"^((?:zones|masks|homography)[\w\[\].]*): (.*)$", re.DOTALL)


class ZoneLayout(BaseModel):
    """What the editor may set; the rest of a camera's config stays in the config file."""

    model_config = ConfigDict(extra="forbid")

    zones: list[ZoneConfig] = Field(min_length=1, description="At least one lane zone")
    masks: list[list[list[float]]] = Field(default_factory=list)
    homography: HomographyConfig | None = None


def _field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "layout"


def check_layout(camera: str, raw: Mapping[str, object]) -> dict[str, object]:
    """The layout as it will be saved, or LayoutInvalidError with every problem found."""
    try:
        layout = ZoneLayout.model_validate(dict(raw))
    except ValidationError as exc:
        raise LayoutInvalidError(
            [
                {"field": _field(e["loc"]), "value": e.get("input"), "allowed": e["msg"]}
                for e in exc.errors()
            ]
        ) from exc
    for i, mask in enumerate(layout.masks):
        bad = [p for p in mask if len(p) != 2]
        if bad:
            raise LayoutInvalidError(
                [{"field": f"masks[{i}]", "value": bad[0], "allowed": "points as [x, y]"}]
            )
    document = {"camera": camera, **layout.model_dump(mode="json")}
    try:
        ZonesFile.model_validate(document).to_rules()
    except (ConfigError, ValueError) as exc:
        message = str(exc)
        match = _FIELD_IN_MESSAGE.match(message)
        field, allowed = (match.group(1), match.group(2)) if match else ("layout", message)
        raise LayoutInvalidError([{"field": field, "value": None, "allowed": allowed}]) from exc
    return document


class JsonZoneLayoutStore:
    """ZoneLayoutStore port over `<folder>/<camera>.json`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, camera: str) -> Path:
        if not _SAFE_NAME.match(camera):
            raise LayoutInvalidError(
                [
                    {
                        "field": "camera",
                        "value": camera,
                        "allowed": "letters, digits, '.', '_' and '-', at most 64",
                    }
                ]
            )
        return self.folder / f"{camera}.json"

    def get(self, camera: str) -> dict[str, object] | None:
        path = self.path(camera)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, json.JSONDecodeError) as exc:
            raise LaneGuardError(f"zone layout {path} cannot be read: {exc}") from exc
        return {k: raw[k] for k in LAYOUT_KEYS if k in raw}

    def save(self, camera: str, layout: Mapping[str, object]) -> str:
        document = check_layout(camera, layout)
        path = self.path(camera)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{camera}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(document, f, ensure_ascii=False, indent=2)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise LaneGuardError(f"zone layout {path} not written: {exc.strerror or exc}") from exc
        log.info("zone layout of camera %s saved to %s", camera, path)
        return str(path)

    def apply(self, camera: CameraConfig) -> CameraConfig:
        """The camera's config with its saved layout, if any, laid over zones/masks/homography."""
        saved = self.get(camera.camera)
        if saved is None:
            return camera
        try:
            layout = ZoneLayout.model_validate(saved)
        except ValidationError as exc:
            raise LaneGuardError(
                f"zone layout {self.path(camera.camera)} no longer fits camera "
                f"{camera.camera}: {exc}"
            ) from exc
        return camera.model_copy(
            update={"zones": layout.zones, "masks": layout.masks, "homography": layout.homography}
        )


def config_layout(camera: CameraConfig) -> dict[str, object]:
    """A camera's layout as written in the config, for the editor to start from."""
    return camera.model_dump(mode="json", include=set(LAYOUT_KEYS))
