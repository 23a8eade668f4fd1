"""Generic order CSV: any export, with the columns named by weimai's field
names (below) or mapped with ``--map COLUMN=field`` / a saved ``--mapping``.

A shop export (DESIGN §5): lines earn commission only through the share they
are attributed to. ``line_key`` is required; ``paid`` is the line's amount.
Statuses: the canonical names and the usual words for them (WooCommerce
slugs, Chinese labels).
"""

from __future__ import annotations

from itertools import compress

from weimai_cli.orders.formats import Format, Parser
from weimai_cli.orders.values import ColumnGetters

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
    # no refunded column: the file says nothing of refunds (a stored refund stays);
    # an empty cell in one is no refund
    has_refunded = c.has("refunded")

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
            "refunded_fen": (refunded(v) or 0) if has_refunded else None,
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

    return Parser(feed, fields=_fields(c), batch=_batch(c, ctx))


# line field <- generic field, where the names differ
_SOURCE = {"unit_price_fen": "unit_price", "paid_fen": "paid", "refunded_fen": "refunded",
           "settled_fen": "settled", "reported_commission_fen": "commission",
           "reported_rate_bp": "rate"}
_ALWAYS = ("refunded_fen", "currency", "status", "raw_status", "month")
_CODE_FIELDS = ("tracking_code", "code_share_id", "code_status")


def _fields(c) -> tuple[str, ...]:
    from weimai_cli.orders.values import LINE_FIELDS

    have = set(_ALWAYS)
    have.update(f for f in LINE_FIELDS if c.has(_SOURCE.get(f, f)))
    if c.has("tracking_code"):
        have.update(_CODE_FIELDS)
    return tuple(f for f in LINE_FIELDS[1:] if f in have)


def _batch(c, ctx):
    """``feed`` over a batch of rows at once, column by column (see Parser)."""
    k = ColumnGetters(c)
    getters = {
        "line_key": k.id("line_key", required=True), "order_id": k.id("order_id"),
        "sku": k.id("sku"), "title": k.text("title"), "quantity": k.int("quantity"),
        "unit_price_fen": k.money("unit_price"), "paid_fen": k.money("paid"),
        "refunded_fen": k.money("refunded"), "settled_fen": k.money("settled"),
        "currency": k.text("currency"), "created_at": k.time("created_at"),
        "paid_at": k.time("paid_at"), "confirmed_at": k.time("confirmed_at"),
        "settled_at": k.time("settled_at"), "slot": k.id("slot"),
        "reported_commission_fen": k.money("commission", negative=True),
        "reported_rate_bp": k.rate("rate"),
    }
    getters = {f: g for f, g in getters.items() if g is not None}
    status = k.status("status", STATUSES, default="paid")
    code = k.text("tracking_code")
    codes = ctx.codes
    default_currency = ctx.currency

    def batch(rows: list) -> dict:
        columns = list(zip(*rows))
        out = {f: g(columns, rows) for f, g in getters.items()}
        n = len(rows)
        out["status"], out["raw_status"] = status(columns, rows) if status else (["paid"] * n, None)
        refunded = out.get("refunded_fen")
        out["refunded_fen"] = None if refunded is None else [v or 0 for v in refunded]
        currency = out.get("currency")
        out["currency"] = ([default_currency] * n if currency is None
                           else [v or default_currency for v in currency])
        if code is not None:
            texts = code(columns, rows)
            found = {f: [None] * n for f in _CODE_FIELDS}
            for j in compress(range(n), texts):
                for f, value in codes(texts[j]).items():
                    found[f][j] = value
            out.update(found)
        return out

    return batch


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
