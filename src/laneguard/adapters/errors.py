"""LaneGuard's own errors, raised at the adapters' edge instead of vendor exceptions."""

from __future__ import annotations


class LaneGuardError(Exception):
    """Base of the errors a user or operator can act on."""


class ModelUnavailableError(LaneGuardError):
    """The detector's model file is missing, corrupt, or cannot be loaded."""


class VideoSourceError(LaneGuardError):
    """A video file or stream cannot be opened at all."""


class ConfigError(LaneGuardError):
    """A zones or config file is malformed; the message names the field and the value."""
