"""Self-service intake at the kiosk: nameplate vision, orders found by QR or company code, receipt,
label printing and tag writing.
"""
