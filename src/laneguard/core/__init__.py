"""What every LaneGuard slice shares: the one error root, the shared ports (clock, incident
source, incident records) and the shared domain (incidents and their records)."""
