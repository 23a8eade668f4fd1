"""JD Union (京东联盟) order rows (FORMATS.md §2).

The Excel header was never seen in public, so both the order API's English
keys (``orderId``, ``validCode`` …) and the Chinese labels are accepted. One
row per order + SKU: the line key is ``orderId:skuId``. A re-export of the
same row after a refund carries recomputed fees; the importer records the
change. Status is the 有效码 (validCode) number or its text. Attribution:
a tracking code in subUnionId / ext1, else the slot positionId (推广位ID).
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

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


def build(c, ctx) -> Parser:
    order = c.id("order_id", required=True)
    parent = c.id("parent_id")
    sku = c.id("sku", required=True)
    title = c.text("title")
    qty = c.int("quantity")
    returned = c.int("returned")
    price = c.money("unit_price")
    created = c.time("created_at")
    finished = c.time("finished_at")
    pay_month = c.time("pay_month")
    status = c.status("status", STATUSES)
    base = c.money("base")
    est_fee = c.money("estimate_fee")
    act_base = c.money("actual_base")
    act_fee = c.money("actual_fee")
    rate = c.rate("rate")
    final_rate = c.rate("final_rate")
    slot = c.id("slot")
    sub_union = c.text("sub_union_id")
    ext1 = c.text("ext1")
    codes = ctx.codes

    def feed(rownum, v):
        canon, raw = status(v)
        oid, item = order(v), sku(v)
        unit = price(v)
        back = returned(v) or 0
        done = canon in ("confirmed", "settled")
        a_fee = act_fee(v)
        p = parent(v)
        line = {
            "line_key": f"{oid}:{item}",
            "order_id": oid,
            "sku": item,
            "title": title(v),
            "quantity": qty(v),
            "unit_price_fen": unit,
            "paid_fen": base(v),
            "refunded_fen": unit * back if unit is not None else None,
            "settled_fen": act_base(v) if done else None,
            "status": canon,
            "raw_status": raw,
            "created_at": created(v),
            "paid_at": created(v) if canon not in ("pending",) else None,
            "confirmed_at": finished(v),
            "settled_at": pay_month(v) if canon == "settled" else None,
            "slot": slot(v),
            "reported_commission_fen": a_fee if done and a_fee is not None else est_fee(v),
            "settled_commission_fen": a_fee if canon == "settled" else None,
            "reported_rate_bp": rate(v),
            "extra": {
                "parent_id": p if p not in (None, "0") else None,
                "final_rate_bp": final_rate(v),
            },
            **codes(sub_union(v), ext1(v)),
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="jd-union",
    platform="jd",
    kind="affiliate",
    title="JD Union 推广订单 (API keys or Chinese labels)",
    columns=COLUMNS,
    required=("order_id", "sku", "status"),
    build=build,
    statuses=STATUSES,
    priority=1,
)
