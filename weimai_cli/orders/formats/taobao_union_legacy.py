"""Taobao Union legacy ``TaokeDetail-YYYY-MM-DD.xls`` (≈2013–2019, FORMATS.md §1b).

30 columns A–AD; no sub-order id, so the line key is 订单编号 + ``-`` + 商品ID.
Rates are printed ``70.00 %``. Tracking: 广告位ID (the slot) and a code in
广告位名称.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Rate, Status, Text, Time

STATUSES = {
    "订单付款": "paid",
    "订单成功": "confirmed",
    "订单结算": "settled",
    "订单失效": "invalid",
    "已付款": "paid",
    "已收货": "confirmed",
    "已结算": "settled",
    "已失效": "invalid",
}

COLUMNS = {
    "order_id": ("订单编号",),
    "sku": ("商品ID", "商品id"),
    "title": ("商品信息",),
    "shop": ("所属店铺", "掌柜旺旺"),
    "quantity": ("商品数", "商品数量"),
    "unit_price": ("商品单价",),
    "status": ("订单状态",),
    "rate": ("收入比率",),
    "share_rate": ("分成比率",),
    "paid": ("付款金额",),
    "paid_commission": ("效果预估",),
    "settled": ("结算金额",),
    "settled_commission": ("预估收入",),
    "created_at": ("创建时间",),
    "clicked_at": ("点击时间",),
    "settled_at": ("结算时间",),
    "site_id": ("来源媒体ID",),
    "slot": ("广告位ID",),
    "slot_name": ("广告位名称",),
    "relation_id": ("渠道关系ID",),
}


def _settled_without_figure(b) -> list:
    """Rows whose reported commission is the paid figure (效果预估)."""
    return [not (s == "settled" and c is not None) for s, c in zip(b["status"], b["settled_commission"], strict=True)]


def _derive(b) -> None:
    """Paid when created; the commission reported: the settled figure once
    settled, else the paid one."""
    b["paid_at"] = b["created_at"]
    settled = [s == "settled" for s in b["status"]]
    s_comm, p_comm = b["settled_commission"], b["paid_commission"]
    b["reported_commission_fen"] = [
        s if done and s is not None else p for done, s, p in zip(settled, s_comm, p_comm, strict=True)
    ]
    b["settled_commission_fen"] = [s if done else None for done, s in zip(settled, s_comm, strict=True)]


DESCRIPTION = Description(
    reads={
        "status": Status(STATUSES),
        "order_id": Id("order_id", required=True),
        "sku": Id("sku", required=True),
        "settled_commission": Money("settled_commission"),
        "title": Text("title"),
        "quantity": Int("quantity"),
        "unit_price_fen": Money("unit_price"),
        "paid_fen": Money("paid"),
        "settled_fen": Money("settled", nonzero=True),
        "created_at": Time("created_at"),
        "settled_at": Time("settled_at"),
        "slot": Id("slot"),
        "paid_commission": Money("paid_commission", when=_settled_without_figure),
        "reported_rate_bp": Rate("rate"),
        "slot_name": Text("slot_name"),
    },
    key=("order_id", "sku"),
    joiner="-",
    codes=("slot_name",),
    derive=_derive,
    derives=("paid_at", "reported_commission_fen", "settled_commission_fen"),
)


FORMAT = Format(
    name="taobao-union-legacy",
    platform="taobao",
    kind="affiliate",
    title="Taobao Union TaokeDetail .xls (legacy)",
    columns=COLUMNS,
    required=("order_id", "sku", "status", "paid"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    priority=1,
)
