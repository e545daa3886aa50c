"""VDA 5050 transports: paho-mqtt 2.x over a broker, or in-process with the same interface."""
