"""The one place that picks concrete adapters and wires them into the service layer."""
