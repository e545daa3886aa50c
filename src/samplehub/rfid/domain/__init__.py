"""The LLRP codec: pure bytes to values and back, standard library only."""
