"""Certificate adapters: PDF rendering, PTB DCC export, and in-memory stores for tests and demos."""
