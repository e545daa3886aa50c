"""One error root: every exception SampleHub declares derives from SampleHubError, so an edge
(an API handler, a device loop, the CLI) can tell SampleHub's own failures from bugs."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import samplehub
from samplehub.core.domain.errors import DomainError, SampleHubError


def _declared_exceptions() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(samplehub.__path__, prefix="samplehub."):
        module = importlib.import_module(info.name)
        found += [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, BaseException)
            and obj.__module__ == module.__name__
        ]
    return found


def test_every_declared_exception_derives_from_the_one_root() -> None:
    declared = _declared_exceptions()
    assert len(declared) > 20
    strays = [
        f"{e.__module__}.{e.__qualname__}" for e in declared if not issubclass(e, SampleHubError)
    ]
    assert strays == []


def test_errors_a_user_can_act_on_sit_under_the_root() -> None:
    assert issubclass(DomainError, SampleHubError)
