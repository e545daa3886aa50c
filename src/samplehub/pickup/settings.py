"""Settings of the pickup side (``SAMPLEHUB_PICKUP__<NAME>``), kept beside ``config.py``."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class PickupSettings(BaseModel):
    """Pickup windows, staging, grace period, lockers and the background job."""

    model_config = ConfigDict(extra="forbid")
    window_minutes: int = Field(30, ge=5, le=480, description="Length of a pickup window")
    opening: str = Field(
        "08:30", pattern=r"^\d\d:\d\d$", description="First window of the day (China time)"
    )
    closing: str = Field(
        "17:30", pattern=r"^\d\d:\d\d$", description="End of the last window (China time)"
    )
    staging_lead_minutes: int = Field(
        120, ge=0, description="Staging starts this long before a window opens"
    )
    staging_per_hour: int = Field(40, ge=1, description="Samples the fleet can stage per hour")
    counter_capacity: int = Field(20, ge=0, description="Samples the staff counter can hold")
    grace_days: float = Field(
        3, ge=0, description="Days after the window before uncollected samples go back"
    )
    horizon_days: int = Field(7, ge=1, le=60, description="How far ahead windows are offered")
    default_size: str = Field(
        "M", pattern=r"^[SML]$", description="Compartment size a sample needs (S, M or L)"
    )
    locker_bank: Path | None = Field(
        None, description="YAML register map of the Modbus locker cabinets; unset: simulated"
    )
    job_seconds: float = Field(
        60, ge=0, description="How often the app stages and expires bookings; 0: never"
    )
