"""The lab: queues and benches, results (JJG 52 gauges, calibration sheets), metrology rules,
certificates and DCCs.
"""
