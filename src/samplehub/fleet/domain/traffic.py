"""Traffic control: node and lane reservations, release of the base, deadlock resolution.

Rules
-----
1. **Mutual exclusion.**  A node is held by at most one robot; a lane (both directions of a
   two-way edge) is held by at most one robot.  Two robots can therefore never stand on one
   node nor meet head-on on a single lane.
2. **Base and horizon.**  A robot asks for the rest of its leg; the longest free prefix is granted
   and appended to its VDA 5050 *base* (released nodes); the rest stays *horizon* and is asked
   for again.  A lane is granted together with the node at its far end, so a robot never stops
   half-way along a lane, and the last two nodes of a leg (the doorstep and the target) are
   granted together: a robot never waits on the doorstep of a station that another robot is
   about to leave through it (on the shipped sites stations are dead-end spurs off one-way
   spines, so the leaving robot needs the doorstep and the node downstream, not the one the
   arriving robot waits on).
3. **Release behind.**  When a robot reports a node of its base, every node and lane behind it is
   released at once, so followers move up without waiting for the whole leg to finish.
4. **Unresponsive robots are obstacles.**  A robot that stops answering keeps everything it
   holds (it may physically be anywhere on its base); other robots are re-routed around it.
   A robot that answers and reports standing on one of those nodes is believed over it.

Why no deadlock lasts
---------------------
Coffman's conditions say a deadlock needs mutual exclusion, hold-and-wait, no preemption and a
circular wait.  The first is the safety rule and stays.  A robot only stops at the end of its base
and by then rule 3 has released everything behind it, so a waiting robot holds exactly one node,
the one it stands on.  A robot with base left drives it in finite time and releases it behind
itself, so any chain of waits that ends at a moving robot dissolves.
A wait can therefore only last if the waits-for graph (robot → holder of something on its
requested leg) has a cycle: a head-on meeting at the two ends of a single lane, two robots wanting
each other's node, or a longer ring at a crossing.  ``resolve_deadlocks`` finds every such cycle
each round and pre-empts one member: it is granted an *evasion* leg, over free nodes only, to the
nearest free node that no other member of the cycle wants; the cycle is gone, and the evading
robot asks for its real leg again afterwards, yielding to the other members while they still
want its path (otherwise it would take the freed node back and the cycle would recur).  If no
member has such a node, a free node that is merely not the *next* node of another member will
do: the cycle still breaks, the evader may just have to step aside once more.  An
evasion exists whenever some member of the cycle has a free node reachable over free nodes,
which the site guarantees by having more parking and waypoint nodes than robots and spurs that
join the loop; if none exists the cycle is returned as unresolved so that the caller counts and
reports it instead of hiding it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from samplehub.core.domain.errors import SampleHubError
from samplehub.fleet.domain.sitemap import SiteMap

Lane = frozenset[str]


class TrafficError(SampleHubError, ValueError):
    """A request that breaks the traffic rules (e.g. a path not starting where the robot is)."""


class NodeTaken(TrafficError):
    """A robot reports standing on the node where another answering robot stands."""

    def __init__(self, node: str, holder: str, serial: str) -> None:
        super().__init__(f"node {node}: robot {holder} stands there, {serial} reports it too")
        self.node, self.holder = node, holder


@dataclass(slots=True)
class RobotTraffic:
    serial: str
    node: str
    base: list[str] = field(default_factory=list)
    """Granted nodes still ahead, the first being the current node."""
    wanted: list[str] = field(default_factory=list)
    """The requested path not granted yet; its first node is the base end."""
    offline: bool = False
    """Out of our control (silent, failed, driven by people): an obstacle routes go round."""
    silent: bool = False
    """Offline and not answering: where it stands may not be where the table has it."""
    stopped: bool = False
    """Its emergency stop waits for a person: it stands and keeps what it holds; a route
    around it is preferred (``standing``)."""
    priority: int = 0
    yield_to: set[str] = field(default_factory=set)
    """After an evasion: the cycle's other members go first while they want our path."""


@dataclass(frozen=True, slots=True)
class Evasion:
    serial: str
    path: list[str]


class TrafficManager:
    """Reservation table of one site; the single writer is the fleet service's loop."""

    def __init__(self, site: SiteMap) -> None:
        self.site = site
        self.robots: dict[str, RobotTraffic] = {}
        self.node_holder: dict[str, str] = {}
        self.lane_holder: dict[Lane, str] = {}

    # -- robots -------------------------------------------------------------------------------
    def place(self, serial: str, node: str) -> str | None:
        """A robot appears at (or is re-synchronised to) ``node``; it holds only that node.

        Where a robot reports standing outranks a reservation: a node held by a robot that does
        not answer, or granted ahead to another, passes to the robot standing on it. A node
        granted ahead to a robot under our control returns that robot's serial, so that its
        order is stopped short of the node. Only a node another answering robot stands on (a
        failed one or one people drive included) is refused (``NodeTaken``): one of the two is
        lost, and people must look.
        """
        if node not in self.site.nodes:
            raise TrafficError(f"node: {node!r} is not on map {self.site.map_id!r}")
        holder = self.node_holder.get(node)
        displaced = None
        if holder is not None and holder != serial:
            other = self.robots[holder]
            if not other.silent and other.node == node:
                raise NodeTaken(node, holder, serial)
            if not other.offline:
                displaced = holder
        if serial in self.robots:
            self._release_all(serial)
        robot = self.robots.setdefault(serial, RobotTraffic(serial, node))
        robot.node, robot.base, robot.wanted = node, [node], []
        robot.offline = robot.silent = False
        self.node_holder[node] = serial
        return displaced

    def set_offline(self, serial: str, offline: bool, *, silent: bool = True) -> None:
        """Out of our control, or back; ``silent=False`` for one that still reports where it
        stands (a failed robot, one people drive)."""
        robot = self.robots[serial]
        robot.offline, robot.silent = offline, offline and silent

    def set_stopped(self, serial: str, stopped: bool) -> list[str]:
        """Its emergency stop is pressed (or released). Returns the robots whose request runs
        over what it holds, to be planned again (round it where the map allows)."""
        self.robots[serial].stopped = stopped
        held = {n for n, s in self.node_holder.items() if s == serial}
        return sorted(
            other
            for other, robot in self.robots.items()
            if other != serial and stopped and held.intersection(robot.wanted)
        )

    def standing(self, for_serial: str) -> set[str]:
        """Nodes held by robots on their emergency stop: a route avoids them where it can."""
        return {
            n for n, s in self.node_holder.items() if s != for_serial and self.robots[s].stopped
        }

    def obstacles(self, for_serial: str) -> set[str]:
        """Nodes held by robots that do not answer; routes for ``for_serial`` avoid them."""
        return {
            n for n, s in self.node_holder.items() if s != for_serial and self.robots[s].offline
        }

    # -- requests and grants --------------------------------------------------------------------
    def base_end(self, serial: str) -> str:
        return self.robots[serial].base[-1]

    def request(self, serial: str, path: Sequence[str], priority: int = 0) -> None:
        """Ask for ``path``, which continues the robot's base from its last node."""
        robot = self.robots[serial]
        if not path or path[0] != robot.base[-1]:
            raise TrafficError(
                f"path for {serial}: must start at its base end {robot.base[-1]!r}, "
                f"got {list(path)[:1]}"
            )
        robot.wanted, robot.priority = list(path), priority

    def _lanes(self, path: Sequence[str]) -> list[Lane]:
        return [frozenset((a, b)) for a, b in itertools.pairwise(path)]

    def _free_for(self, serial: str, node: str, lane: Lane) -> bool:
        return self.node_holder.get(node, serial) == serial and (
            self.lane_holder.get(lane, serial) == serial
        )

    def blockers(self, serial: str) -> set[str]:
        """Robots holding the next node or lane of ``serial``'s requested path."""
        robot = self.robots[serial]
        if len(robot.wanted) < 2:
            return set()
        a, b = robot.wanted[0], robot.wanted[1]
        found = {self.node_holder.get(b), self.lane_holder.get(frozenset((a, b)))}
        if len(robot.wanted) == 3:  # the next node is the doorstep: the target must be free too
            target = robot.wanted[2]
            found |= {self.node_holder.get(target), self.lane_holder.get(frozenset((b, target)))}
        found |= self._yielding(robot)
        return {s for s in found if s is not None and s != serial}

    def _yielding(self, robot: RobotTraffic) -> set[str]:
        mine = set(robot.wanted[1:])
        for other in list(robot.yield_to):
            theirs = self.robots.get(other)
            if theirs is None or not mine.intersection(theirs.wanted):
                robot.yield_to.discard(other)
        return set(robot.yield_to)

    def try_grant(self, serial: str) -> list[str] | None:
        """Extend the base by the longest free prefix of the request (the rest stays horizon).

        Returns the granted segment, starting at the old base end, or None if nothing is free.
        """
        robot = self.robots[serial]
        wanted = robot.wanted
        if self._yielding(robot):
            return None
        count = 1
        while count < len(wanted) and self._free_for(
            serial, wanted[count], frozenset((wanted[count - 1], wanted[count]))
        ):
            count += 1
        if count == len(wanted) - 1:
            count -= 1  # never wait at the doorstep of a taken target: wait one node upstream
        if count <= 1:
            return None
        segment = wanted[:count]
        for node in segment:
            self.node_holder[node] = serial
        for lane in self._lanes(segment):
            self.lane_holder[lane] = serial
        robot.base = robot.base[:-1] + segment
        robot.wanted = wanted[count - 1 :] if count < len(wanted) else []
        return segment

    def _grant(self, robot: RobotTraffic, path: list[str]) -> list[str]:
        """Grant a whole path at once (evasions): the robot stands at its start."""
        for node in path:
            self.node_holder[node] = robot.serial
        for lane in self._lanes(path):
            self.lane_holder[lane] = robot.serial
        robot.base, robot.wanted = list(path), []
        return list(path)

    def withdraw(self, serial: str) -> None:
        """Forget an ungranted request (task cancelled or re-planned)."""
        self.robots[serial].wanted = []

    def reached(self, serial: str, node: str) -> None:
        """The robot reports ``node`` of its base: release everything behind it."""
        robot = self.robots[serial]
        if node == robot.node:
            return
        if node not in robot.base:
            raise TrafficError(f"{serial}: reported node {node!r} is not in its base {robot.base}")
        idx = robot.base.index(node)
        passed = robot.base[: idx + 1]
        for a in passed[:-1]:
            if self.node_holder.get(a) == robot.serial:
                del self.node_holder[a]
        for lane in self._lanes(passed):
            if self.lane_holder.get(lane) == robot.serial:
                del self.lane_holder[lane]
        robot.node, robot.base = node, robot.base[idx:]

    def _release_all(self, serial: str) -> None:
        for n in [n for n, s in self.node_holder.items() if s == serial]:
            del self.node_holder[n]
        for lane in [lane for lane, s in self.lane_holder.items() if s == serial]:
            del self.lane_holder[lane]

    def remove(self, serial: str) -> None:
        """The robot was taken off the floor (recovered by staff): free what it held."""
        self._release_all(serial)
        self.robots.pop(serial, None)

    # -- deadlocks ------------------------------------------------------------------------------
    def waiting(self, serial: str) -> bool:
        """Stands at the end of its base with a request it cannot get."""
        robot = self.robots[serial]
        stands = robot.offline or robot.stopped
        return bool(robot.wanted) and not stands and robot.node == robot.base[-1]

    def waits_for(self) -> dict[str, set[str]]:
        return {s: self.blockers(s) for s in self.robots if self.waiting(s)}

    def cycles(self) -> list[list[str]]:
        """Every elementary cycle found by a depth-first walk of the waits-for graph."""
        graph = self.waits_for()
        seen: set[frozenset[str]] = set()
        found: list[list[str]] = []
        for start in sorted(graph):
            stack: list[tuple[str, list[str]]] = [(start, [start])]
            while stack:
                node, trail = stack.pop()
                for nxt in sorted(graph.get(node, ())):
                    if nxt == start:
                        key = frozenset(trail)
                        if key not in seen:
                            seen.add(key)
                            found.append(trail)
                    elif nxt not in trail and nxt in graph and nxt > start:
                        stack.append((nxt, [*trail, nxt]))
        return found

    def evasion_for(self, serial: str, avoid: Iterable[str]) -> list[str] | None:
        """Shortest path over free nodes to the nearest free node outside ``avoid``."""
        robot = self.robots[serial]
        held = {n for n, s in self.node_holder.items() if s != serial}
        busy_lanes = {lane for lane, s in self.lane_holder.items() if s != serial}
        avoid_set = set(avoid) | held
        best: tuple[float, list[str]] | None = None
        for node in self.site.nodes.values():
            if node.node_id in avoid_set or node.node_id == robot.node:
                continue
            path = self.site.path(robot.node, node.node_id, blocked=held)
            if path is None or any(lane in busy_lanes for lane in self._lanes(path)):
                continue
            length = self.site.path_length(path)
            if best is None or length < best[0]:
                best = (length, path)
        return best[1] if best else None

    def resolve_deadlocks(self) -> tuple[list[Evasion], list[list[str]]]:
        """Break every waits-for cycle by granting one member an evasion leg.

        Returns the evasions granted and the cycles no member could leave.
        """
        evasions: list[Evasion] = []
        unresolved: list[list[str]] = []
        for cycle in self.cycles():
            if not all(self.waiting(s) and self.blockers(s) for s in cycle):
                continue  # an earlier evasion in this round already broke it
            strict = {
                serial: {n for other in cycle if other != serial for n in self.robots[other].wanted}
                for serial in cycle
            }
            # relaxed: only stay off the node each other member needs next; the cycle still
            # breaks (the evader's old node frees up) though the evader may have to move again
            relaxed = {
                serial: {self.robots[o].wanted[1] for o in cycle if o != serial} for serial in cycle
            }
            order = sorted(cycle, key=lambda s: (self.robots[s].priority, s))
            chosen = next(
                (
                    (serial, path)
                    for avoid in (strict, relaxed)
                    for serial in order
                    if (path := self.evasion_for(serial, avoid[serial])) is not None
                ),
                None,
            )
            if chosen is None:
                unresolved.append(cycle)
                continue
            serial, path = chosen
            robot = self.robots[serial]
            self._grant(robot, path)
            robot.yield_to = set(cycle) - {serial}
            evasions.append(Evasion(serial, path))
        return evasions, unresolved
