"""Settings for every tier."""

from hypothesis import HealthCheck, settings

# CI machines are shared and slow at times: judge properties, not the speed of generating data.
settings.register_profile(
    "project",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("project")
