"""The LLRP type numbers and field layouts the codec knows (EPCglobal LLRP 1.0.1, clause 16/17).

Every message and TLV parameter is its fixed fields followed by sub-parameters. A field is one of
the standard's encodings: ``u8``/``u16``/``u32``/``u64`` (big-endian), ``s8``/``s16`` (two's
complement), ``utf8`` (u16 byte count + UTF-8), ``u8v``/``u16v`` (u16 element count + elements),
``bits`` (u16 bit count + the bits, padded to whole bytes). Bit-packed flags (the C1G2 memory
bank, the report-content switches) are kept as the whole byte or word that carries them, so
that decoding and encoding are exact inverses. TV parameters (types 1-127) have a fixed value
size and no length field.
"""

from __future__ import annotations

# -- message types (LLRP 1.0.1, 16.1) ---------------------------------------------------------
GET_READER_CAPABILITIES = 1
SET_READER_CONFIG = 3
CLOSE_CONNECTION_RESPONSE = 4
GET_READER_CAPABILITIES_RESPONSE = 11
SET_READER_CONFIG_RESPONSE = 13
CLOSE_CONNECTION = 14
ADD_ROSPEC = 20
DELETE_ROSPEC = 21
START_ROSPEC = 22
STOP_ROSPEC = 23
ENABLE_ROSPEC = 24
DISABLE_ROSPEC = 25
ADD_ROSPEC_RESPONSE = 30
DELETE_ROSPEC_RESPONSE = 31
START_ROSPEC_RESPONSE = 32
STOP_ROSPEC_RESPONSE = 33
ENABLE_ROSPEC_RESPONSE = 34
DISABLE_ROSPEC_RESPONSE = 35
ADD_ACCESSSPEC = 40
DELETE_ACCESSSPEC = 41
ENABLE_ACCESSSPEC = 42
DISABLE_ACCESSSPEC = 43
ADD_ACCESSSPEC_RESPONSE = 50
DELETE_ACCESSSPEC_RESPONSE = 51
ENABLE_ACCESSSPEC_RESPONSE = 52
DISABLE_ACCESSSPEC_RESPONSE = 53
GET_REPORT = 60
RO_ACCESS_REPORT = 61
KEEPALIVE = 62
READER_EVENT_NOTIFICATION = 63
ENABLE_EVENTS_AND_REPORTS = 64
KEEPALIVE_ACK = 72
ERROR_MESSAGE = 100

_ROSPEC_ID = ("u32",)
_ACCESSSPEC_ID = ("u32",)

# name, fixed fields
MESSAGES: dict[int, tuple[str, tuple[str, ...]]] = {
    GET_READER_CAPABILITIES: ("GET_READER_CAPABILITIES", ("u8",)),
    GET_READER_CAPABILITIES_RESPONSE: ("GET_READER_CAPABILITIES_RESPONSE", ()),
    SET_READER_CONFIG: ("SET_READER_CONFIG", ("u8",)),
    SET_READER_CONFIG_RESPONSE: ("SET_READER_CONFIG_RESPONSE", ()),
    CLOSE_CONNECTION: ("CLOSE_CONNECTION", ()),
    CLOSE_CONNECTION_RESPONSE: ("CLOSE_CONNECTION_RESPONSE", ()),
    ADD_ROSPEC: ("ADD_ROSPEC", ()),
    DELETE_ROSPEC: ("DELETE_ROSPEC", _ROSPEC_ID),
    START_ROSPEC: ("START_ROSPEC", _ROSPEC_ID),
    STOP_ROSPEC: ("STOP_ROSPEC", _ROSPEC_ID),
    ENABLE_ROSPEC: ("ENABLE_ROSPEC", _ROSPEC_ID),
    DISABLE_ROSPEC: ("DISABLE_ROSPEC", _ROSPEC_ID),
    ADD_ROSPEC_RESPONSE: ("ADD_ROSPEC_RESPONSE", ()),
    DELETE_ROSPEC_RESPONSE: ("DELETE_ROSPEC_RESPONSE", ()),
    START_ROSPEC_RESPONSE: ("START_ROSPEC_RESPONSE", ()),
    STOP_ROSPEC_RESPONSE: ("STOP_ROSPEC_RESPONSE", ()),
    ENABLE_ROSPEC_RESPONSE: ("ENABLE_ROSPEC_RESPONSE", ()),
    DISABLE_ROSPEC_RESPONSE: ("DISABLE_ROSPEC_RESPONSE", ()),
    ADD_ACCESSSPEC: ("ADD_ACCESSSPEC", ()),
    DELETE_ACCESSSPEC: ("DELETE_ACCESSSPEC", _ACCESSSPEC_ID),
    ENABLE_ACCESSSPEC: ("ENABLE_ACCESSSPEC", _ACCESSSPEC_ID),
    DISABLE_ACCESSSPEC: ("DISABLE_ACCESSSPEC", _ACCESSSPEC_ID),
    ADD_ACCESSSPEC_RESPONSE: ("ADD_ACCESSSPEC_RESPONSE", ()),
    DELETE_ACCESSSPEC_RESPONSE: ("DELETE_ACCESSSPEC_RESPONSE", ()),
    ENABLE_ACCESSSPEC_RESPONSE: ("ENABLE_ACCESSSPEC_RESPONSE", ()),
    DISABLE_ACCESSSPEC_RESPONSE: ("DISABLE_ACCESSSPEC_RESPONSE", ()),
    GET_REPORT: ("GET_REPORT", ()),
    RO_ACCESS_REPORT: ("RO_ACCESS_REPORT", ()),
    KEEPALIVE: ("KEEPALIVE", ()),
    KEEPALIVE_ACK: ("KEEPALIVE_ACK", ()),
    READER_EVENT_NOTIFICATION: ("READER_EVENT_NOTIFICATION", ()),
    ENABLE_EVENTS_AND_REPORTS: ("ENABLE_EVENTS_AND_REPORTS", ()),
    ERROR_MESSAGE: ("ERROR_MESSAGE", ()),
}

# -- TV parameters (17.2.7.3, 17.3.1): type -> (name, value size in bytes, signed) -------------
ANTENNA_ID = 1
FIRST_SEEN_UTC = 2
LAST_SEEN_UTC = 4
PEAK_RSSI = 6
TAG_SEEN_COUNT = 8
TV_ROSPEC_ID = 9
EPC_96 = 13
SPEC_INDEX = 14
TV_ACCESSSPEC_ID = 16
OP_SPEC_ID = 17

TV_PARAMETERS: dict[int, tuple[str, int, bool]] = {
    ANTENNA_ID: ("AntennaID", 2, False),
    FIRST_SEEN_UTC: ("FirstSeenTimestampUTC", 8, False),
    3: ("FirstSeenTimestampUptime", 8, False),
    LAST_SEEN_UTC: ("LastSeenTimestampUTC", 8, False),
    5: ("LastSeenTimestampUptime", 8, False),
    PEAK_RSSI: ("PeakRSSI", 1, True),
    7: ("ChannelIndex", 2, False),
    TAG_SEEN_COUNT: ("TagSeenCount", 2, False),
    TV_ROSPEC_ID: ("ROSpecID", 4, False),
    10: ("InventoryParameterSpecID", 2, False),
    11: ("C1G2CRC", 2, False),
    12: ("C1G2PC", 2, False),
    EPC_96: ("EPC-96", 12, False),
    SPEC_INDEX: ("SpecIndex", 2, False),
    15: ("ClientRequestOpSpecResult", 2, False),
    TV_ACCESSSPEC_ID: ("AccessSpecID", 4, False),
    OP_SPEC_ID: ("OpSpecID", 2, False),
    18: ("C1G2SingulationDetails", 4, False),
}

# -- TLV parameters (clause 16/17): type -> (name, fixed fields) --------------------------------
UTC_TIMESTAMP = 128
UPTIME = 129
GENERAL_DEVICE_CAPABILITIES = 137
LLRP_CAPABILITIES = 142
ROSPEC = 177
RO_BOUNDARY_SPEC = 178
ROSPEC_START_TRIGGER = 179
ROSPEC_STOP_TRIGGER = 182
AI_SPEC = 183
AI_SPEC_STOP_TRIGGER = 184
INVENTORY_PARAMETER_SPEC = 186
ACCESS_SPEC = 207
ACCESS_SPEC_STOP_TRIGGER = 208
ACCESS_COMMAND = 209
KEEPALIVE_SPEC = 220
RO_REPORT_SPEC = 237
TAG_REPORT_CONTENT_SELECTOR = 238
ACCESS_REPORT_SPEC = 239
TAG_REPORT_DATA = 240
EPC_DATA = 241
READER_EVENT_NOTIFICATION_DATA = 246
ROSPEC_EVENT = 249
CONNECTION_ATTEMPT_EVENT = 256
CONNECTION_CLOSE_EVENT = 257
LLRP_STATUS = 287
C1G2_TAG_SPEC = 338
C1G2_TARGET_TAG = 339
C1G2_READ = 341
C1G2_WRITE = 342
C1G2_EPC_MEMORY_SELECTOR = 348
C1G2_READ_RESULT = 349
C1G2_WRITE_RESULT = 350

TLV_PARAMETERS: dict[int, tuple[str, tuple[str, ...]]] = {
    UTC_TIMESTAMP: ("UTCTimestamp", ("u64",)),
    UPTIME: ("Uptime", ("u64",)),
    # max antennas, flags (CanSetAntennaProperties, HasUTCClock), manufacturer, model, firmware
    GENERAL_DEVICE_CAPABILITIES: (
        "GeneralDeviceCapabilities",
        ("u16", "u16", "u32", "u32", "utf8"),
    ),
    139: ("ReceiveSensitivityTableEntry", ("u16", "s16")),
    140: ("PerAntennaAirProtocol", ("u16", "u8v")),
    141: ("GPIOCapabilities", ("u16", "u16")),
    LLRP_CAPABILITIES: (
        "LLRPCapabilities",
        ("u8", "u8", "u16", "u32", "u32", "u32", "u32", "u32"),
    ),
    143: ("RegulatoryCapabilities", ("u16", "u16")),
    ROSPEC: ("ROSpec", ("u32", "u8", "u8")),  # id, priority, current state
    RO_BOUNDARY_SPEC: ("ROBoundarySpec", ()),
    ROSPEC_START_TRIGGER: ("ROSpecStartTrigger", ("u8",)),
    180: ("PeriodicTriggerValue", ("u32", "u32")),
    ROSPEC_STOP_TRIGGER: ("ROSpecStopTrigger", ("u8", "u32")),  # type, duration ms
    AI_SPEC: ("AISpec", ("u16v",)),  # antenna ids
    AI_SPEC_STOP_TRIGGER: ("AISpecStopTrigger", ("u8", "u32")),
    185: ("TagObservationTrigger", ("u8", "u8", "u16", "u16", "u16", "u32")),
    INVENTORY_PARAMETER_SPEC: ("InventoryParameterSpec", ("u16", "u8")),  # id, protocol
    # id, antenna, protocol, current state (high bit), ROSpec id
    ACCESS_SPEC: ("AccessSpec", ("u32", "u16", "u8", "u8", "u32")),
    ACCESS_SPEC_STOP_TRIGGER: ("AccessSpecStopTrigger", ("u8", "u16")),
    ACCESS_COMMAND: ("AccessCommand", ()),
    KEEPALIVE_SPEC: ("KeepaliveSpec", ("u8", "u32")),  # type (1 = periodic), period ms
    226: ("EventsAndReports", ("u8",)),
    RO_REPORT_SPEC: ("ROReportSpec", ("u8", "u16")),  # trigger, N
    TAG_REPORT_CONTENT_SELECTOR: ("TagReportContentSelector", ("u16",)),
    ACCESS_REPORT_SPEC: ("AccessReportSpec", ("u8",)),
    TAG_REPORT_DATA: ("TagReportData", ()),
    EPC_DATA: ("EPCData", ("bits",)),
    244: ("ReaderEventNotificationSpec", ()),
    245: ("EventNotificationState", ("u16", "u8")),
    READER_EVENT_NOTIFICATION_DATA: ("ReaderEventNotificationData", ()),
    ROSPEC_EVENT: ("ROSpecEvent", ("u8", "u32", "u32")),
    252: ("ReaderExceptionEvent", ("utf8",)),
    254: ("AISpecEvent", ("u8", "u32", "u16")),
    255: ("AntennaEvent", ("u8", "u16")),
    CONNECTION_ATTEMPT_EVENT: ("ConnectionAttemptEvent", ("u16",)),
    CONNECTION_CLOSE_EVENT: ("ConnectionCloseEvent", ()),
    LLRP_STATUS: ("LLRPStatus", ("u16", "utf8")),
    288: ("FieldError", ("u16", "u16")),
    289: ("ParameterError", ("u16", "u16")),
    C1G2_TAG_SPEC: ("C1G2TagSpec", ()),
    # memory bank (top 2 bits) and match (next bit), pointer, mask, data
    C1G2_TARGET_TAG: ("C1G2TargetTag", ("u8", "u16", "bits", "bits")),
    # op spec id, access password, memory bank (top 2 bits), word pointer, word count
    C1G2_READ: ("C1G2Read", ("u16", "u32", "u8", "u16", "u16")),
    # op spec id, access password, memory bank (top 2 bits), word pointer, data words
    C1G2_WRITE: ("C1G2Write", ("u16", "u32", "u8", "u16", "u16v")),
    C1G2_EPC_MEMORY_SELECTOR: ("C1G2EPCMemorySelector", ("u8",)),
    C1G2_READ_RESULT: ("C1G2ReadOpSpecResult", ("u8", "u16", "u16v")),  # result, id, words
    C1G2_WRITE_RESULT: ("C1G2WriteOpSpecResult", ("u8", "u16", "u16")),  # result, id, words
}

# ConnectionAttemptEvent status (17.2.7.6.11) and LLRPStatus codes (17.2.8.1.1) the client uses
CONNECTION_SUCCESS = 0
STATUS_SUCCESS = 0
# ROSpecEvent types, C1G2 op results
ROSPEC_EVENT_START = 0
ROSPEC_EVENT_END = 1
OP_SUCCESS = 0
WRITE_RESULT_NAMES = {
    0: "Success",
    1: "Tag memory overrun error",
    2: "Tag memory locked error",
    3: "Insufficient power to perform memory-write operation",
    4: "Nonspecific tag error",
    5: "No response from tag",
    6: "Nonspecific reader error",
}
EPC_BANK = 1
TID_BANK = 2
PROTOCOL_C1G2 = 1


def message_name(message_type: int) -> str:
    """The standard's name of a message type, or ``UNKNOWN(n)``."""
    known = MESSAGES.get(message_type)
    return known[0] if known else f"UNKNOWN({message_type})"


def parameter_name(parameter_type: int) -> str:
    """The standard's name of a parameter type, or ``Parameter(n)`` for one the codec keeps raw."""
    if parameter_type in TV_PARAMETERS:
        return TV_PARAMETERS[parameter_type][0]
    known = TLV_PARAMETERS.get(parameter_type)
    return known[0] if known else f"Parameter({parameter_type})"
