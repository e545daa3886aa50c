"""SampleHub: automated sample circulation for a metrology institute (样品自助流转系统)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samplehub-laneguard")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+local"
