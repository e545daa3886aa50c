"""The pages' message catalogue (zh-CN default, English) and the formatting of times and places.

Every string a page shows comes from ``MESSAGES``; a key missing from one language falls back
to the other, so a forgotten translation shows text rather than a key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from samplehub.core.domain.lifecycle import LABELS, SampleState
from samplehub.web.i18n_kiosk import KIOSK_MESSAGES
from samplehub.web.i18n_lab import LAB_MESSAGES
from samplehub.web.i18n_pickup import PICKUP_MESSAGES

LOCALES = ("zh-CN", "en")
# China Standard Time: UTC+8 all year, no daylight saving since 1991; a fixed offset needs no
# time zone database on the machine.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

MESSAGES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "app_name": "SampleHub 样品流转",
        "tagline": "计量器具送检 · 自助受理 · 全程可追溯",
        "nav_my_orders": "我的委托单",
        "nav_orders": "委托单",
        "nav_samples": "样品查询",
        "logout": "退出",
        "lang_switch": "English",
        "login_title": "登录",
        "login_lead": "查询委托单与样品流转进度",
        "username": "用户名",
        "password": "密码",
        "login_button": "登录",
        "login_failed": "用户名或密码错误",
        "too_many": "登录失败次数过多，请 {seconds} 秒后再试",
        "csrf_failed": "页面已过期，请刷新后重试",
        "not_found_title": "未找到",
        "not_found_text": "该记录不存在，或您无权查看。",
        "error_title": "操作未完成",
        "forbidden_title": "无权操作",
        "back_home": "返回首页",
        "order": "委托单",
        "order_number": "委托单号",
        "service_verification": "检定",
        "service_calibration": "校准",
        "channel_online": "网上预约",
        "channel_kiosk": "自助平台",
        "created_at": "创建时间",
        "samples_count": "{n} 件样品",
        "items_expected": "预计送检 {n} 件",
        "no_orders": "暂无委托单",
        "no_samples_yet": "样品尚未送达",
        "sample": "样品",
        "sample_number": "样品编号",
        "instrument_type": "器具名称",
        "manufacturer": "制造厂",
        "model": "型号",
        "serial_number": "出厂编号",
        "range": "测量范围",
        "accuracy_class": "准确度等级",
        "asset_id": "资产编号",
        "state": "状态",
        "location": "当前位置",
        "updated": "更新时间",
        "timeline": "流转记录",
        "track": "查看流转",
        "search": "查询",
        "text_placeholder": "样品编号、出厂编号、型号…",
        "all_states": "全部状态",
        "results": "共 {total} 条",
        "prev": "上一页",
        "next": "下一页",
        "page_of": "第 {page} / {pages} 页",
        "no_results": "没有符合条件的样品",
        "actions": "操作",
        "location_field": "位置（{kinds}:编号）",
        "reason": "原因",
        "hold_reason": "异常类型",
        "done": "已执行：{what}",
        "no_actions": "当前状态下您没有可执行的操作",
        "signed_in_as": "当前用户",
        "by": "操作人",
        "loc_customer": "客户处",
        "loc_intake_platform": "送样平台",
        "loc_storage_slot": "货位",
        "loc_robot": "搬运机器人",
        "loc_staff": "人工搬运",
        "loc_lab_bench": "实验室工位",
        "loc_locker_compartment": "取件柜格口",
        "loc_counter": "服务台",
        "tr_receive": "收样",
        "tr_reject": "拒收",
        "tr_start_transport": "开始运送",
        "tr_store": "入库",
        "tr_deliver_to_lab": "送达实验室",
        "tr_complete_service": "完成检定/校准",
        "tr_stage": "放入取件柜",
        "tr_collect": "确认取件",
        "tr_expire_pickup": "取件超时",
        "tr_hold": "挂起",
        "tr_release": "解除挂起",
        "hold_mismatch": "信息不符",
        "hold_missing": "缺失",
        "hold_damaged": "损坏",
        "role_customer": "客户",
        "role_kiosk": "自助平台",
        "role_lab": "实验室",
        "role_approver": "批准人",
        "role_warehouse": "仓库",
        "role_admin": "管理员",
        "new_order": "新建委托单",
        "new_order_lead": "网上预约送检：填写要送检的器具，到自助送样平台扫码交样",
        "service": "服务类型",
        "customer": "委托单位",
        "quantity": "数量",
        "items": "送检器具",
        "submit_order": "提交委托单",
        "order_created": "委托单 {number} 已创建",
        "optional": "（选填）",
    },
    "en": {
        "app_name": "SampleHub",
        "tagline": "Instrument calibration · self-service intake · full chain of custody",
        "nav_my_orders": "My orders",
        "nav_orders": "Orders",
        "nav_samples": "Samples",
        "logout": "Log out",
        "lang_switch": "中文",
        "login_title": "Log in",
        "login_lead": "Track your orders and samples",
        "username": "Username",
        "password": "Password",
        "login_button": "Log in",
        "login_failed": "Wrong username or password",
        "too_many": "Too many failed logins; try again in {seconds} s",
        "csrf_failed": "This form has expired; reload the page and try again",
        "not_found_title": "Not found",
        "not_found_text": "It does not exist, or you may not see it.",
        "error_title": "Not done",
        "forbidden_title": "Not allowed",
        "back_home": "Back to start",
        "order": "Order",
        "order_number": "Order no.",
        "service_verification": "Verification",
        "service_calibration": "Calibration",
        "channel_online": "Online",
        "channel_kiosk": "Kiosk",
        "created_at": "Created",
        "samples_count": "{n} samples",
        "items_expected": "{n} items expected",
        "no_orders": "No orders yet",
        "no_samples_yet": "No samples handed in yet",
        "sample": "Sample",
        "sample_number": "Sample no.",
        "instrument_type": "Instrument",
        "manufacturer": "Manufacturer",
        "model": "Model",
        "serial_number": "Serial no.",
        "range": "Range",
        "accuracy_class": "Accuracy class",
        "asset_id": "Asset id",
        "state": "State",
        "location": "Location",
        "updated": "Updated",
        "timeline": "Timeline",
        "track": "Track",
        "search": "Search",
        "text_placeholder": "Sample no., serial no., model…",
        "all_states": "All states",
        "results": "{total} results",
        "prev": "Previous",
        "next": "Next",
        "page_of": "Page {page} of {pages}",
        "no_results": "No samples match",
        "actions": "Actions",
        "location_field": "Location ({kinds}:code)",
        "reason": "Reason",
        "hold_reason": "Hold reason",
        "done": "Done: {what}",
        "no_actions": "Nothing you may do in this state",
        "signed_in_as": "Signed in as",
        "by": "By",
        "loc_customer": "With the customer",
        "loc_intake_platform": "Intake platform",
        "loc_storage_slot": "Storage slot",
        "loc_robot": "Robot",
        "loc_staff": "Carried by staff",
        "loc_lab_bench": "Lab bench",
        "loc_locker_compartment": "Locker compartment",
        "loc_counter": "Counter",
        "tr_receive": "Receive",
        "tr_reject": "Reject",
        "tr_start_transport": "Start transport",
        "tr_store": "Store",
        "tr_deliver_to_lab": "Deliver to lab",
        "tr_complete_service": "Complete service",
        "tr_stage": "Stage for pickup",
        "tr_collect": "Collected",
        "tr_expire_pickup": "Pickup expired",
        "tr_hold": "Put on hold",
        "tr_release": "Release",
        "hold_mismatch": "Mismatch",
        "hold_missing": "Missing",
        "hold_damaged": "Damaged",
        "role_customer": "Customer",
        "role_kiosk": "Kiosk",
        "role_lab": "Lab",
        "role_approver": "Approver",
        "role_warehouse": "Warehouse",
        "role_admin": "Admin",
        "new_order": "New order",
        "new_order_lead": "Book online: list the instruments, then hand them in at the kiosk",
        "service": "Service",
        "customer": "Customer",
        "quantity": "Quantity",
        "items": "Instruments",
        "submit_order": "Place order",
        "order_created": "Order {number} created",
        "optional": " (optional)",
    },
}


def pick_locale(asked: str | None, default: str) -> str:
    """The locale for ``asked`` (a query or cookie value), or ``default`` when it is not known."""
    if asked in LOCALES:
        return str(asked)
    if asked and asked.lower().startswith("en"):
        return "en"
    return default if default in LOCALES else "zh-CN"


class Translator:
    """The catalogue seen in one locale; templates call it as ``t("key", n=3)``."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._own = MESSAGES[locale]
        self._other = MESSAGES["en" if locale == "zh-CN" else "zh-CN"]

    def __call__(self, key: str, **values: object) -> str:
        text = self._own.get(key) or self._other.get(key) or key
        return text.format(**values) if values else text

    def state(self, state: str) -> str:
        zh, en = LABELS[SampleState(state)]
        return en if self.locale == "en" else zh

    def place(self, location: str | None) -> str:
        """``storage_slot:A-03-2-07`` as ``货位 A-03-2-07``."""
        if not location:
            return ""
        kind, _, code = location.partition(":")
        label = self(f"loc_{kind}")
        if kind == "customer":
            return label
        return f"{label} {code}".strip()

    def time(self, value: datetime | str | None) -> str:
        """A time in Asia/Shanghai, ``2026-11-02 17:00``."""
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _merge(extra: dict[str, dict[str, str]]) -> None:
    for locale, messages in extra.items():
        MESSAGES[locale].update(messages)


_merge(KIOSK_MESSAGES)
_merge(LAB_MESSAGES)
_merge(PICKUP_MESSAGES)
