"""What a simulated sample carrier tells the fleet manager about itself (VDA 5050 factsheet)."""

from __future__ import annotations

from typing import Any


def factsheet(speed_max: float, state_interval_s: float, trays: int = 1) -> dict[str, Any]:
    """The VDA 5050 2.1 factsheet the simulated carrier announces (retained); each of its
    ``trays`` is a load position the fleet may fill on one trip."""
    return {
        "typeSpecification": {
            "seriesName": "SampleCarrier-S1",
            "agvKinematic": "DIFF",
            "agvClass": "CARRIER",
            "maxLoadMass": 30,
            "localizationTypes": ["NATURAL"],
            "navigationTypes": ["VIRTUAL_LINE_GUIDED"],
        },
        "physicalParameters": {
            "speedMin": 0.1,
            "speedMax": speed_max,
            "accelerationMax": 0.8,
            "decelerationMax": 1.0,
            "heightMax": 1.2,
            "width": 0.6,
            "length": 0.8,
        },
        "protocolLimits": {
            "maxStringLens": {"msgLen": 100000, "idLen": 64},
            "maxArrayLens": {"order.nodes": 200, "order.edges": 200},
            "timing": {
                "minOrderInterval": 0.1,
                "minStateInterval": 0.1,
                "defaultStateInterval": state_interval_s,
            },
        },
        "protocolFeatures": {
            "optionalParameters": [],
            "agvActions": [
                {
                    "actionType": t,
                    "actionScopes": ["NODE"],
                    "actionParameters": [{"key": "loadId", "valueDataType": "STRING"}],
                }
                for t in ("pick", "drop")
            ]
            + [
                {"actionType": "startCharging", "actionScopes": ["NODE", "INSTANT"]},
                {"actionType": "stopCharging", "actionScopes": ["INSTANT"]},
                {"actionType": "cancelOrder", "actionScopes": ["INSTANT"]},
            ],
        },
        "agvGeometry": {},
        "loadSpecification": {
            "loadPositions": ["tray"] if trays == 1 else [f"tray-{i + 1}" for i in range(trays)]
        },
    }
