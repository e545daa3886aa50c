"""Encryption, MQTT, the browser WebSocket hub and the terminals table."""
