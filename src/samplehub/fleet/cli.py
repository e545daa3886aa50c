"""``samplehub simulate fleet``: run a fleet scenario in simulated time and print its metrics.

The JSON object on stdout is a contract (see CONTRACTS.md); the progress bar goes to stderr so
that stdout stays clean for scripts.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from samplehub.simulation.runner import FleetSimulation, vda_logger
from samplehub.simulation.scenario import ScenarioError, load_scenario

app = typer.Typer(name="simulate", help="模拟运行 / Run simulations", no_args_is_help=True)


class Policy(StrEnum):
    greedy = "greedy"
    optimal = "optimal"


@app.command("fleet")
def fleet(
    scenario: Annotated[Path, typer.Option("--scenario", help="场景文件 / scenario YAML file")],
    policy: Annotated[Policy, typer.Option("--policy", help="调度策略 / policy")] = Policy.optimal,
    hours: Annotated[float, typer.Option("--hours", min=0.01, help="模拟小时数 / hours")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
    vda_log: Annotated[
        Path | None,
        typer.Option("--vda-log", help="记录 VDA 5050 消息 / write every message as JSON lines"),
    ] = None,
) -> None:
    """模拟机器人车队 / Simulate the robot fleet on a scenario."""
    err = Console(stderr=True)
    try:
        loaded = load_scenario(scenario)
        sim = FleetSimulation(loaded, policy.value, seed)
    except (ScenarioError, ValueError) as exc:
        err.print(f"[red]场景无效 / invalid scenario:[/red] {exc}")
        raise typer.Exit(2) from None
    log_file = vda_log.open("w", encoding="utf-8") if vda_log else None
    try:
        if log_file is not None:
            sim.transport.subscribe("#", vda_logger(log_file))
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            job = bar.add_task(f"{loaded.name} · {policy.value}", total=1.0)
            result = sim.run(hours, lambda f: bar.update(job, completed=f))
    finally:
        if log_file is not None:
            log_file.close()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            typer.echo(f"{key}: {value}")


@app.command("live")
def live(
    scenario: Annotated[Path, typer.Option("--scenario", help="场景文件 / scenario YAML file")],
    policy: Annotated[Policy, typer.Option("--policy", help="调度策略 / policy")] = Policy.optimal,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed")] = 1,
    speed: Annotated[float, typer.Option("--speed", min=0.1, help="倍速 / time factor")] = 1.0,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8010,
) -> None:
    """实时地图演示 / Run the fleet in real time and serve the live map at /fleet/map."""
    import uvicorn
    from fastapi import FastAPI

    from samplehub.app.config import Settings
    from samplehub.app.wiring.fleet import fleet_transport
    from samplehub.fleet.api import make_router
    from samplehub.fleet.service.ports import TransportError
    from samplehub.simulation.live import LiveFleet

    err = Console(stderr=True)
    try:
        loaded = load_scenario(scenario)
        transport = fleet_transport(Settings(), f"samplehub-live-{seed}")
        sim = FleetSimulation(loaded, policy.value, seed, prefix="", transport=transport)
    except (ScenarioError, ValueError, TransportError) as exc:
        err.print(f"[red]无法启动 / cannot start:[/red] {exc}")
        raise typer.Exit(2) from None
    fleet = LiveFleet(sim, speed)
    web = FastAPI(title="SampleHub fleet map")
    web.include_router(make_router(fleet))
    fleet.start()
    err.print(f"地图 / map: http://{host}:{port}/fleet/map")
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning")
    finally:
        fleet.stop()
