"""When to warn by voice. Pure."""
