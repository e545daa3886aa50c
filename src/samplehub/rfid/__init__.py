"""RFID readers over LLRP (EPCglobal Low Level Reader Protocol 1.0.1/1.1): codec, client, CLI."""
