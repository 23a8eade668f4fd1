"""Douyin / Taobao live 达人 commission CSV (FORMATS.md §5).

An affiliate report: the creator's own orders with 预估出佣总额 (the
platform's commission figure) and 出佣比例 (``7.50%``). 订单退款金额 is ``-``
when there is no refund. A tracking code may stand in 备注.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Money, Rate, Status, Text, Time

STATUSES = {
    "订单待支付": "pending",
    "订单已付款": "paid",
    "订单已支付": "paid",
    "订单已发货": "paid",
    "订单已确认收货": "confirmed",
    "订单已收货": "confirmed",
    "订单已结算": "settled",
    "订单已退款": "refunded",
    "订单已取消": "cancelled",
    "订单已失效": "invalid",
    "已付款": "paid",
    "已收货": "confirmed",
    "已结算": "settled",
    "已退款": "refunded",
    "已失效": "invalid",
}

COLUMNS = {
    "order_id": ("主订单号", "主订单编号"),
    "line_key": ("子订单号", "子订单编号"),
    "title": ("商品", "商品名称"),
    "created_at": ("订单创建时间",),
    "paid_at": ("订单支付时间",),
    "confirmed_at": ("订单确认收货时间",),
    "status": ("订单状态",),
    "paid": ("订单支付金额",),
    "refunded": ("订单退款金额",),
    "base": ("预估计佣金额",),
    "commission": ("预估出佣总额",),
    "rate": ("出佣比例",),
    "note": ("备注",),
    "host": ("主播昵称",),
    "agency": ("服务商名称",),
}


DESCRIPTION = Description(
    reads={
        "status": Status(STATUSES),
        "line_key": Id("line_key", required=True),
        "order_id": Id("order_id"),
        "title": Text("title"),
        "paid_fen": Money("paid"),
        "refunded_fen": Money("refunded", default=0, absent=0),  # (``-``: no refund)
        "created_at": Time("created_at"),
        "paid_at": Time("paid_at"),
        "confirmed_at": Time("confirmed_at"),
        "reported_commission_fen": Money("commission", negative=True),
        "reported_rate_bp": Rate("rate"),
        "slot": Text("host"),
        "note": Text("note"),
    },
    codes=("note",),
)


FORMAT = Format(
    name="douyin-affiliate",
    platform="douyin-union",
    kind="affiliate",
    title="Douyin 达人 commission CSV",
    columns=COLUMNS,
    required=("line_key", "status", "paid", "commission"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    priority=2,
)
