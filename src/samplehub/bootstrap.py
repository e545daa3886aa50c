"""The one place that picks concrete adapters and wires them into the service layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samplehub.config import Settings
    from samplehub.service.ports_fleet import Transport


def fleet_transport(settings: Settings, client_id: str) -> Transport:
    """VDA 5050 transport: the broker at ``SAMPLEHUB_MQTT_URL`` when set, else in-process."""
    if settings.mqtt_url:
        from samplehub.adapters.mqtt.paho_transport import MqttTransport

        transport = MqttTransport(settings.mqtt_url, client_id)
        transport.start()
        return transport
    from samplehub.adapters.mqtt.inprocess import InProcessTransport

    return InProcessTransport()
