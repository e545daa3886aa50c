"""Page texts in zh-CN (default) and English."""

from __future__ import annotations

LOCALES = ("zh-CN", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    "app": ("LaneGuard 收费车道误闯预警", "LaneGuard toll-lane intrusion alarm"),
    "incidents": ("误闯事件", "Incidents"),
    "stats": ("统计", "Statistics"),
    "terminal": ("值班终端", "Staff terminal"),
    "live": ("实时画面", "Live view"),
    "time": ("时间", "Time"),
    "camera": ("摄像机", "Camera"),
    "lane": ("车道", "Lane"),
    "zone": ("区域", "Zone"),
    "class": ("类别", "Class"),
    "track": ("轨迹", "Track"),
    "snapshot": ("抓拍", "Snapshot"),
    "clip": ("视频片段", "Clip"),
    "clip_download": ("下载 (AVI)", "Download (AVI)"),
    "outcome": ("处置结果", "Outcome"),
    "closed_by": ("处置人", "Closed by"),
    "open": ("待处置", "Open"),
    "turned_back": ("劝返", "Turned back"),
    "left_by_itself": ("自行离开", "Left by itself"),
    "false_alarm": ("误报", "False alarm"),
    "pedestrian": ("行人", "Pedestrian"),
    "bicycle": ("自行车", "Bicycle"),
    "motorcycle": ("摩托车", "Motorcycle"),
    "e-bike": ("电动自行车", "E-bike"),
    "vehicle": ("机动车", "Vehicle"),
    "no_incidents": ("暂无误闯事件", "No incidents yet"),
    "from": ("起", "From"),
    "to": ("止", "To"),
    "group_by": ("分组", "Group by"),
    "day": ("日期", "Day"),
    "station": ("收费站", "Station"),
    "show": ("查询", "Show"),
    "csv": ("导出 CSV", "Export CSV"),
    "total": ("合计", "Total"),
    "turned_back_rate": ("劝返率", "Turned-back rate"),
    "false_alarm_rate": ("误报率", "False-alarm rate"),
    "yoy": ("同比", "Year over year"),
    "previous_year": ("去年同期", "Same period last year"),
    "this_period": ("本期", "This period"),
    "change": ("变化", "Change"),
    "simulate": ("模拟一次误闯", "Simulate an intrusion"),
    "frames": ("帧", "frames"),
    "seconds": ("秒", "s"),
    "enrol": ("登记本终端", "Enrol this terminal"),
    "name": ("姓名", "Name"),
    "code": ("登记码", "Enrolment code"),
    "no_frames": ("尚无画面", "No frames yet"),
    "e2e_note": (
        "告警在浏览器内用本机私钥解密（X25519 + AES-256-GCM），服务器只转发密文。",
        "Alerts are decrypted in this browser with its own private key (X25519 + AES-256-GCM); "
        "the server only relays ciphertext.",
    ),
}


def pick_locale(query: str | None, cookie: str | None, default: str) -> str:
    for candidate in (query, cookie):
        if candidate in LOCALES:
            return candidate
    return default


def translator(locale: str) -> dict[str, str]:
    index = 0 if locale == "zh-CN" else 1
    return {key: texts[index] for key, texts in MESSAGES.items()}
