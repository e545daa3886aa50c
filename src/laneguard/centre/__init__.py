"""The management centre over several stations: each station forwards its incident changes and
camera states (`service.forwarder`, from the station's outbox over MQTT, QoS 1); the centre
keeps the newest version of each (`service.centre`) for its pages and statistics."""
