"""A model's labels file, and its classes mapped onto LaneGuard's by NAME.

Models number COCO's classes differently (Coral's labels skip ids, TF's start at 1, YOLO's at
0 without gaps), so a class id means nothing until the model's own labels file names it.
"""

from __future__ import annotations

from collections.abc import Mapping

from laneguard.core.domain.incidents import ObjectClass

COCO_CLASS_MAP: Mapping[str, ObjectClass] = {
    "person": ObjectClass.PEDESTRIAN,
    "bicycle": ObjectClass.BICYCLE,
    "motorcycle": ObjectClass.MOTORCYCLE,
    "car": ObjectClass.VEHICLE,
    "bus": ObjectClass.VEHICLE,
    "truck": ObjectClass.VEHICLE,
}
"""COCO names → LaneGuard classes. COCO has no e-bike: the speed rule splits it from bicycle."""


def parse_labels(text: str) -> dict[int, str]:
    """`0  person` lines (id, then name) or bare names (the line number is the id)."""
    labels: dict[int, str] = {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    numbered = all(line.split(None, 1)[0].isdigit() and " " in line for line in lines)
    for number, line in enumerate(lines):
        if numbered:
            key, name = line.split(None, 1)
            labels[int(key)] = name.strip()
        else:
            labels[number] = line
    return labels


def map_classes(
    labels: Mapping[int, str], class_map: Mapping[str, ObjectClass] = COCO_CLASS_MAP
) -> dict[int, ObjectClass]:
    """Model class id → LaneGuard class for every mapped name; ids of other names are dropped.

    Raises ValueError naming the names the labels lack, so a wrong labels file is caught when
    the detector starts, not by a silent absence of bicycles."""
    by_name = {name: key for key, name in labels.items()}
    missing = sorted(set(class_map) - set(by_name))
    if missing:
        raise ValueError(
            f"labels: {missing} not among the model's labels ({len(labels)} names); "
            f"allowed: a labels file naming {sorted(class_map)}"
        )
    return {by_name[name]: cls for name, cls in class_map.items()}
