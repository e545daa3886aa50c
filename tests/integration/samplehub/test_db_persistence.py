"""The SQL adapters on SQLite and PostgreSQL: round trips, atomicity, the append-only chain."""

import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.core.adapters.db import SqlUnitOfWork
from samplehub.core.domain.errors import AlreadyExists, Conflict, IllegalTransition, NotFound
from samplehub.core.domain.lifecycle import SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.ports import SampleFilter

TABLES = ("customers", "users", "orders", "samples", "audit_log", "counters")


def counts(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings.resolved_database_url())
    with engine.connect() as conn:
        found = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}  # noqa: S608
    engine.dispose()
    return found


def test_demo_round_trip(services: Services) -> None:
    made = seed_demo(services)
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, made["sample_a5"])
    assert sample.state is SampleState.STAGED
    assert sample.location == Location(LocationKind.LOCKER_COMPARTMENT, "L1-07")
    assert sample.service_completed
    assert str(sample.instrument.range_max) == "25"
    order, samples = queries.get_order(services.uow_factory, c.SYSTEM, made["order_a"])
    assert len(order.items) == 5
    assert [s.number for s in samples] == [made[f"sample_a{i}"] for i in range(1, 6)]
    timeline = queries.timeline(services.uow_factory, c.SYSTEM, made["sample_a5"])
    assert [e.state for e in timeline][-2:] == ["in_transit", "staged"]
    page = queries.list_samples(
        services.uow_factory, c.SYSTEM, SampleFilter(state=SampleState.RECEIVED, limit=10)
    )
    assert {s.number for s in page.items} == {made["sample_a2"], made["sample_b1"]}
    text_page = queries.list_samples(services.uow_factory, c.SYSTEM, SampleFilter(text="y-1"))
    assert text_page.total == 2
    verification = queries.verify_audit(services.uow_factory)
    assert verification.ok
    # 38 of the demo's records and 8 of transport tasks: a put-away made at each of the five
    # receives, three of them withdrawn when the seed moved those samples on by hand
    assert verification.count == 38 + 8
    with services.uow_factory() as uow:
        waiting = {(t.sample_number, t.kind.value, str(t.source)) for t in uow.tasks.open()}
    assert waiting == {
        (made["sample_a2"], "put_away", "intake_platform:K1"),
        (made["sample_b1"], "put_away", "intake_platform:K1"),
    }


def test_failed_commands_leave_the_database_as_it_was(
    services: Services, settings: Settings
) -> None:
    made = seed_demo(services)
    before = counts(settings)
    with pytest.raises(AlreadyExists):
        services.bus.handle(
            c.RegisterSample(
                c.SYSTEM,
                made["order_a"],
                {"instrument_type": "压力表", "serial_number": "2024-0815"},
            )
        )
    with pytest.raises(IllegalTransition):
        services.bus.handle(c.ApplyTransition(c.SYSTEM, made["sample_a1"], "collect", "customer:x"))
    with pytest.raises(NotFound):
        services.bus.handle(
            c.CreateOrder(c.SYSTEM, "nobody", "verification", [{"instrument_type": "x"}])
        )
    assert counts(settings) == before
    assert queries.get_sample(services.uow_factory, c.SYSTEM, made["sample_a1"]).state is (
        SampleState.REGISTERED
    )


def test_audit_log_refuses_update_and_delete(services: Services, settings: Settings) -> None:
    seed_demo(services)
    engine = create_engine(settings.resolved_database_url())
    for statement in (
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
        "DELETE FROM audit_log",
    ):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
    engine.dispose()
    assert queries.verify_audit(services.uow_factory).ok


def tamper(settings: Settings, statement: str) -> None:
    """What an attacker with database superuser rights could do, bypassing the guards."""
    engine = create_engine(settings.resolved_database_url())
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize(
    ("statement", "broken"),
    [
        ("UPDATE audit_log SET payload = payload || ' ' WHERE seq = 20", 20),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 30", 30),
        ("DELETE FROM audit_log WHERE seq = 11", 12),
        ("UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 5", 5),
    ],
)
def test_verification_names_the_first_tampered_record(
    services: Services, settings: Settings, statement: str, broken: int
) -> None:
    seed_demo(services)
    tamper(settings, statement)
    result = queries.verify_audit(services.uow_factory)
    assert not result.ok
    assert result.broken_seq == broken


def test_lost_updates_are_refused(services: Services, settings: Settings) -> None:
    made = seed_demo(services)
    number = made["sample_a2"]
    engine_factory = services.uow_factory
    first, second = engine_factory(), engine_factory()
    with first, second:
        assert isinstance(first, SqlUnitOfWork)
        a, b = first.samples.get(number), second.samples.get(number)
        assert a is not None
        assert b is not None
        a.apply(Transition.START_TRANSPORT, actor="x", at=a.updated_at or a.updated_at,  # type: ignore[arg-type]
                location=Location(LocationKind.ROBOT, "R1"))  # fmt: skip
        first.commit()
        b.apply(Transition.REJECT, actor="y", at=b.updated_at,  # type: ignore[arg-type]
                location=Location(LocationKind.CUSTOMER, "c"), reason="late")  # fmt: skip
        with pytest.raises(Conflict):
            second.commit()
    assert (
        queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.IN_TRANSIT
    )
    assert queries.verify_audit(services.uow_factory).ok


def test_concurrent_writers_keep_one_unbroken_chain(services: Services) -> None:
    made = seed_demo(services)
    errors: list[Exception] = []

    def register(worker: int) -> None:
        try:
            for i in range(5):
                services.bus.handle(
                    c.RegisterSample(
                        c.SYSTEM, made["order_a"],
                        {"instrument_type": "压力表", "serial_number": f"W{worker}-{i}"},
                    )
                )  # fmt: skip
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=register, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = queries.verify_audit(services.uow_factory)
    assert result.ok
    assert result.count == 38 + 8 + 20
    _, samples = queries.get_order(services.uow_factory, c.SYSTEM, made["order_a"])
    assert len({s.number for s in samples}) == 25
