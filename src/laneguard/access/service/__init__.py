"""Adding users, checking passwords, the first start; the ports it needs."""
