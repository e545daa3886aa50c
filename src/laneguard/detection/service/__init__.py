"""Detection's ports and use cases: the camera pipeline, live cameras, the zone editor."""
