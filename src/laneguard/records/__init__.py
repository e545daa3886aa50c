"""Records: what happened and how it was closed (incident records, statistics, clips)."""
