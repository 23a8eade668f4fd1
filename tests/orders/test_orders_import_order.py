"""Import order does not matter, for every format: three exports of the same
lines over time (statuses move forward, refunds only grow), imported in any
order, leave the lines and the ledger as importing them oldest first does.
An older export is stale for a line whose status it would move back or whose
refund it would lower (issue #11 item 6)."""

from __future__ import annotations

import csv
import shutil

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.orders_helpers import read_orders
from weimai_cli.db.store import connect
from weimai_cli.orders import formats as fmts
from weimai_cli.orders import importer

DAY = "2026-11-0{}"


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


# per format: header, and cells of a line (i, paid fen, stage 0-2, refund step 0-2) in a snapshot
def _generic(i, paid, stage, refund):
    return [f"L{i}", _money(paid), _money(paid * refund // 4), ("paid", "completed", "settled")[stage],
            f"{DAY.format(1)} 10:00:00", "SKU-1"]


def _taobao(i, paid, stage, refund):
    settled = stage == 2
    return [f"33012345678901{i:05d}", f"33012345678900{i:05d}", "575123456789",
            ("已付款", "已收货", "已结算")[stage], _money(paid), _money(paid // 10),
            _money(paid) if settled else "0.00", _money(paid // 10) if settled else "0.00",
            f"{DAY.format(1)} 10:00:00", f"{DAY.format(1)} 10:05:00",
            f"{DAY.format(5)} 10:00:00" if settled else "--"]


def _legacy(i, paid, stage, refund):
    settled = stage == 2
    return [f"1234567{i:05d}", "575123456789", ("订单付款", "订单成功", "订单结算")[stage], _money(paid),
            _money(paid // 10), _money(paid) if settled else "0.00", _money(paid // 10) if settled else "0.00",
            f"{DAY.format(1)} 10:00:00", f"{DAY.format(5)} 10:00:00" if settled else ""]


def _refund(i, paid, stage, refund):
    return [f"33012345678901{i:05d}", "维权成功" if refund else "维权创建", _money(paid),
            _money(paid * refund // 4) if refund else "0.00"]


def _jd(i, paid, stage, refund):
    unit, kept = paid // 4 or 1, 4 - refund
    done = stage > 0
    return [f"2400{i:06d}", "100012345678", ("16", "17", "18")[stage], _money(unit), "4", str(refund),
            _money(unit * kept), _money(unit * kept // 10), _money(unit * kept) if done else "0.00",
            _money(unit * kept // 10) if done else "0.00", f"{DAY.format(1)} 10:00:00",
            f"{DAY.format(4)} 10:00:00" if done else "", "20261120" if stage == 2 else "0"]


def _amazon_earnings(i, paid, stage, refund):
    return ["Kitchen", "Kettle", f"B00TEAKE{i:02d}", "Amazon", "mystore-20", f"{DAY.format(2)} 00:00:00",
            _money(paid), "1", "0", _money(paid), _money(paid // 25), "DESKTOP"]


def _amazon_orders(i, paid, stage, refund):
    return ["Kitchen", "Kettle", f"B00TEAKE{i:02d}", f"{DAY.format(2)} 00:00:00", "1", _money(paid),
            "Text", "mystore-20", "DI", "DESKTOP"]


def _shopify(i, paid, stage, refund):
    part = paid * refund // 4
    return [f"#10{i:02d}", "partially_refunded" if part else "paid", f"{DAY.format(1)} 10:00:00 +0800",
            "fulfilled" if stage else "unfulfilled", "CNY", f"{DAY.format(1)} 09:00:00 +0800", "1",
            "枸杞", _money(paid), "GQ-1", _money(part) if part else "0.00"]


def _douyin(i, paid, stage, refund):
    return [f"69{i:05d}", f"69{i:05d}1", "1", _money(paid), _money(paid), f"{DAY.format(1)} 10:00:00",
            f"{DAY.format(1)} 10:01:00", f"{DAY.format(6)} 10:00:00" if stage == 2 else "",
            ("待支付", "已支付", "已完成")[stage], "-"]


def _douyin_affiliate(i, paid, stage, refund):
    part = paid * refund // 4
    return [f"48{i:05d}", f"{DAY.format(1)} 10:00:00", f"{DAY.format(1)} 10:01:00",
            f"{DAY.format(6)} 10:00:00" if stage else "",
            ("订单已付款", "订单已确认收货", "订单已结算")[stage], _money(paid), _money(part) if part else "-",
            _money((paid - part) // 10)]


FORMATS = {
    "generic": (["line_key", "paid", "refunded", "status", "created_at", "sku"], _generic),
    "taobao-union": (["淘宝子订单号", "淘宝订单编号", "商品ID", "订单状态", "付款金额", "付款预估收入", "结算金额",
                      "结算预估收入", "创建时间", "付款时间", "结算时间"], _taobao),
    "taobao-union-legacy": (["订单编号", "商品ID", "订单状态", "付款金额", "效果预估", "结算金额", "预估收入",
                             "创建时间", "结算时间"], _legacy),
    "taobao-refund": (["淘宝子订单编号", "维权状态", "结算金额", "维权退款金额"], _refund),
    "jd-union": (["orderId", "skuId", "validCode", "price", "skuNum", "skuReturnNum", "estimateCosPrice",
                  "estimateFee", "actualCosPrice", "actualFee", "orderTime", "finishTime", "payMonth"], _jd),
    "amazon-earnings": (["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)",
                         "Items Shipped", "Returns", "Revenue($)", "Ad Fees($)", "Device Type Group"],
                        _amazon_earnings),
    "amazon-orders": (["Category", "Name", "ASIN", "Date", "Qty", "Price($)", "Link Type", "Tag",
                       "Indirect Sales", "Device Type Group"], _amazon_orders),
    "shopify": (["Name", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Created at",
                 "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Refunded Amount"],
                _shopify),
    "douyin": (["主订单编号", "子订单编号", "商品数量", "商品金额", "订单应付金额", "订单提交时间", "支付完成时间",
                "订单完成时间", "订单状态", "售后状态"], _douyin),
    "douyin-affiliate": (["子订单号", "订单创建时间", "订单支付时间", "订单确认收货时间", "订单状态", "订单支付金额",
                          "订单退款金额", "预估出佣总额"], _douyin_affiliate),
}


def test_every_format_is_covered():
    assert set(FORMATS) == set(fmts.NAMES)


def _csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _state(path):
    conn = connect(path)
    try:
        lines = [{k: v for k, v in o.items() if k not in ("first_import_id", "last_import_id")}
                 for o in read_orders(conn)]
        ledger = [tuple(r) for r in conn.execute(
            "SELECT platform, line_key, period, sum(amount_fen) FROM ledger GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )]
    finally:
        conn.close()
    return lines, ledger


def _import(home, template, name, files, base):
    path = home / f"{name}.db"
    shutil.copy(template, path)
    conn = connect(path)
    try:
        if base:  # (a refund file updates lines imported before)
            importer.import_files(conn, [base], format="taobao-union")
        for f in files:
            importer.import_files(conn, [f], format=name)
    finally:
        conn.close()
    return _state(path)


# a line: paid fen, and its stage and refund step in each of the three exports (never going back)
_ups = st.lists(st.integers(0, 2), min_size=3, max_size=3).map(sorted)
_line = st.tuples(st.integers(100, 99_999_99), _ups, _ups)


@pytest.mark.parametrize("name", list(FORMATS))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=1, max_size=4), order=st.permutations([0, 1, 2]))
@example(lines=[(10000, [0, 0, 2], [0, 2, 2]), (9900, [0, 1, 1], [0, 1, 2])], order=[2, 1, 0])
def test_import_order_does_not_matter(home, tmp_path, name, lines, order):
    header, cells = FORMATS[name]
    files = [
        _csv(tmp_path / f"{name}-{step}.csv", header,
             [cells(i, paid, stages[step], refunds[step]) for i, (paid, stages, refunds) in enumerate(lines)])
        for step in range(3)
    ]
    base = None
    if name == "taobao-refund":  # the settled lines the refunds are of
        base = _csv(tmp_path / "base.csv", FORMATS["taobao-union"][0],
                    [_taobao(i, paid, 2, 0) for i, (paid, _, _) in enumerate(lines)])
    template = tmp_path / "empty.db"
    if not template.exists():
        connect(template).close()
    oldest_first = _import(tmp_path, template, name, files, base)
    assert _import(tmp_path, template, name, [files[i] for i in order], base) == oldest_first
    # an older export after all: nothing changes
    assert _import(tmp_path, template, name, [*files, files[1], files[0]], base) == oldest_first
