"""Configuration, wiring (bootstrap: the only place that picks adapters) and demo data."""
