"""HTTP API routers (FastAPI)."""
