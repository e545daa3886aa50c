"""Alerts, acknowledgements, terminals and the sealed wire format. Pure."""
