"""Taobao Union legacy ``TaokeDetail-YYYY-MM-DD.xls`` (≈2013–2019, FORMATS.md §1b).

30 columns A–AD; no sub-order id, so the line key is 订单编号 + ``-`` + 商品ID.
Rates are printed ``70.00 %``. Tracking: 广告位ID (the slot) and a code in
广告位名称.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

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


def build(c, ctx) -> Parser:
    order = c.id("order_id", required=True)
    sku = c.id("sku", required=True)
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
    settled_at = c.time("settled_at")
    slot = c.id("slot")
    slot_name = c.text("slot_name")
    codes = ctx.codes

    def feed(rownum, v):
        canon, raw = status(v)
        oid, item = order(v), sku(v)
        s_comm = settled_comm(v)
        line = {
            "line_key": f"{oid}-{item}",
            "order_id": oid,
            "sku": item,
            "title": title(v),
            "quantity": qty(v),
            "unit_price_fen": price(v),
            "paid_fen": paid(v),
            "settled_fen": settled(v) or None,
            "status": canon,
            "raw_status": raw,
            "created_at": created(v),
            "paid_at": created(v),
            "settled_at": settled_at(v),
            "slot": slot(v),
            "reported_commission_fen": s_comm if canon == "settled" and s_comm is not None else paid_comm(v),
            "settled_commission_fen": s_comm if canon == "settled" else None,
            "reported_rate_bp": rate(v),
            **codes(slot_name(v)),
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="taobao-union-legacy",
    platform="taobao",
    kind="affiliate",
    title="Taobao Union TaokeDetail .xls (legacy)",
    columns=COLUMNS,
    required=("order_id", "sku", "status", "paid"),
    build=build,
    statuses=STATUSES,
    priority=1,
)
