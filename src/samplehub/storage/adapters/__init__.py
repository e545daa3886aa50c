"""Storage adapters: the site file reader, the slot tables and their in-memory twin."""
