"""Users and roles: standard library only."""
