"""Users in SQL, Argon2 password digests, and an in-memory store for tests."""
