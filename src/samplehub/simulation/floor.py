"""Simulated robots on the floor of the running product: the embedded default of ``serve``.

The robots are ``SimRobot``s (the AGV side of VDA 5050) on the site map, over the same transport
as the fleet manager, each starting at a parking node. After a restart a robot that carried a
sample is put back where its task picked it up, with the load on board, as the task record
says; the simulated world's slot readers then confirm the drop by RFID.
"""

from __future__ import annotations

from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.service.ports import Transport
from samplehub.simulation.robot import SimRobot
from samplehub.simulation.world import SimWorld


class SimFloor:
    """Implements the fleet's ``Floor`` port."""

    def __init__(
        self,
        site: SiteMap,
        transport: Transport,
        serials: tuple[str, ...],
        *,
        manufacturer: str,
        speed: float,
        prefix: str = "",
        world: SimWorld | None = None,
        battery: BatteryModel | None = None,
        time_scale: float = 1.0,
        trays: int = 1,
    ) -> None:
        """``time_scale`` > 1 lets the robots drive, pick and drop that many times faster
        than the clock (``fleet.time_scale``: demos and tests)."""
        parking = [n.node_id for n in site.nodes_of_kind("parking")]
        if len(parking) < len(serials):
            raise ValueError(
                f"fleet.robots: {len(serials)} simulated robots but the site map has only "
                f"{len(parking)} parking nodes; each robot needs one"
            )
        self.world = world or SimWorld()
        self.time_scale = time_scale
        self.robots = {
            serial: SimRobot(
                serial, manufacturer, site, node, transport, prefix,
                battery or BatteryModel(), speed, trays, world=self.world,
                visualization_interval_s=0.0,
            )
            for serial, node in zip(serials, parking, strict=False)
        }  # fmt: skip
        for robot in self.robots.values():  # picks and drops take their share of time too
            robot.action_seconds = {k: s / time_scale for k, s in robot.action_seconds.items()}

    def connect(self, now: float) -> None:
        for robot in self.robots.values():
            robot.connect(now)

    def step(self, now: float, dt: float) -> None:
        for robot in self.robots.values():
            robot.step(now, dt * self.time_scale)

    def respawn(self, serial: str, node: str, load_id: str) -> None:
        robot = self.robots.get(serial)
        if robot is None:
            return  # not one of ours any more: the fleet fails the task when it does not show
        here = robot.site.nodes[node]
        robot.node, robot.x, robot.y = node, here.x, here.y
        robot.loads = [*(held for held in robot.loads if held != load_id), load_id]
        self.world.picked(load_id, node)
