"""The alert service, terminal enrolment and the ports they use."""
