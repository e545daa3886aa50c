"""VDA 5050 2.1 message shapes, topics and headers, shared by the fleet manager and the robots.

Everything here is plain dicts in, plain dicts out, so that the same code serves the MQTT adapter,
the in-process transport and the simulator.  Timestamps are ISO 8601 in UTC with the trailing
``Z`` and milliseconds, as the standard's examples show; header ids count per topic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import SampleHubError

VDA_VERSION = "2.1.0"
INTERFACE = "uagv"
MAJOR = "v2"
TOPICS = ("order", "instantActions", "state", "visualization", "connection", "factsheet")
IN_CONTROL = ("AUTOMATIC", "SEMIAUTOMATIC")
"""The operating modes in which master control drives the robot; in MANUAL, SERVICE and TEACHIN
its own people have it and it takes no order."""


class MessageError(SampleHubError, ValueError):
    """A payload that is not the VDA 5050 message it claims to be."""


def iso_utc(epoch_s: float) -> str:
    """``2026-01-05T08:00:00.123Z``."""
    stamp = datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return stamp[:-3] + "Z"


def topic(prefix: str, manufacturer: str, serial: str, sub: str) -> str:
    if sub not in TOPICS:
        raise MessageError(f"topic: {sub!r}; allowed: {', '.join(TOPICS)}")
    base = f"{INTERFACE}/{MAJOR}/{manufacturer}/{serial}/{sub}"
    return f"{prefix.rstrip('/')}/{base}" if prefix else base


def parse_topic(prefix: str, name: str) -> tuple[str, str, str]:
    """(manufacturer, serialNumber, subtopic) of a VDA 5050 topic, or MessageError."""
    rest = name[len(prefix.rstrip("/")) + 1 :] if prefix else name
    parts = rest.split("/")
    if len(parts) != 5 or parts[0] != INTERFACE or parts[1] != MAJOR or parts[4] not in TOPICS:
        raise MessageError(f"topic: {name!r} is not uagv/v2/<manufacturer>/<serial>/<subtopic>")
    return parts[2], parts[3], parts[4]


@dataclass(slots=True)
class HeaderCounter:
    """headerId per topic, incremented with each message sent (VDA 5050 §6.2)."""

    manufacturer: str
    serial: str
    _next: dict[str, int] = field(default_factory=dict)

    def header(self, sub: str, now: float) -> dict[str, Any]:
        header_id = self._next.get(sub, 0)
        self._next[sub] = header_id + 1
        return {
            "headerId": header_id,
            "timestamp": iso_utc(now),
            "version": VDA_VERSION,
            "manufacturer": self.manufacturer,
            "serialNumber": self.serial,
        }


def encode(message: Mapping[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


def decode(payload: bytes) -> dict[str, Any]:
    try:
        message = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MessageError(f"payload: not JSON ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(message, dict):
        raise MessageError(f"payload: a JSON {type(message).__name__}, expected an object")
    return message


def field_of(message: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = message.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
        raise MessageError(f"{key}: {value!r} is not a {kind}")
    return value


def not_in_control(state: Mapping[str, Any]) -> str | None:
    """Why master control may not send the robot of this ``state`` orders now, or None: it is
    in a mode people drive it in, or it does not know where it is (``positionInitialized``)."""
    mode = state.get("operatingMode", "AUTOMATIC")
    if mode not in IN_CONTROL:
        return reasons.MODE(mode=mode)
    position = state.get("agvPosition")
    if isinstance(position, Mapping) and position.get("positionInitialized") is False:
        return reasons.NOT_LOCALISED()
    return None


def action(
    action_type: str,
    action_id: str,
    params: Mapping[str, Any] | None = None,
    blocking: str = "HARD",
) -> dict[str, Any]:
    return {
        "actionType": action_type,
        "actionId": action_id,
        "blockingType": blocking,
        "actionParameters": [{"key": k, "value": v} for k, v in (params or {}).items()],
    }


def order_nodes_edges(
    map_id: str,
    positions: Mapping[str, tuple[float, float]],
    nodes: Sequence[str],
    first_seq: int,
    released_count: int,
    node_actions: Mapping[int, list[dict[str, Any]]],
    edge_lengths: Mapping[tuple[str, str], tuple[float, float]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges of an order; the first ``released_count`` nodes are the base."""
    out_nodes: list[dict[str, Any]] = []
    out_edges: list[dict[str, Any]] = []
    for i, node_id in enumerate(nodes):
        x, y = positions[node_id]
        out_nodes.append(
            {
                "nodeId": node_id,
                "sequenceId": first_seq + 2 * i,
                "released": i < released_count,
                "nodePosition": {"x": x, "y": y, "mapId": map_id},
                "actions": node_actions.get(i, []),
            }
        )
        if i:
            prev = nodes[i - 1]
            length, speed = edge_lengths[(prev, node_id)]
            out_edges.append(
                {
                    "edgeId": f"{prev}-{node_id}",
                    "sequenceId": first_seq + 2 * i - 1,
                    "released": i < released_count,
                    "startNodeId": prev,
                    "endNodeId": node_id,
                    "maxSpeed": speed,
                    "length": length,
                    "actions": [],
                }
            )
    return out_nodes, out_edges


def params_of(action_msg: Mapping[str, Any]) -> dict[str, Any]:
    return {
        str(p.get("key")): p.get("value")
        for p in action_msg.get("actionParameters") or []
        if isinstance(p, Mapping)
    }
