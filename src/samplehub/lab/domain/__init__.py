"""Metrology rules: JJG 52-2013 gauge verification, calibration sheets, four-eyes certificates.

Pure domain code: standard library only, every quantity a ``Decimal``, time passed in.
"""
