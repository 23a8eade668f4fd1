"""Taobao Union 维权 (refund dispute) export (FORMATS.md §1c).

Updates the refunded amount of lines already imported from a Taobao Union
order report (matched by 淘宝子订单编号); it never adds lines. Only a
successful dispute (维权成功) refunds: the whole 结算金额 turns the line
``refunded``, a part keeps its state with the refunded amount recorded.
Other dispute states are kept as the line's refund status; they refund
nothing, so such a row of an older file is stale for a line refunded since.
"""

from __future__ import annotations

from itertools import compress

from weimai_cli.i18n import _
from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Money, Status
from weimai_cli.orders.values import FieldError

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


def _derive(b) -> None:
    """A dispute not (yet) won refunds nothing as of this file: an older file
    (维权创建) after a 维权成功 is then stale for the line, never its undoing.
    A won one refunds its amount (at most the settled amount); the whole
    settled amount turns the line refunded."""
    success = [kind == "success" for kind in b["refund_kind"]]
    amounts, bases = b["refund"], b["settled"]
    status: list = [None] * b.n
    for j in compress(range(b.n), success):
        amount, base = amounts[j], bases[j]
        if base is not None and amount > base:
            raise FieldError(
                b.cols.index("refund"), _("refund {amount:.2f} is more than the settled amount {base:.2f}").format(
                    amount=amount / 100, base=base / 100), _("check the 维权退款金额 column"),
            )
        if base is not None and amount == base and amount > 0:
            status[j] = "refunded"
    b["status"] = status
    b["refunded_fen"] = [amount if won else 0 for amount, won in zip(amounts, success, strict=True)]
    b["refund_status"] = b["raw_refund_kind"]
    b["returned"] = b.read("returned_commission", success)


DESCRIPTION = Description(
    reads={
        "refund_kind": Status(STATUSES, "refund_status"),
        "refund": Money("refund", default=0),
        "settled": Money("settled"),
        "line_key": Id("line_key", required=True),
    },
    lazy={"returned_commission": Money("returned_commission")},
    extra={"returned_commission_fen": "returned"},
    derive=_derive,
    derives=("status", "refunded_fen", "refund_status"),
)


FORMAT = Format(
    name="taobao-refund",
    platform="taobao",
    kind="affiliate",
    title="Taobao Union 维权 refund file",
    columns=COLUMNS,
    required=("line_key", "refund_status", "refund"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    mode="refund",
    priority=3,
)
