"""Storage use cases: loading the site, the ``Places`` of the lifecycle, occupancy queries."""
