"""Watching cameras: a stream that sends no frame for `stall_after_s` (frozen, or reconnecting
again and again) is stalled; one whose source gave up is failed. Staff hear of each change once:
when it goes wrong and when it comes back."""

from __future__ import annotations

from dataclasses import dataclass, field

from laneguard.core.domain.cameras import CameraState


@dataclass
class CameraWatch:
    stall_after_s: float = 10.0
    states: dict[str, CameraState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stall_after_s <= 0:
            raise ValueError(f"stall_after_s={self.stall_after_s}: must be more than 0")

    def judge(self, silent_s: float, failed: bool, ended: bool) -> CameraState:
        """A camera's state from how long it sent nothing and what its source says."""
        if failed:
            return CameraState.FAILED
        if not ended and silent_s > self.stall_after_s:
            return CameraState.STALLED
        return CameraState.OK

    def update(self, camera: str, state: CameraState) -> bool:
        """Records the camera's state; True when it changed (a staff alert is due)."""
        before = self.states.get(camera, CameraState.OK)
        self.states[camera] = state
        return state is not before
