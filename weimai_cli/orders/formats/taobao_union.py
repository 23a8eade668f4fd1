"""Taobao Union (淘宝联盟) promoter order detail, 2019+ layout (FORMATS.md §1a).

One row per 淘宝子订单号 (cart line). Presale orders come as a deposit row
and a balance row with the same sub-order id: the importer adds their
付款金额 and 付款预估收入 (FORMATS.md §7). Rates are percent numbers
(``0.45`` = 0.45 %). Attribution: a tracking code in 推广位名称 (the user
names the 推广位 after the share) or the slot 推广位ID.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

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


def build(c, ctx) -> Parser:
    key = c.id("line_key", required=True)
    order = c.id("order_id")
    sku = c.id("sku")
    title = c.text("title")
    qty = c.int("quantity")
    price = c.money("unit_price")
    status = c.status("status", STATUSES)
    paid = c.money("paid")
    paid_comm = c.money("paid_commission")
    settled = c.money("settled")
    settled_comm = c.money("settled_commission")
    rate = c.rate("rate")
    created = c.time("created_at")
    paid_at = c.time("paid_at")
    settled_at = c.time("settled_at")
    slot = c.id("slot")
    slot_name = c.text("slot_name")
    relation = c.id("relation_id")
    deposit = c.money("deposit")
    deposit_at = c.time("deposit_paid_at")
    codes = ctx.codes

    def feed(rownum, v):
        canon, raw = status(v)
        dep, dep_at = deposit(v), deposit_at(v)
        s_comm = settled_comm(v)
        p_comm = paid_comm(v)
        line = {
            "line_key": key(v),
            "order_id": order(v),
            "sku": sku(v),
            "title": title(v),
            "quantity": qty(v),
            "unit_price_fen": price(v),
            "paid_fen": paid(v),
            "settled_fen": settled(v) or None,
            "status": canon,
            "raw_status": raw,
            "created_at": created(v),
            "paid_at": paid_at(v),
            "settled_at": settled_at(v),
            "slot": slot(v),
            "reported_commission_fen": s_comm if canon == "settled" and s_comm is not None else p_comm,
            "settled_commission_fen": s_comm if canon == "settled" else None,
            "reported_rate_bp": rate(v),
            "presale": 1 if (dep or dep_at) else 0,
            "extra": {"deposit_fen": dep, "deposit_paid_at": dep_at, "relation_id": relation(v)},
            **codes(slot_name(v)),
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="taobao-union",
    platform="taobao",
    kind="affiliate",
    title="Taobao Union 订单明细 (2019+)",
    columns=COLUMNS,
    required=("line_key", "status", "paid"),
    build=build,
    statuses=STATUSES,
    priority=2,
    pairs=True,
)
