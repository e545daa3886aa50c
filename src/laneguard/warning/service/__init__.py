"""The voice warner and the ports it plays through."""
