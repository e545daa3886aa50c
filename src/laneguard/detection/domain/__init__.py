"""Detection's rules: geometry, tracking, zones, motion rules, the zone monitor. Pure."""
