"""Per-slice wiring that ``samplehub.app.bootstrap`` and the CLI use: the only modules besides
bootstrap that pick concrete adapters."""
