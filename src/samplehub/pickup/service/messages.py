"""What the customer and staff read about pickups, zh-CN first with English available.

Notifiers and pages look messages up by the keys the pickup use cases use; ``{name}`` fields
come from the ``details`` they pass. The code itself is only ever filled into ``pickup_code``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "pickup_code": (
        "您的取件码 {code}，有效期至 {valid_until}。请勿转告他人。",
        "Your pickup code is {code}, valid until {valid_until}. Do not share it.",
    ),
    "pickup_at_counter": (
        "样品 {sample} 放在服务台，请凭取件码到服务台领取。",
        "Sample {sample} waits at the staff counter; show your pickup code there.",
    ),
    "pickup_receipt": ("已取走样品：{samples}。", "Collected: {samples}."),
    "pickup_rescheduled": (
        "样品未能按时备好，取件时间改为 {window_start}，新的取件码将另行发送。",
        "Your samples could not be ready in time; pickup moved to {window_start}. "
        "A new code follows.",
    ),
    "pickup_expired": (
        "样品 {samples} 未在期限内取走，已退回库房，取件码作废。您可重新预约取件。",
        "Samples {samples} were not collected in time and went back to storage; the code is "
        "void. You may book again.",
    ),
    "kiosk_rejected": (
        "取件码无效或已过期，请核对后重试。",
        "The code is not valid. Please check it and try again.",
    ),
    "kiosk_locked": (
        "输入错误次数过多，请 {minutes} 分钟后再试。",
        "Too many wrong entries. Please try again in {minutes} minutes.",
    ),
    "sample_left_in_locker": (
        "样品 {sample} 仍在 {where}，请工作人员处理。",
        "Sample {sample} is still in {where}; staff please check.",
    ),
    "locker_fault": (
        "格口 {compartment} 故障（{outcome}），已停用。",
        "Compartment {compartment} failed ({outcome}) and is out of service.",
    ),
    "pickup_ready": (
        "样品 {samples} 已放入取件柜，请于 {window_start} 至 {window_end} 凭取件码取件。",
        "Samples {samples} are in the pickup locker; collect them between {window_start} and "
        "{window_end} with your code.",
    ),
    "pickup_cancelled": (
        "取件预约已取消，取件码作废。",
        "Your pickup is cancelled; the code is void.",
    ),
    "locker_fault_at_pickup": (
        "取件时格口 {compartment} 未能打开（{outcome}），样品 {sample} 请由工作人员送至服务台。",
        "Compartment {compartment} did not open at pickup ({outcome}); staff please bring "
        "sample {sample} to the counter.",
    ),
    "loading_failed": (
        "样品 {sample} 未能放入格口 {compartment}，改放服务台。",
        "Sample {sample} could not be loaded into {compartment}; it goes to the counter.",
    ),
    "kiosk_locked_staff": (
        "取件终端 {kiosk} 因多次输错取件码已暂时锁定。",
        "Pickup kiosk {kiosk} is locked after repeated wrong codes.",
    ),
    "pickup_not_reschedulable": (
        "预约 {booking} 无法按时备货，且没有可改约的时段，请人工处理。",
        "Booking {booking} cannot be staged in time and no later window is free; please act.",
    ),
}

STAFF_KEYS = {"kiosk_locked": "kiosk_locked_staff"}  # staff read a wording of their own


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(key: str, details: dict[str, str], lang: str = "zh-CN") -> str:
    """The message in ``lang`` (zh-CN or en); unknown keys fall back to the key itself.

    A field the caller did not give is left empty rather than failing the notice.
    """
    zh, en = MESSAGES.get(key, (key, key))
    template = en if lang.lower().startswith("en") else zh
    return template.format_map(_Blank(details))
