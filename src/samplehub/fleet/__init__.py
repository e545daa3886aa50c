"""Robot transport: transport tasks, dispatch, traffic, VDA 5050 over MQTT, the robots' storage
slotting and the live fleet map.
"""
