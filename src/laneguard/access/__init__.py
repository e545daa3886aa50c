"""Who may use the station's web UI: users with a role (operator, viewer), their passwords
(Argon2 digests only) and the one table of what each role may do."""
