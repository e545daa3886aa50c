"""What every slice shares: the sample, its order and lifecycle, locations, the custody chain,
events, errors, permissions; the message bus, the unit of work and the ports; the database,
clock, passwords and notification senders.
"""
