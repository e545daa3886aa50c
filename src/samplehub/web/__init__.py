"""The web shell: FastAPI app, middleware, security, the core's API routes and pages, templates,
static files and translations; each slice brings its own api.py and pages.py.
"""
