"""Statistics over incident records. Pure."""
