"""The LLRP link over TCP (port 5084)."""
