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
    "zone_editor": ("区域编辑", "Zone editor"),
    "ze_mode": ("绘制", "Draw"),
    "ze_zone": ("车道区域", "Lane zone"),
    "ze_mask": ("屏蔽区", "Mask"),
    "ze_homography": ("地面标定（4 点）", "Ground plane (4 points)"),
    "ze_zone_name": ("区域名称", "Zone name"),
    "ze_lane": ("车道", "Lane"),
    "ze_finish": ("完成多边形", "Finish polygon"),
    "ze_undo": ("撤销一点", "Undo point"),
    "ze_remove": ("删除", "Remove"),
    "ze_save": ("保存", "Save"),
    "ze_saved": ("已保存，下次启动时生效：", "Saved; applies at the next start: "),
    "ze_saved_live": ("已保存并已生效：", "Saved and in effect now: "),
    "ze_invalid": ("未保存，请修改：", "Not saved; please fix:"),
    "ze_need_name": ("请先填写区域名称", "Enter a zone name first"),
    "ze_need_points": ("多边形至少需要 3 个点", "A polygon needs at least 3 points"),
    "ze_no_snapshot": ("尚无画面，按像素坐标绘制", "No frame yet; drawing in pixel coordinates"),
    "ze_image_point": ("图像点", "Image point"),
    "ze_ground": ("地面坐标（米）", "Ground position (m)"),
    "ze_points": ("点", "points"),
    "ze_help": (
        "在画面上点击添加顶点；区域以目标框底边中点判定。"
        "地面标定：依次点击 4 个点并填写其地面坐标（米）。",
        "Click the picture to add points; zones are tested at the bottom centre of each box. "
        "Ground plane: click 4 points in turn and enter where they lie on the ground (metres).",
    ),
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
