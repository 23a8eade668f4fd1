"""JD Union (京东联盟) order rows (FORMATS.md §2).

The Excel header was never seen in public, so both the order API's English
keys (``orderId``, ``validCode`` …) and the Chinese labels are accepted. One
row per order + SKU: the line key is ``orderId:skuId``. A re-export of the
same row after a refund carries recomputed fees; the importer records the
change. Status is the 有效码 (validCode) number or its text. Attribution:
a tracking code in subUnionId / ext1, else the slot positionId (推广位ID).
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Rate, Status, Text, Time

_INVALID_TEXT = {
    2: "无效-拆单", 4: "无效-京东帮帮主订单", 5: "无效-账号异常", 6: "无效-赠品类目不返佣",
    7: "无效-校园订单", 8: "无效-企业订单", 9: "无效-团购订单", 10: "无效-开增值税专用发票订单",
    11: "无效-乡村推广员下单", 12: "无效-自己推广自己下单", 13: "违规订单-其他",
    14: "无效-来源与备案网址不符", 19: "无效-佣金比例为0", 20: "无效-复购订单对应的首购订单无效",
    21: "无效-云店订单", 22: "无效-PLUS会员佣金比例为0", 23: "无效-支付有礼",
    25: "违规订单-流量劫持", 26: "违规订单-流量异常", 27: "违规订单-违反京东平台规则",
    28: "违规订单-多笔交易异常",
}
STATUSES: dict[str, str] = {
    "-1": "pending", "未知": "pending",
    "3": "cancelled", "无效-取消": "cancelled",
    "15": "pending", "待付款": "pending",
    "16": "paid", "已付款": "paid",
    "17": "confirmed", "已完成": "confirmed",
    "18": "settled", "已结算": "settled",
    "24": "paid", "已付定金": "paid",
}
for _code, _text in _INVALID_TEXT.items():
    STATUSES[str(_code)] = "invalid"
    STATUSES[_text] = "invalid"

COLUMNS = {
    "order_id": ("orderId", "订单号", "订单编号", "订单ID"),
    "parent_id": ("parentId", "父单号", "父订单号"),
    "sku": ("skuId", "商品ID", "商品编号", "SKU ID"),
    "title": ("skuName", "商品名称"),
    "quantity": ("skuNum", "商品数量"),
    "returned": ("skuReturnNum", "已退货数量", "退货数量"),
    "frozen": ("skuFrozenNum", "售后中数量", "售后数量"),
    "unit_price": ("price", "商品单价"),
    "created_at": ("orderTime", "下单时间"),
    "finished_at": ("finishTime", "完成时间"),
    "pay_month": ("payMonth", "预估结算时间", "结算时间"),
    "status": ("validCode", "有效码", "订单状态"),
    "base": ("estimateCosPrice", "预估计佣金额"),
    "estimate_fee": ("estimateFee", "预估佣金"),
    "actual_base": ("actualCosPrice", "实际计佣金额"),
    "actual_fee": ("actualFee", "实际佣金"),
    "rate": ("commissionRate", "佣金比例"),
    "share_rate": ("subSideRate", "分成比例"),
    "final_rate": ("finalRate", "最终分佣比例"),
    "slot": ("positionId", "推广位ID", "推广位id"),
    "sub_union_id": ("subUnionId", "子渠道标识"),
    "ext1": ("ext1", "扩展字段", "推广信息"),
    "site_id": ("siteId", "网站ID", "站点ID"),
    "pid": ("pid",),
}


def _done(b) -> list:
    return [s in ("confirmed", "settled") for s in b["status"]]


def _settled(b) -> list:
    return [s == "settled" for s in b["status"]]


def _estimated(b) -> list:
    """Rows whose reported commission is the estimate (not yet an actual fee)."""
    return [not (s in ("confirmed", "settled") and fee is not None)
            for s, fee in zip(b["status"], b["actual_fee"], strict=True)]


def _derive(b) -> None:
    """Refunds from the returned count; paid when ordered (unless pending);
    the commission reported: the actual fee once done, else the estimate."""
    status, fee, est = b["status"], b["actual_fee"], b["estimate_fee"]
    b["refunded_fen"] = [None if unit is None else unit * back
                         for unit, back in zip(b["unit_price_fen"], b["returned"], strict=True)]
    b["paid_at"] = [None if s == "pending" else at for s, at in zip(status, b["created_at"], strict=True)]
    b["reported_commission_fen"] = [
        a if s in ("confirmed", "settled") and a is not None else e
        for s, a, e in zip(status, fee, est, strict=True)
    ]
    b["settled_commission_fen"] = [a if s == "settled" else None for s, a in zip(status, fee, strict=True)]
    b["parent"] = [None if p == "0" else p for p in b["parent"]]


DESCRIPTION = Description(
    reads={
        "status": Status(STATUSES),
        "order_id": Id("order_id", required=True),
        "sku": Id("sku", required=True),
        "unit_price_fen": Money("unit_price"),
        "returned": Int("returned", default=0, absent=0),
        "actual_fee": Money("actual_fee"),
        "parent": Id("parent_id"),
        "title": Text("title"),
        "quantity": Int("quantity"),
        "paid_fen": Money("base"),
        "settled_fen": Money("actual_base", when=_done),
        "created_at": Time("created_at"),
        "confirmed_at": Time("finished_at"),
        "settled_at": Time("pay_month", when=_settled),
        "slot": Id("slot"),
        "estimate_fee": Money("estimate_fee", when=_estimated),
        "reported_rate_bp": Rate("rate"),
        "final_rate": Rate("final_rate"),
        "sub_union_id": Text("sub_union_id"),
        "ext1": Text("ext1"),
    },
    key=("order_id", "sku"),
    joiner=":",
    codes=("sub_union_id", "ext1"),
    extra={"parent_id": "parent", "final_rate_bp": "final_rate"},
    derive=_derive,
    derives=("refunded_fen", "paid_at", "reported_commission_fen", "settled_commission_fen"),
)


FORMAT = Format(
    name="jd-union",
    platform="jd",
    kind="affiliate",
    title="JD Union 推广订单 (API keys or Chinese labels)",
    columns=COLUMNS,
    required=("order_id", "sku", "status"),
    build=DESCRIPTION.build,
    statuses=STATUSES,
    priority=1,
)
