"""Incident records, statistics and clips as use cases, and the ports they use."""
