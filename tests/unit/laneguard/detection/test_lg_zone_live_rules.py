"""Zones saved in the editor reach a running camera at its next frame: incidents open under the
old zones end there, and the new zones decide from then on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from laneguard.app import bootstrap
from laneguard.app.config import LaneGuardConfig
from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass
from laneguard.detection.adapters.fakes import AlwaysMoving, FakeJpeg, NoVest, PersonAlways
from laneguard.detection.domain.zones import CameraRules, Zone
from laneguard.detection.service.live import LiveCamera, LiveCameras
from laneguard.detection.service.pipeline import CameraPipeline
from laneguard.detection.service.ports import Frame, SourceHealth

P = ObjectClass.PEDESTRIAN
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
EVERYWHERE = ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0))


class NoFrames:
    fps = 10.0
    health = SourceHealth.OK

    def frames(self) -> Iterator[Frame]:
        return iter(())

    def close(self) -> None:
        return None


def pipeline() -> CameraPipeline:
    zone = Zone("a", EVERYWHERE, frozenset({P}), lane="1")
    return CameraPipeline(
        CameraRules("cam-1", (zone,)), PersonAlways(), AlwaysMoving(), NoVest(), FakeJpeg()
    )


def frame(i: int) -> Frame:
    return Frame(i, i / 10, T0 + timedelta(seconds=i / 10), i)


def test_new_rules_end_open_incidents_and_apply_from_the_next_frame() -> None:
    p = pipeline()
    events = [e for i in range(6) for e in p.process(frame(i)).events]
    [opened] = [e for e in events if isinstance(e, IncidentOpened)]
    far = Zone("b", ((500.0, 500.0), (600.0, 500.0), (600.0, 600.0)), frozenset({P}), lane="2")
    p.use_rules(CameraRules("cam-1", (far,)))
    assert p.rules.zones[0].name == "a"  # not before the worker's next frame
    after = [e for i in range(6, 20) for e in p.process(frame(i)).events]
    assert isinstance(after[0], IncidentEnded)
    assert after[0].incident_id == opened.incident_id
    assert len(after) == 1  # the person is outside the new zone
    assert p.rules.zones[0].name == "b"


def test_editor_save_reaches_the_running_camera(tmp_path: Path) -> None:
    config = LaneGuardConfig.model_validate(
        {
            "data_dir": str(tmp_path),
            "cameras": [
                {
                    "camera": "cam-1",
                    "source": "demo.avi",
                    "zones": [{"name": "a", "polygon": [[0, 0], [100, 0], [100, 100]]}],
                },
                {
                    "camera": "cam-2",
                    "source": "demo.avi",
                    "zones": [{"name": "c", "polygon": [[0, 0], [100, 0], [100, 100]]}],
                },
            ],
        }
    )
    running = pipeline()
    live = LiveCameras([LiveCamera("cam-1", NoFrames(), running, realtime=False)])
    editor = bootstrap.zone_editor(config, live)
    layout = {"zones": [{"name": "new", "lane": "7", "polygon": [[0, 0], [50, 0], [50, 50]]}]}
    saved = editor.save("cam-1", layout)
    assert saved.live
    running.process(frame(0))
    assert [z.name for z in running.rules.zones] == ["new"]
    assert running.rules.zones[0].lane == "7"
    assert not editor.save("cam-2", layout).live  # configured but not running here
