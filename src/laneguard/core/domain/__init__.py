"""The domain every slice shares: incidents (detection opens them, alerting acts on them) and
the record kept of each. Standard library only."""
