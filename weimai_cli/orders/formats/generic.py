"""Generic order CSV: any export, with the columns named by weimai's field
names (below) or mapped with ``--map COLUMN=field`` / a saved ``--mapping``.

A shop export (DESIGN §5): lines earn commission only through the share they
are attributed to. ``line_key`` is required; ``paid`` is the line's amount.
Statuses: the canonical names and the usual words for them (WooCommerce
slugs, Chinese labels).
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Rate, Status, Text, Time

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


DESCRIPTION = Description(
    reads={
        "status": Status(STATUSES, default="paid"),
        "line_key": Id("line_key", required=True),
        "order_id": Id("order_id"),
        "sku": Id("sku"),
        "title": Text("title"),
        "quantity": Int("quantity"),
        "unit_price_fen": Money("unit_price"),
        "paid_fen": Money("paid"),
        # no refunded column: the file says nothing of refunds (a stored refund
        # stays); an empty cell in one is no refund
        "refunded_fen": Money("refunded", default=0),
        "settled_fen": Money("settled"),
        # (no currency: the file's, else --currency)
        "currency": Text("currency"),
        "created_at": Time("created_at"),
        "paid_at": Time("paid_at"),
        "confirmed_at": Time("confirmed_at"),
        "settled_at": Time("settled_at"),
        "slot": Id("slot"),
        "reported_commission_fen": Money("commission", negative=True),
        "reported_rate_bp": Rate("rate"),
        "code_text": Text("tracking_code"),
    },
    codes=("code_text",),
)


FORMAT = Format(
    name="generic",
    platform="generic",
    kind="shop",
    title="generic CSV (field names, or --map COLUMN=field)",
    columns=COLUMNS,
    required=("line_key", "paid"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    priority=-1,
)
