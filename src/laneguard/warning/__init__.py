"""Warning: voice warnings at the lane (policy, clips, loudspeakers)."""
