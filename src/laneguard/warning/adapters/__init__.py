"""Audio encoding, loudspeakers and synthesised warning clips."""
