"""Configuration and wiring: the one place that picks adapters and builds the services."""
