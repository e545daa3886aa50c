"""One error root: every LaneGuard error an operator can act on derives from core's
LaneGuardError, and no module declares a second LaneGuardError or ConfigError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import laneguard
from laneguard.core.errors import ConfigError, LaneGuardError

# Errors deliberately outside the root: the pure domains' own (standard library only), and the
# RuntimeErrors that bootstrap catches as such.
OUTSIDE_THE_ROOT = {
    "laneguard.alerting.domain.alerts.MalformedMessageError",
    "laneguard.core.domain.forwarding.MalformedForwardError",
    "laneguard.core.domain.records.IncidentAlreadyClosedError",
    "laneguard.core.domain.records.StaleIncidentError",
    "laneguard.simulation.broker.BrokerMissingError",
    "laneguard.warning.adapters.voice_clips.ClipSynthesisError",
    "laneguard.warning.adapters.voice_clips._EspeakError",
    "laneguard.web.body_limit.BodyTooLargeError",  # an HTTPException, which FastAPI passes on
}


def _declared_errors() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(laneguard.__path__, prefix="laneguard."):
        module = importlib.import_module(info.name)
        found += [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, BaseException)
            and obj.__module__ == module.__name__
        ]
    return found


def test_every_error_derives_from_the_one_root() -> None:
    strays = [
        f"{e.__module__}.{e.__qualname__}"
        for e in _declared_errors()
        if not issubclass(e, LaneGuardError)
    ]
    assert sorted(strays) == sorted(OUTSIDE_THE_ROOT)


def test_one_lane_guard_error_and_one_config_error() -> None:
    names = [e.__qualname__ for e in _declared_errors()]
    assert names.count("LaneGuardError") == 1
    assert names.count("ConfigError") == 1


def test_config_error_is_both_a_lane_guard_error_and_a_value_error() -> None:
    assert issubclass(ConfigError, LaneGuardError)
    assert issubclass(ConfigError, ValueError)
