"""Taobao Union 维权 (refund dispute) export (FORMATS.md §1c).

Updates the refunded amount of lines already imported from a Taobao Union
order report (matched by 淘宝子订单编号); it never adds lines. Only a
successful dispute (维权成功) refunds: the whole 结算金额 turns the line
``refunded``, a part keeps its state with the refunded amount recorded.
Other dispute states are kept as the line's refund status; they refund
nothing, so such a row of an older file is stale for a line refunded since.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

# dispute state -> does it refund?
STATUSES = {
    "维权成功": "success",
    "维权创建": "open",
    "维权中": "open",
    "维权关闭": "closed",
    "维权失败": "failed",
    "0": "success",
    "1": "open",
    "2": "closed",
    "3": "failed",
}

COLUMNS = {
    "line_key": ("淘宝子订单编号", "淘宝子订单号", "子订单号"),
    "order_id": ("淘宝订单编号", "淘宝订单号"),
    "title": ("商品名称", "商品标题"),
    "refund_status": ("维权状态", "explain_state"),
    "settled": ("结算金额",),
    "refund": ("维权退款金额", "refund_fee"),
    "returned_commission": ("应返商家金额", "返还金额", "应退回佣金"),
    "settled_at": ("订单结算时间",),
    "refund_created_at": ("维权创建时间",),
    "refund_done_at": ("维权完成时间",),
}


def build(c, ctx) -> Parser:
    key = c.id("line_key", required=True)
    state = c.status("refund_status", STATUSES)
    settled = c.money("settled")
    refund = c.money("refund")
    returned = c.money("returned_commission")
    refund_col = c.index("refund")

    def feed(rownum, v):
        kind, raw = state(v)
        amount = refund(v) or 0
        base = settled(v)
        # a dispute not (yet) won refunds nothing as of this file: an older file
        # (维权创建) after a 维权成功 is then stale for the line, never its undoing
        line = {"line_key": key(v), "refund_status": raw, "refunded_fen": 0}
        if kind == "success":
            if base is not None and amount > base:
                from weimai_cli.orders.values import FieldError

                raise FieldError(
                    refund_col, f"refund {amount / 100:.2f} is more than the settled amount "
                    f"{base / 100:.2f}", "check the 维权退款金额 column",
                )
            line["refunded_fen"] = amount
            if base is not None and amount == base and amount > 0:
                line["status"] = "refunded"
            line["extra"] = {"returned_commission_fen": returned(v)}
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="taobao-refund",
    platform="taobao",
    kind="affiliate",
    title="Taobao Union 维权 refund file",
    columns=COLUMNS,
    required=("line_key", "refund_status", "refund"),
    build=build,
    statuses=STATUSES,
    mode="refund",
    priority=3,
)
