"""LaneGuard: pedestrian and non-motor-vehicle intrusion alarm for toll lanes (收费车道误闯预警)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samplehub-laneguard")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+local"
