"""Taobao Union (淘宝联盟) promoter order detail, 2019+ layout (FORMATS.md §1a).

One row per 淘宝子订单号 (cart line). Presale orders come as a deposit row
and a balance row with the same sub-order id: the importer adds their
付款金额 and 付款预估收入 (FORMATS.md §7). Rates are percent numbers
(``0.45`` = 0.45 %). Attribution: a tracking code in 推广位名称 (the user
names the 推广位 after the share) or the slot 推广位ID.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Rate, Status, Text, Time

STATUSES = {
    "已付款": "paid",
    "已收货": "confirmed",
    "已结算": "settled",
    "已失效": "invalid",
    # the legacy wording, seen in re-saved files
    "订单付款": "paid",
    "订单成功": "confirmed",
    "订单结算": "settled",
    "订单失效": "invalid",
}

COLUMNS = {
    "line_key": ("淘宝子订单号", "淘宝子订单编号", "子订单号", "trade_id"),
    "order_id": ("淘宝订单编号", "淘宝订单号", "trade_parent_id"),
    "sku": ("商品ID", "商品id", "item_id"),
    "title": ("商品标题", "商品名称", "item_title"),
    "quantity": ("商品数量", "item_num"),
    "unit_price": ("商品单价", "item_price"),
    "status": ("订单状态", "tk_status"),
    "paid": ("付款金额", "alipay_total_price"),
    "paid_commission": ("付款预估收入", "pub_share_pre_fee"),
    "settled": ("结算金额", "pay_price"),
    "settled_commission": ("结算预估收入", "pub_share_fee"),
    "rate": ("收入比率", "收入比例", "income_rate"),
    "share_rate": ("分成比率", "分成比例"),
    "created_at": ("创建时间", "tk_create_time"),
    "clicked_at": ("点击时间", "click_time"),
    "paid_at": ("付款时间", "淘宝付款时间", "tk_paid_time", "tb_paid_time"),
    "settled_at": ("结算时间", "tk_earning_time"),
    "slot": ("推广位ID", "推广位id", "adzone_id"),
    "slot_name": ("推广位名称", "adzone_name"),
    "site_id": ("媒体ID", "site_id"),
    "relation_id": ("渠道关系ID", "relation_id"),
    "special_id": ("会员运营ID", "special_id"),
    "refund_tag": ("维权标签", "refund_tag"),
    "deposit": ("定金付款金额", "deposit_price"),
    "deposit_paid_at": ("定金付款时间", "定金淘宝付款时间", "tb_deposit_time"),
}


def _derive(b) -> None:
    """The commission reported: the settled figure once settled, else the
    paid one; a deposit (or its time) marks one row of a presale pair."""
    settled = [s == "settled" for s in b["status"]]
    s_comm, p_comm = b["settled_commission"], b["paid_commission"]
    b["reported_commission_fen"] = [
        s if done and s is not None else p for done, s, p in zip(settled, s_comm, p_comm, strict=True)
    ]
    b["settled_commission_fen"] = [s if done else None for done, s in zip(settled, s_comm, strict=True)]
    b["presale"] = [1 if (d or at) else 0 for d, at in zip(b["deposit"], b["deposit_paid_at"], strict=True)]


DESCRIPTION = Description(
    reads={
        "status": Status(STATUSES),
        "deposit": Money("deposit"),
        "deposit_paid_at": Time("deposit_paid_at"),
        "settled_commission": Money("settled_commission"),
        "paid_commission": Money("paid_commission"),
        "line_key": Id("line_key", required=True),
        "order_id": Id("order_id"),
        "sku": Id("sku"),
        "title": Text("title"),
        "quantity": Int("quantity"),
        "unit_price_fen": Money("unit_price"),
        "paid_fen": Money("paid"),
        "settled_fen": Money("settled", nonzero=True),
        "created_at": Time("created_at"),
        "paid_at": Time("paid_at"),
        "settled_at": Time("settled_at"),
        "slot": Id("slot"),
        "reported_rate_bp": Rate("rate"),
        "relation_id": Id("relation_id"),
        "slot_name": Text("slot_name"),
    },
    codes=("slot_name",),
    extra={"deposit_fen": "deposit", "deposit_paid_at": "deposit_paid_at", "relation_id": "relation_id"},
    derive=_derive,
    derives=("reported_commission_fen", "settled_commission_fen"),
)


FORMAT = Format(
    name="taobao-union",
    platform="taobao",
    kind="affiliate",
    title="Taobao Union 订单明细 (2019+)",
    columns=COLUMNS,
    required=("line_key", "status", "paid"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    priority=2,
    pairs=True,
)
