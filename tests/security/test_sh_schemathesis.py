"""Schemathesis over SampleHub's `/openapi.json` with an admin token (issue 14): every operation
gets the coverage phase's requests (each parameter at its bounds, just past them, of the wrong
type, missing) and a few generated valid and invalid ones; none may answer with a server error
or raise (a 500 in production). Bounded for CI: a few generated examples per operation and
mode, derandomized so each run sends the same requests, the whole walk within 60 s.

Schemathesis' own pytest plugin (``from_fixture``) does not run under pytest 9 (it reads
``request.node._nodeid``), so the walk drives the operations itself."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.overrides import Override

from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.wiring import inventory as inventory_wiring
from samplehub.simulation.world import SimWorld
from samplehub.web.security import BEARER
from samplehub.web.sessions import check_password, open_login
from tests.security.samplehub_site import seeded, site_app, site_settings

EXAMPLES = 5


@dataclass
class Walk:
    app: FastAPI
    failures: list[str] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)

    def admin(self) -> dict[str, str]:
        """A fresh admin token for each request: a request may revoke the one it carries
        (DELETE /api/auth/token), and generated failed logins must not lock the admin out."""
        state = self.app.state.samplehub
        actor = check_password(state, "admin", DEMO_PASSWORD)
        assert actor is not None
        token, _ = open_login(state, actor, BEARER)
        return {"Authorization": f"Bearer {token}"}

    def send(self, case: schemathesis.Case) -> None:
        if case.operation.label == "GET /api/fleet/events":
            case.query = {"limit": 1}  # a live stream: one event, then it ends
        try:
            response = case.call(headers=self.admin())
        except Exception as error:  # the app raised: a 500 in production
            self.failures.append(f"{case.as_curl_command()} raised {error!r}")
            return
        self.answered.add(case.operation.label)
        if response.status_code >= 500:
            self.failures.append(f"{case.as_curl_command()} -> {response.status_code}")

    def cover(self, schema: schemathesis.BaseSchema, operation: schemathesis.APIOperation) -> None:
        """The coverage phase's deterministic requests for ``operation``."""
        for case in CoverageGenerator(
            operation=operation,
            generation_modes=list(GenerationMode),
            generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
            auth_storage=None,
            override=Override(),
            feedback=FeedbackSources(),
        ):
            self.send(case)

    def fuzz(self, operation: schemathesis.APIOperation, mode: GenerationMode) -> None:
        @given(operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            self.send(case)

        try:
            call()
        except Unsatisfiable:  # no invalid request exists for an operation without input
            assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.fixture
def walk(tmp_path: Path) -> Iterator[Walk]:
    """The site as `serve` wires it, shelf readers included (simulated LLRP readers, as `serve`
    has them without real ones: without any, a cycle count answers 503 by design)."""
    settings_ = site_settings(tmp_path)
    settings_.storage.inventory_round_seconds = 0.01
    for services, _ in seeded(settings_):
        app = site_app(settings_, services)
        shelves = inventory_wiring.llrp_shelves(settings_, services, SimWorld())
        inventory = shelves.runner
        app.state.samplehub = dataclasses.replace(app.state.samplehub, inventory=inventory)
        yield Walk(app)
        shelves.close()


@pytest.mark.timeout(60)
def test_no_request_gets_a_server_error(walk: Walk) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", walk.app)
    operations = [found.ok() for found in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not an empty schema
    for operation in operations:
        walk.cover(schema, operation)
    for operation, mode in itertools.product(operations, GenerationMode):
        walk.fuzz(operation, mode)
    assert walk.failures == [], "\n".join(walk.failures)
    assert walk.answered == {op.label for op in operations}
