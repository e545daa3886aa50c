"""LaneGuard's web UI: incident list, statistics, the staff web terminal and the live view."""
