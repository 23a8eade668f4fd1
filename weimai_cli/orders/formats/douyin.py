"""Douyin 抖店 merchant order export (FORMATS.md §5).

A shop export: one row per 子订单编号, CSV in UTF-8 with a BOM, long ids
with a trailing TAB. 已关闭 is ``cancelled`` unless 售后状态 shows a
completed refund, which makes it ``refunded`` (FORMATS.md §7). Affiliate
traffic has 流量来源 = 精选联盟 and the creator in 达人ID, which is the slot
a share is matched by; a tracking code may also stand in 广告渠道.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Status, Text, Time

STATUSES = {
    "待支付": "pending",
    "待付款": "pending",
    "已支付": "paid",
    "待发货": "paid",
    "备货中": "paid",
    "部分发货": "paid",
    "已发货": "paid",
    "已签收": "confirmed",
    "已完成": "confirmed",
    "已关闭": "cancelled",
    "已取消": "cancelled",
}
REFUND_DONE = ("退款成功", "售后完成", "退货退款成功", "已退款", "退款完成")

COLUMNS = {
    "order_id": ("主订单编号",),
    "line_key": ("子订单编号",),
    "title": ("选购商品",),
    "spec": ("商品规格",),
    "quantity": ("商品数量",),
    "product_id": ("商品ID", "商品id"),
    "sku": ("商品编码",),
    "unit_price": ("商品金额",),
    "paid": ("订单应付金额",),
    "created_at": ("订单提交时间", "订单提交日期"),
    "paid_at": ("支付完成时间",),
    "finished_at": ("订单完成时间",),
    "status": ("订单状态",),
    "after_sale": ("售后状态",),
    "cancel_reason": ("取消原因",),
    "traffic": ("流量来源",),
    "creator_id": ("达人ID", "达人id"),
    "creator": ("达人昵称",),
    "ad_channel": ("广告渠道",),
}


def _no_code(b) -> list:
    return [not code for code in b["sku"]]


def _derive(b) -> None:
    """已关闭 with a completed refund in 售后状态 is refunded (the whole amount);
    the sku: 商品编码, else 商品ID."""
    status, after, paid = b["status"], b["refund_status"], b["paid_fen"]
    refunded = [0] * b.n
    if "cancelled" in status:
        status = list(status)
        for j, (canon, after_sale) in enumerate(zip(status, after, strict=True)):
            if canon == "cancelled" and after_sale and any(w in after_sale for w in REFUND_DONE):
                status[j], refunded[j] = "refunded", paid[j] or 0
        b["status"] = status
    b["refunded_fen"] = refunded
    b["sku"] = [code or product for code, product in zip(b["sku"], b["product_id"], strict=True)]


DESCRIPTION = Description(
    reads={
        "status": Status(STATUSES),
        "refund_status": Text("after_sale"),
        "paid_fen": Money("paid"),
        "line_key": Id("line_key", required=True),
        "order_id": Id("order_id"),
        "sku": Id("sku"),
        "product_id": Id("product_id", when=_no_code),
        "title": Text("title"),
        "quantity": Int("quantity"),
        "unit_price_fen": Money("unit_price"),
        "created_at": Time("created_at"),
        "paid_at": Time("paid_at"),
        "confirmed_at": Time("finished_at"),
        "slot": Id("creator_id"),
        "traffic": Text("traffic"),
        "creator": Text("creator"),
        "ad_channel": Text("ad_channel"),
    },
    codes=("ad_channel",),
    extra={"traffic": "traffic", "creator": "creator"},
    derive=_derive,
    derives=("refunded_fen", "sku"),
)


FORMAT = Format(
    name="douyin",
    platform="douyin",
    kind="shop",
    title="Douyin 抖店 merchant order export",
    columns=COLUMNS,
    required=("line_key", "status", "paid"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    priority=1,
)
