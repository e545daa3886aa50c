"""Site map of the robot floor: nodes with coordinates and directed edges with lengths.

The fleet manager plans every route on this graph, the traffic manager reserves its nodes and
edges, and the VDA 5050 orders carry its node ids and positions.  A two-way lane is two directed
edges; the traffic manager treats both directions of a lane as one resource so that two robots
can never meet head-on on it.

The map is read from plain data (a dict parsed from YAML by an outer layer) so that this module
stays standard-library only.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from samplehub.core.domain.errors import SampleHubError

NODE_KINDS = frozenset(
    {"waypoint", "intake", "rack_access", "lab_drop", "locker_port", "charger", "parking"}
)


class SiteMapError(SampleHubError, ValueError):
    """A site map that cannot be used: names the field, the value and what is allowed."""


@dataclass(frozen=True, slots=True)
class Node:
    node_id: str
    x: float
    y: float
    kind: str = "waypoint"
    description: str = ""


@dataclass(frozen=True, slots=True)
class Edge:
    edge_id: str
    start: str
    end: str
    length: float
    max_speed: float

    @property
    def lane(self) -> frozenset[str]:
        """The physical lane, the same for both directions of a two-way edge."""
        return frozenset((self.start, self.end))


@dataclass(slots=True)
class SiteMap:
    """A directed graph with all-pairs shortest distances computed lazily and cached."""

    map_id: str
    nodes: dict[str, Node]
    edges: dict[str, Edge]
    _out: dict[str, list[Edge]] = field(default_factory=dict, repr=False)
    _by_pair: dict[tuple[str, str], Edge] = field(default_factory=dict, repr=False)
    _dist_cache: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    _prev_cache: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for edge in self.edges.values():
            for end_name, node_id in (("start", edge.start), ("end", edge.end)):
                if node_id not in self.nodes:
                    raise SiteMapError(
                        f"edges[{edge.edge_id}].{end_name}: unknown node {node_id!r}; "
                        f"allowed: one of the {len(self.nodes)} node ids of the map"
                    )
            self._out.setdefault(edge.start, []).append(edge)
            self._by_pair[(edge.start, edge.end)] = edge

    def nodes_of_kind(self, kind: str) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.kind == kind), key=lambda n: n.node_id)

    def edge_between(self, start: str, end: str) -> Edge:
        try:
            return self._by_pair[(start, end)]
        except KeyError:
            raise SiteMapError(f"no edge from {start!r} to {end!r}") from None

    def has_edge(self, start: str, end: str) -> bool:
        return (start, end) in self._by_pair

    def successors(self, node_id: str) -> list[Edge]:
        return self._out.get(node_id, [])

    def _dijkstra(
        self, source: str, blocked: frozenset[str] = frozenset()
    ) -> tuple[dict[str, float], dict[str, str]]:
        dist = {source: 0.0}
        prev: dict[str, str] = {}
        heap = [(0.0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > dist.get(node, math.inf):
                continue
            for edge in self._out.get(node, []):
                if edge.end in blocked:
                    continue
                nd = d + edge.length
                if nd < dist.get(edge.end, math.inf):
                    dist[edge.end] = nd
                    prev[edge.end] = node
                    heapq.heappush(heap, (nd, edge.end))
        return dist, prev

    def _tables(self, source: str) -> tuple[dict[str, float], dict[str, str]]:
        if source not in self._dist_cache:
            if source not in self.nodes:
                raise SiteMapError(f"node {source!r} is not on map {self.map_id!r}")
            self._dist_cache[source], self._prev_cache[source] = self._dijkstra(source)
        return self._dist_cache[source], self._prev_cache[source]

    def distance(self, start: str, end: str) -> float:
        """Shortest driving distance in metres; ``inf`` when ``end`` cannot be reached."""
        return self._tables(start)[0].get(end, math.inf)

    def path(self, start: str, end: str, blocked: Iterable[str] = ()) -> list[str] | None:
        """Shortest node sequence from start to end avoiding ``blocked`` nodes, or None."""
        blocked_set = frozenset(blocked) - {start}
        if end in blocked_set:
            return None
        if blocked_set:
            dist, prev = self._dijkstra(start, blocked_set)
        else:
            dist, prev = self._tables(start)
        if end not in dist:
            return None
        nodes = [end]
        while nodes[-1] != start:
            nodes.append(prev[nodes[-1]])
        nodes.reverse()
        return nodes

    def path_length(self, nodes: Sequence[str]) -> float:
        return sum(self.edge_between(a, b).length for a, b in itertools.pairwise(nodes))

    def travel_time(self, nodes: Sequence[str], robot_speed: float) -> float:
        """Seconds to drive ``nodes`` at the lower of the robot's and each edge's speed."""
        total = 0.0
        for a, b in itertools.pairwise(nodes):
            edge = self.edge_between(a, b)
            total += edge.length / min(robot_speed, edge.max_speed)
        return total


def _number(raw: Mapping[str, Any], key: str, where: str, *, positive: bool = False) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SiteMapError(f"{where}.{key}: {value!r} is not a number")
    if positive and value <= 0:
        raise SiteMapError(f"{where}.{key}: {value!r} must be greater than 0")
    return float(value)


def on_foot(site: SiteMap) -> SiteMap:
    """The same floor for people walking it: every lane both ways (one-way lanes are a rule for
    the robots, not a wall)."""
    edges = dict(site.edges)
    for edge in site.edges.values():
        back = f"{edge.end}-{edge.start}"
        edges.setdefault(back, Edge(back, edge.end, edge.start, edge.length, edge.max_speed))
    return SiteMap(site.map_id, site.nodes, edges)


def site_map_from_dict(data: Mapping[str, Any]) -> SiteMap:
    """Build a map from ``{map_id, nodes: [{id, x, y, kind}], edges: [{from, to, ...}]}``.

    An edge with ``two_way: true`` (the default) becomes two directed edges.  A missing length is
    the straight-line distance between its nodes.
    """
    map_id = str(data.get("map_id", "site"))
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise SiteMapError("nodes: must be a non-empty list of {id, x, y, kind}")
    nodes: dict[str, Node] = {}
    for i, raw in enumerate(raw_nodes):
        where = f"nodes[{i}]"
        if not isinstance(raw, Mapping) or not raw.get("id"):
            raise SiteMapError(f"{where}.id: missing; every node needs an id")
        node_id = str(raw["id"])
        kind = str(raw.get("kind", "waypoint"))
        if kind not in NODE_KINDS:
            raise SiteMapError(f"{where}.kind: {kind!r}; allowed: {', '.join(sorted(NODE_KINDS))}")
        if node_id in nodes:
            raise SiteMapError(f"{where}.id: {node_id!r} appears twice; node ids must be unique")
        nodes[node_id] = Node(
            node_id,
            _number(raw, "x", where),
            _number(raw, "y", where),
            kind,
            str(raw.get("description", "")),
        )
    edges: dict[str, Edge] = {}
    default_speed = float(data.get("default_max_speed", 1.5))
    for i, raw in enumerate(data.get("edges") or []):
        where = f"edges[{i}]"
        if not isinstance(raw, Mapping):
            raise SiteMapError(f"{where}: must be a mapping with from and to")
        start, end = str(raw.get("from", "")), str(raw.get("to", ""))
        for key, node_id in (("from", start), ("to", end)):
            if node_id not in nodes:
                raise SiteMapError(f"{where}.{key}: unknown node {node_id!r}")
        a, b = nodes[start], nodes[end]
        length = (
            _number(raw, "length", where, positive=True)
            if "length" in raw
            else math.hypot(a.x - b.x, a.y - b.y)
        )
        speed = (
            _number(raw, "max_speed", where, positive=True) if "max_speed" in raw else default_speed
        )
        pairs = [(start, end)] + ([(end, start)] if raw.get("two_way", True) else [])
        for s, e in pairs:
            edge_id = f"{s}-{e}"
            edges[edge_id] = Edge(edge_id, s, e, length, speed)
    return SiteMap(map_id, nodes, edges)
