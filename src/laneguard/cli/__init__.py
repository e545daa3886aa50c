"""The `laneguard` command line (Typer)."""
