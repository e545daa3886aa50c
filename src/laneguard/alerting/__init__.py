"""Alerting: sealed alerts to staff terminals, acknowledgements, terminal enrolment."""
