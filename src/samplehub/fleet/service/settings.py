"""The fleet manager's settings and the counters it keeps while it runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from samplehub.fleet.domain.dispatch import TransportTask


@dataclass(slots=True)
class FleetStats:
    completed: list[tuple[TransportTask, float]] = field(default_factory=list)
    evasions: int = 0
    deadlocks: int = 0
    """Waits-for cycles that no evasion broke within ``deadlock_after_s`` (counted once each)."""
    long_waits: int = 0
    """Robots that waited longer than ``stall_after_s`` for a grant (jams, not cycles)."""
    rejected_orders: int = 0
    unknown_robots: int = 0
    """Messages from serials the fleet does not know (refused, never auto-created)."""
    unknown_serials: set[str] = field(default_factory=set)
    bad_messages: int = 0
    stranded: int = 0
    requeued: int = 0


@dataclass(frozen=True, slots=True)
class FleetSettings:
    robots: tuple[str, ...] = ()
    """Serial numbers of the robots this fleet runs; messages from any other are refused."""
    prefix: str = ""
    manufacturer: str = "samplehub"
    offline_after_s: float = 5.0
    stop_handover_s: float = 120.0
    """A robot on an emergency stop a person must release for this long gives the work it has
    not picked up yet to other robots (a sample already on board stays with it)."""
    stall_after_s: float = 600.0
    policy: str = "optimal"
    deadlock_after_s: float = 30.0
    """A waits-for cycle no evasion breaks for this long counts as a deadlock (a cycle that an
    evasion elsewhere in the same round is about to free is not one)."""
    order_prefix: str = ""
    """Put before each order's number: one of its own per life of the manager, so that an AGV
    still driving an order of a killed manager never takes a new order for an update of it
    (VDA 5050 order ids must not repeat)."""
    station_cap: int = 2
    """At most this many robots may be on their way to one station at once (their next leg ends
    there): more only queue on the main lanes in front of it, where they block everyone else
    (measured on stress-20.yaml). A robot that must call somewhere else first does not count
    yet, so that one reaching the station a lap later cannot hold a booking's staging back."""
