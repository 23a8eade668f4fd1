"""Generic order CSV: any export, with the columns named by weimai's field
names (below) or mapped with ``--map COLUMN=field`` / a saved ``--mapping``.

A shop export (DESIGN §5): lines earn commission only through the share they
are attributed to. ``line_key`` is required; ``paid`` is the line's amount.
Statuses: the canonical names and the usual words for them (WooCommerce
slugs, Chinese labels).
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

STATUSES = {
    "pending": "pending", "unpaid": "pending", "on-hold": "pending", "待付款": "pending",
    "待支付": "pending",
    "paid": "paid", "processing": "paid", "已付款": "paid", "已支付": "paid", "付款": "paid",
    "confirmed": "confirmed", "completed": "confirmed", "complete": "confirmed",
    "delivered": "confirmed", "已完成": "confirmed", "已收货": "confirmed", "交易成功": "confirmed",
    "settled": "settled", "已结算": "settled",
    "cancelled": "cancelled", "canceled": "cancelled", "failed": "cancelled",
    "已取消": "cancelled", "已关闭": "cancelled", "交易关闭": "cancelled",
    "refunded": "refunded", "已退款": "refunded",
    "invalid": "invalid", "已失效": "invalid", "无效": "invalid",
}

# field -> aliases (the field names themselves come first)
_ALIASES = {
    "line_key": ("line_id", "line key", "子订单号", "子订单编号"),
    "order_id": ("order", "订单号", "订单编号"),
    "sku": ("商品编码", "SKU"),
    "title": ("商品名称", "商品标题"),
    "quantity": ("qty", "数量", "商品数量"),
    "unit_price": ("price", "单价"),
    "paid": ("amount", "paid_amount", "付款金额", "实付金额"),
    "refunded": ("refund", "退款金额"),
    "settled": ("结算金额",),
    "currency": ("币种",),
    "status": ("order_status", "订单状态"),
    "created_at": ("created", "创建时间", "下单时间"),
    "paid_at": ("付款时间", "支付时间"),
    "confirmed_at": ("收货时间",),
    "settled_at": ("结算时间",),
    "tracking_code": ("code", "ref", "追踪码"),
    "slot": ("推广位",),
    "commission": ("佣金",),
    "rate": ("commission_rate", "佣金比例"),
}
COLUMNS = {f: (f, *names) for f, names in _ALIASES.items()}
FIELDS = tuple(COLUMNS)


def build(c, ctx) -> Parser:
    key = c.id("line_key", required=True)
    order = c.id("order_id")
    sku = c.id("sku")
    title = c.text("title")
    qty = c.int("quantity")
    price = c.money("unit_price")
    paid = c.money("paid")
    refunded = c.money("refunded")
    settled = c.money("settled")
    currency = c.text("currency")
    status = c.status("status", STATUSES, default="paid")
    created = c.time("created_at")
    paid_at = c.time("paid_at")
    confirmed = c.time("confirmed_at")
    settled_at = c.time("settled_at")
    code = c.text("tracking_code")
    slot = c.id("slot")
    commission = c.money("commission", negative=True)
    rate = c.rate("rate")
    codes = ctx.codes
    default_currency = ctx.currency

    def feed(rownum, v):
        canon, raw = status(v)
        line = {
            "line_key": key(v),
            "order_id": order(v),
            "sku": sku(v),
            "title": title(v),
            "quantity": qty(v),
            "unit_price_fen": price(v),
            "paid_fen": paid(v),
            "refunded_fen": refunded(v) or 0,
            "settled_fen": settled(v),
            "currency": currency(v) or default_currency,
            "status": canon,
            "raw_status": raw,
            "created_at": created(v),
            "paid_at": paid_at(v),
            "confirmed_at": confirmed(v),
            "settled_at": settled_at(v),
            "slot": slot(v),
            "reported_commission_fen": commission(v),
            "reported_rate_bp": rate(v),
        }
        c_text = code(v)
        if c_text:
            line.update(codes(c_text))
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="generic",
    platform="generic",
    kind="shop",
    title="generic CSV (field names, or --map COLUMN=field)",
    columns=COLUMNS,
    required=("line_key", "paid"),
    build=build,
    statuses=STATUSES,
    priority=-1,
)
