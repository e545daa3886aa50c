"""Instrument-type rules read from YAML into the domain's rule objects."""
