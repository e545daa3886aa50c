"""Pickup: bookings, one-time codes, locker cabinets (Modbus TCP), staging and collection at the
kiosk.
"""
