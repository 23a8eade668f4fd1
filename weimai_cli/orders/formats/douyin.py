"""Douyin 抖店 merchant order export (FORMATS.md §5).

A shop export: one row per 子订单编号, CSV in UTF-8 with a BOM, long ids
with a trailing TAB. 已关闭 is ``cancelled`` unless 售后状态 shows a
completed refund, which makes it ``refunded`` (FORMATS.md §7). Affiliate
traffic has 流量来源 = 精选联盟 and the creator in 达人ID, which is the slot
a share is matched by; a tracking code may also stand in 广告渠道.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

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


def build(c, ctx) -> Parser:
    order = c.id("order_id")
    key = c.id("line_key", required=True)
    title = c.text("title")
    qty = c.int("quantity")
    product = c.id("product_id")
    code = c.id("sku")
    price = c.money("unit_price")
    paid = c.money("paid")
    created = c.time("created_at")
    paid_at = c.time("paid_at")
    finished = c.time("finished_at")
    status = c.status("status", STATUSES)
    after = c.text("after_sale")
    traffic = c.text("traffic")
    creator_id = c.id("creator_id")
    creator = c.text("creator")
    ad = c.text("ad_channel")
    codes = ctx.codes

    def feed(rownum, v):
        canon, raw = status(v)
        after_sale = after(v)
        amount = paid(v)
        refunded = 0
        if canon == "cancelled" and after_sale and any(w in after_sale for w in REFUND_DONE):
            canon, refunded = "refunded", amount or 0
        line = {
            "line_key": key(v),
            "order_id": order(v),
            "sku": code(v) or product(v),
            "title": title(v),
            "quantity": qty(v),
            "unit_price_fen": price(v),
            "paid_fen": amount,
            "refunded_fen": refunded,
            "status": canon,
            "raw_status": raw,
            "refund_status": after_sale,
            "created_at": created(v),
            "paid_at": paid_at(v),
            "confirmed_at": finished(v),
            "slot": creator_id(v),
            "extra": {"traffic": traffic(v), "creator": creator(v)},
            **codes(ad(v)),
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="douyin",
    platform="douyin",
    kind="shop",
    title="Douyin 抖店 merchant order export",
    columns=COLUMNS,
    required=("line_key", "status", "paid"),
    build=build,
    statuses=STATUSES,
    priority=1,
)
