"""Writes the order-export fixtures in this folder (run it to rebuild them).

Every file is built from the headers in shared/FORMATS.md and carries the
quirks of its format. Tracking codes are made with the test secret
(tests/orders_helpers.py), so they verify in the tests.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from weimai_cli.sharing.codes import make_code  # noqa: E402

SECRET = bytes(range(32))
CODE1 = make_code(1, SECRET)
CODE3 = make_code(3, SECRET)
CODE4 = make_code(4, SECRET)
CODE9 = make_code(9, SECRET)  # verifies, but share 9 is never recorded
# one character changed, then the check character fixed: passes the checksum, fails the HMAC
_forged = CODE1[:-4] + ("Z" if CODE1[-4] != "Z" else "Y") + CODE1[-3:-1]
from weimai_cli.sharing.codes import _check  # noqa: E402

FORGED = "wm" + _forged[2:] + _check(_forged[2:])

TAOBAO_HEADER = (
    "创建时间, 点击时间, 商品标题, 商品ID, 掌柜旺旺, 店铺名称, 商品数量, 商品单价, 订单状态, 订单类型, "
    "收入比率, 分成比率, 付款金额, 付款预估收入, 结算金额, 结算预估收入, 结算时间, 佣金比率, 佣金金额, "
    "技术服务费率, 技术服务费, 补贴比率, 补贴金额, 补贴类型, 成交平台, 第三方服务来源, 淘宝订单编号, "
    "淘宝子订单号, 类目名称, 媒体ID, 媒体名称, 推广位ID, 推广位名称, 付款时间, 淘宝付款时间, 产品类型, "
    "推广者身份, 维权标签, 专项服务费率, 预估专项服务费, 结算专项服务费, 渠道关系ID, 会员运营ID, 定金付款时间, "
    "定金淘宝付款时间, 定金付款金额"
).split(", ")


def taobao_row(**kw) -> list[str]:
    base = {
        "创建时间": "2026-11-01 10:00:00", "点击时间": "2026-11-01 09:58:12", "掌柜旺旺": "宁夏枸杞旗舰店",
        "店铺名称": "宁夏枸杞旗舰店", "商品数量": "1", "订单类型": "天猫", "收入比率": "20.00",
        "分成比率": "100.00", "结算金额": "0.00", "结算预估收入": "0.00", "结算时间": "--",
        "佣金比率": "20.00", "佣金金额": "0.00", "技术服务费率": "10.00", "技术服务费": "0.00",
        "补贴比率": "0.00", "补贴金额": "0.00", "补贴类型": "--", "成交平台": "无线", "第三方服务来源": "--",
        "类目名称": "滋补营养品", "媒体ID": "45678901", "媒体名称": "我的微博", "推广位ID": "111111111",
        "推广位名称": "微博主页", "产品类型": "商品", "推广者身份": "二方", "维权标签": "0",
        "专项服务费率": "--", "预估专项服务费": "--", "结算专项服务费": "--", "渠道关系ID": "--",
        "会员运营ID": "--", "定金付款时间": "--", "定金淘宝付款时间": "--", "定金付款金额": "--",
    }
    base.update(kw)
    base.setdefault("付款时间", base["创建时间"])
    base.setdefault("淘宝付款时间", base["付款时间"])
    return [base.get(h, "") for h in TAOBAO_HEADER]


def taobao_rows_nov() -> list[list[str]]:
    return [
        # one parent order with two sub-orders, the second through an unknown 推广位
        taobao_row(商品标题="宁夏中宁枸杞 500g", 商品ID="575123456789", 商品单价="59.90", 订单状态="已付款",
                   付款金额="59.90", 付款预估收入="11.98", 淘宝订单编号="3301234567890123456",
                   淘宝子订单号="3301234567890123457"),
        taobao_row(商品标题="黑枸杞 200g", 商品ID="575000000003", 商品单价="39.00", 订单状态="已结算",
                   付款金额="39.00", 付款预估收入="7.80", 结算金额="39.00", 结算预估收入="7.80",
                   结算时间="2026-11-12 08:00:00", 淘宝订单编号="3301234567890123456",
                   淘宝子订单号="3301234567890123458", 推广位ID="999999999", 推广位名称="朋友圈"),
        # a presale pair: deposit row and balance row of one sub-order
        taobao_row(商品标题="西湖龙井 明前特级 250g", 商品ID="575000000002", 商品单价="100.00",
                   订单状态="已付款", 付款金额="20.00", 付款预估收入="4.00", 淘宝订单编号="3301234567890200001",
                   淘宝子订单号="3301234567890200001", 创建时间="2026-10-25 20:00:00",
                   付款时间="2026-10-25 20:01:00", 定金付款时间="2026-10-25 20:01:00",
                   定金淘宝付款时间="2026-10-25 20:01:00", 定金付款金额="20.00"),
        taobao_row(商品标题="西湖龙井 明前特级 250g", 商品ID="575000000002", 商品单价="100.00",
                   订单状态="已付款", 付款金额="80.00", 付款预估收入="16.00", 淘宝订单编号="3301234567890200001",
                   淘宝子订单号="3301234567890200001", 创建时间="2026-10-25 20:00:00",
                   付款时间="2026-11-11 00:05:00", 定金付款时间="2026-10-25 20:01:00",
                   定金淘宝付款时间="2026-10-25 20:01:00", 定金付款金额="20.00"),
        # received, invalid; ids wrapped the way some exports protect them
        taobao_row(商品标题="宁夏中宁枸杞 500g", 商品ID="575123456789", 商品单价="59.90", 订单状态="已收货",
                   付款金额="119.80", 付款预估收入="23.96", 商品数量="2", 淘宝订单编号='="3301234567890300001"',
                   淘宝子订单号='="3301234567890300001"', 创建时间="2026-11-03 12:00:00"),
        taobao_row(商品标题="枸杞原浆 30ml×10", 商品ID="575000000004", 商品单价="128.00", 订单状态="已失效",
                   付款金额="128.00", 付款预估收入="25.60", 淘宝订单编号="3301234567890400001",
                   淘宝子订单号="3301234567890400001\t", 创建时间="2026-11-04 12:00:00", 推广位ID="--"),
        # disputed (维权标签=1): one full and one partial refund arrive in the 维权 file
        taobao_row(商品标题="宁夏中宁枸杞 500g", 商品ID="575123456789", 商品单价="59.90", 订单状态="已结算",
                   付款金额="59.90", 付款预估收入="11.98", 结算金额="59.90", 结算预估收入="11.98",
                   结算时间="2026-11-15 08:00:00", 维权标签="1", 淘宝订单编号="3301234567890500001",
                   淘宝子订单号="3301234567890500001", 创建时间="2026-11-05 12:00:00"),
        taobao_row(商品标题="宁夏中宁枸杞 500g", 商品ID="575123456789", 商品单价="59.90", 订单状态="已结算",
                   付款金额="119.80", 付款预估收入="23.96", 商品数量="2", 结算金额="119.80",
                   结算预估收入="23.96", 结算时间="2026-11-15 08:00:00", 维权标签="1",
                   淘宝订单编号="3301234567890600001", 淘宝子订单号="3301234567890600001",
                   创建时间="2026-11-06 12:00:00"),
        # a tracking code in the 推广位名称 (share 1), and a forged one
        taobao_row(商品标题="宁夏中宁枸杞 500g", 商品ID="575123456789", 商品单价="59.90", 订单状态="已付款",
                   付款金额="59.90", 付款预估收入="11.98", 淘宝订单编号="3301234567890700001",
                   淘宝子订单号="3301234567890700001", 推广位ID="222222222", 推广位名称=f"微博-{CODE1}",
                   创建时间="2026-11-07 12:00:00"),
        taobao_row(商品标题="宁夏中宁枸杞 500g", 商品ID="575123456789", 商品单价="59.90", 订单状态="已付款",
                   付款金额="59.90", 付款预估收入="11.98", 淘宝订单编号="3301234567890800001",
                   淘宝子订单号="3301234567890800001", 推广位名称=f"群-{FORGED}",
                   创建时间="2026-11-08 12:00:00"),
    ]


def write_csv(path: Path, header, rows, encoding="utf-8", delimiter=",", title=None) -> None:
    buf = io.StringIO()
    if title:
        buf.write(title + "\r\n")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


def taobao() -> None:
    rows = taobao_rows_nov()
    # the UTF-16 CSV variant one real parser reads
    write_csv(HERE / "taobao_union_2026-11.csv", TAOBAO_HEADER, rows, encoding="utf-16")
    # the same content as xlsx, with the other spellings of two headers
    alt = ["淘宝子订单编号" if h == "淘宝子订单号" else "收入比例" if h == "收入比率" else h
           for h in TAOBAO_HEADER]
    # (openpyxl would store ="…" as a formula: the xlsx keeps plain text ids)
    plain = [[c[2:-1] if c.startswith('="') else c for c in r] for r in rows]
    write_xlsx(HERE / "taobao_union_2026-11.xlsx", {"Sheet1": [alt, *plain]})
    # a later export: statuses moved on (received, settled)
    later = taobao_rows_nov()
    for r in later:
        i = TAOBAO_HEADER.index("淘宝子订单号")
        if r[i] == "3301234567890123457":
            r[TAOBAO_HEADER.index("订单状态")] = "已结算"
            r[TAOBAO_HEADER.index("结算金额")] = "59.90"
            r[TAOBAO_HEADER.index("结算预估收入")] = "11.98"
            r[TAOBAO_HEADER.index("结算时间")] = "2026-11-20 08:00:00"
        if r[i].startswith('="3301234567890300001'):
            r[TAOBAO_HEADER.index("订单状态")] = "已结算"
            r[TAOBAO_HEADER.index("结算金额")] = "119.80"
            r[TAOBAO_HEADER.index("结算预估收入")] = "23.96"
            r[TAOBAO_HEADER.index("结算时间")] = "2026-11-21 08:00:00"
    # GB18030, with a title line above the header and a 合计 row at the end (its total the lines' sum)
    total = [""] * len(TAOBAO_HEADER)
    total[0] = "合计"
    total[TAOBAO_HEADER.index("付款金额")] = "746.20"
    write_csv(HERE / "taobao_union_2026-11-later.csv", TAOBAO_HEADER, [*later, total, [""] * 3],
              encoding="gb18030", title="淘宝联盟 推广订单明细 2026-11-01 至 2026-11-30")
    # the 维权 file: a full refund, a partial one, one still open, one for an unknown line
    refund_header = ["淘宝子订单编号", "维权状态", "结算金额", "维权退款金额", "应返商家金额", "订单结算时间"]
    write_csv(HERE / "taobao_refund_2026-11.csv", refund_header, [
        ["3301234567890500001", "维权成功", "59.90", "59.90", "11.98", "2026-11-15 08:00:00"],
        ["3301234567890600001", "维权成功", "119.80", "59.90", "11.98", "2026-11-15 08:00:00"],
        ["3301234567890123458", "维权创建", "39.00", "0.00", "0.00", "2026-11-12 08:00:00"],
        ["3309999999999999999", "维权成功", "10.00", "10.00", "2.00", "2026-11-15 08:00:00"],
    ], encoding="gb18030")


LEGACY_HEADER = (
    "创建时间, 点击时间, 商品信息, 商品ID, 掌柜旺旺, 所属店铺, 商品数, 商品单价, 订单状态, 订单类型, "
    "收入比率, 分成比率, 付款金额, 效果预估, 结算金额, 预估收入, 结算时间, 佣金比率, 佣金金额, 补贴比率, "
    "补贴金额, 补贴类型, 成交平台, 第三方服务来源, 订单编号, 类目名称, 来源媒体ID, 来源媒体名称, 广告位ID, "
    "广告位名称"
).split(", ")


def legacy() -> None:
    import xlwt

    def row(order, item, title, qty, price, status, paid, est, settled, income, settled_at):
        return ["2018-11-20 10:00:00", "2018-11-20 09:59:00", title, item, "茶叶小店", "茶叶小店",
                qty, price, status, "淘宝", "70.00 %", "100.00 %", paid, est, settled, income,
                settled_at, "70.00 %", "0", "0.00 %", "0", "--", "无线", "--", order, "茶叶",
                "12345678", "我的博客", "333333333", "博客侧栏"]

    rows = [
        row("112233445566778899", "520000000001", "安溪铁观音 500g", 1, 88.0, "订单付款", 88.0, 61.6, 0, 0, "--"),
        row("112233445566778899", "520000000002", "武夷大红袍 250g", 2, 66.0, "订单结算", 132.0, 92.4, 132.0, 92.4, "2018-11-28 12:00:00"),
        row("112233445566770001", "520000000001", "安溪铁观音 500g", 1, 88.0, "订单失效", 88.0, 61.6, 0, 0, "--"),
        row("112233445566770002", "520000000003", "普洱茶饼 357g", 1, 199.0, "订单成功", 199.0, 139.3, 0, 0, "--"),
    ]
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Page1")
    for c, h in enumerate(LEGACY_HEADER):
        ws.write(0, c, h)
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values):
            ws.write(r, c, v)
    wb.save(str(HERE / "TaokeDetail-2018-11-30.xls"))


JD_API = ["id", "orderId", "parentId", "orderTime", "finishTime", "modifyTime", "payMonth", "skuId",
          "skuName", "skuNum", "skuReturnNum", "skuFrozenNum", "price", "commissionRate", "subSideRate",
          "finalRate", "estimateCosPrice", "estimateFee", "actualCosPrice", "actualFee", "validCode",
          "positionId", "subUnionId", "ext1", "siteId", "pid"]
JD_CN = ["行号", "订单号", "父单号", "下单时间", "完成时间", "更新时间", "预估结算时间", "商品ID", "商品名称",
         "商品数量", "已退货数量", "售后中数量", "商品单价", "佣金比例", "分成比例", "最终分佣比例", "预估计佣金额",
         "预估佣金", "实际计佣金额", "实际佣金", "有效码", "推广位ID", "子渠道标识", "扩展字段", "网站ID", "pid"]


def jd() -> None:
    def row(rid, order, parent, sku, name, num, price, code, est_base, est_fee, act_base, act_fee,
            finish="", pay_month="0", returned="0", sub="", pos="3001234567"):
        return [rid, order, parent, "2026-11-02 21:00:00", finish, "2026-11-02 21:00:00", pay_month, sku,
                name, num, returned, "0", price, "5.00", "90.00", "4.50", est_base, est_fee, act_base,
                act_fee, code, pos, sub, "", "4000123", "1000_2000_3001234567"]

    first = [
        row("901", "280000000001", "0", "100012345678", "小米 充电宝 20000mAh", "1", "129.00", "16",
            "129.00", "5.81", "0.00", "0.00", sub=f"weibo_{CODE3}"),
        row("902", "280000000002", "0", "100012345679", "京东京造 床品四件套", "2", "199.00", "16",
            "398.00", "17.91", "0.00", "0.00"),
        # a split order: the child orders carry the parent id
        row("903", "280000000010", "280000000003", "100012345680", "茶具套装", "1", "88.00", "16",
            "88.00", "3.96", "0.00", "0.00"),
        row("904", "280000000004", "0", "100012345681", "电动牙刷", "1", "99.00", "3",
            "99.00", "4.46", "0.00", "0.00"),
        row("905", "280000000005", "0", "100012345682", "保温杯", "1", "59.00", "2",
            "59.00", "2.66", "0.00", "0.00"),
        row("906", "280000000006", "0", "100012345683", "蓝牙耳机", "1", "199.00", "13",
            "199.00", "8.96", "0.00", "0.00"),
    ]
    write_csv(HERE / "jd_union_2026-11.csv", JD_API, first)
    # re-exported later, Chinese labels: completed and settled, one with a return and a lower fee
    later = [
        row("901", "280000000001", "0", "100012345678", "小米 充电宝 20000mAh", "1", "129.00", "18",
            "129.00", "5.81", "129.00", "5.81", finish="2026-11-06 10:00:00", pay_month="20261220",
            sub=f"weibo_{CODE3}"),
        row("902", "280000000002", "0", "100012345679", "京东京造 床品四件套", "2", "199.00", "17",
            "398.00", "17.91", "199.00", "8.96", finish="2026-11-08 10:00:00", returned="1"),
    ]
    write_csv(HERE / "jd_union_2026-11-later.csv", JD_CN, later)


AMAZON_EARNINGS = ["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)",
                   "Items Shipped", "Returns", "Revenue($)", "Ad Fees($)", "Device Type Group"]
AMAZON_ORDERS = ["Category", "Name", "ASIN", "Date", "Qty", "Price($)", "Link Type", "Tag",
                 "Indirect Sales", "Device Type Group"]


def amazon() -> None:
    earnings = [
        ["Kitchen", "Tea Kettle, Stainless", "B00TEAKET1", "Amazon.com", "mystore-20", "2026-11-03 00:00:00",
         "34.99", "1", "0", "34.99", "1.40", "DESKTOP"],
        ["Kitchen", "Tea Kettle, Stainless", "B00TEAKET1", "Amazon.com", "mystore-20", "2026-11-04 00:00:00",
         "34.99", "2", "0", "69.98", "2.80", "PHONE"],
        ["Books", "The Tea Book", "0123456789", "Amazon.com", "mypost-20", "2026-11-05", "$12.00", "1",
         "0", "12.00", "0.54", "TABLET"],
        # a return of an item shipped in October: negative revenue and fees
        ["Kitchen", "Tea Kettle, Stainless", "B00TEAKET1", "Amazon.com", "mystore-20", "2026-11-09 00:00:00",
         "34.99", "0", "1", "-34.99", "-1.40", "DESKTOP"],
        ["Total", "", "", "", "", "", "", "3", "1", "81.98", "3.34", ""],
    ]
    write_csv(HERE / "amazon_fee_earnings_2026-11.csv", AMAZON_EARNINGS, earnings,
              title="Fee-Earnings reports from 11-01-2026 to 11-30-2026")
    # UK style: no ($), a Direct column, tab separated, no title line
    uk = ["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Items Shipped",
          "Returns", "Revenue", "Ad Fees", "Device Type Group", "Direct"]
    write_csv(HERE / "amazon_uk_earnings_2026-11.tsv", uk, [
        ["Kitchen", "Teapot", "B00TEAPOT1", "Amazon.co.uk", "mystore-21", "2026-11-10 00:00:00", "19.99",
         "1", "0", "19.99", "0.80", "PHONE", "DI"],
    ], delimiter="\t")
    # the zip "Download report" gives: one CSV per report, each with its title line
    orders = [
        ["Kitchen", "Tea Kettle, Stainless", "B00TEAKET1", "2026-11-02", "1", "34.99", "Text+Image",
         "mystore-20", "DI", "DESKTOP"],
        ["Books", "The Tea Book", "0123456789", "2026-11-04", "2", "12.00", "Text", "mypost-20", "NDI",
         "TABLET"],
    ]
    trends = ["Date", "Clicks", "Items Ordered (Amazon)", "Items Ordered (3rd Party)", "Total Items Ordered",
              "Conversion"]

    def text(title, header, rows):
        buf = io.StringIO()
        buf.write(title + "\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue()

    with zipfile.ZipFile(HERE / "amazon_report_2026-11.zip", "w") as zf:
        zf.writestr("Fee-Orders.csv", text("Fee-Orders reports from 11-01-2026 to 11-30-2026",
                                           AMAZON_ORDERS, orders))
        zf.writestr("Fee-Earnings.csv", text("Fee-Earnings reports from 11-01-2026 to 11-30-2026",
                                             AMAZON_EARNINGS, earnings[:3]))
        zf.writestr("Fee-DailyTrends.csv", text("Fee-DailyTrends reports from 11-01-2026 to 11-30-2026",
                                                trends, [["2026-11-01", "40", "1", "0", "1", "2.50%"]]))


SHOPIFY_HEADER = (
    "Name, Email, Financial Status, Paid at, Fulfillment Status, Fulfilled at, Accepts Marketing, Currency, "
    "Subtotal, Shipping, Taxes, Total, Discount Code, Discount Amount, Shipping Method, Created at, "
    "Lineitem quantity, Lineitem name, Lineitem price, Lineitem compare at price, Lineitem sku, "
    "Lineitem requires shipping, Lineitem taxable, Lineitem fulfillment status, Billing Name, Billing Street, "
    "Billing Address1, Billing Address2, Billing Company, Billing City, Billing Zip, Billing Province, "
    "Billing Country, Billing Phone, Shipping Name, Shipping Street, Shipping Address1, Shipping Address2, "
    "Shipping Company, Shipping City, Shipping Zip, Shipping Province, Shipping Country, Shipping Phone, "
    "Notes, Note Attributes, Cancelled at, Payment Method, Payment Reference, Refunded Amount, Vendor, "
    "Outstanding Balance, Employee, Location, Device ID, Id, Tags, Risk Level, Source, Lineitem discount"
).split(", ")


def shopify() -> None:
    def first(name, status, paid_at, created, total, qty, item, price, sku, oid, discount="", refunded="0.00",
              cancelled="", notes="", attrs="", zip_="'75008", email="anna@example.com"):
        d = {"Name": name, "Email": email, "Financial Status": status, "Paid at": paid_at,
             "Fulfillment Status": "fulfilled", "Accepts Marketing": "no", "Currency": "USD",
             "Subtotal": total, "Shipping": "0.00", "Taxes": "0.00", "Total": total, "Discount Code": discount,
             "Discount Amount": "0.00", "Shipping Method": "Standard", "Created at": created,
             "Lineitem quantity": qty, "Lineitem name": item, "Lineitem price": price, "Lineitem sku": sku,
             "Lineitem requires shipping": "true", "Lineitem taxable": "true", "Billing Name": "Anna Li",
             "Billing Zip": zip_, "Billing Country": "FR", "Shipping Zip": zip_, "Notes": notes,
             "Note Attributes": attrs, "Cancelled at": cancelled, "Payment Method": "Shopify Payments",
             "Refunded Amount": refunded, "Vendor": "Tea House", "Outstanding Balance": "0.00", "Id": oid,
             "Tags": "", "Risk Level": "Low", "Source": "web", "Lineitem discount": "0.00"}
        return [d.get(h, "") for h in SHOPIFY_HEADER]

    def more(name, qty, item, price, sku, email=""):
        d = {"Name": name, "Email": email, "Lineitem quantity": qty, "Lineitem name": item,
             "Lineitem price": price, "Lineitem sku": sku, "Lineitem requires shipping": "true",
             "Lineitem taxable": "true", "Vendor": "Tea House", "Lineitem discount": "0.00"}
        return [d.get(h, "") for h in SHOPIFY_HEADER]

    rows = [
        # a 3-line order, order fields on the first row only, the share's code as discount code
        first("#1001", "paid", "2026-11-03 10:15:00 +0200", "2026-11-03 10:14:00 +0200", "83.00", "1",
              "Longjing Green Tea 250g", "35.00", "TEA-001", "5123456789012", discount=CODE4),
        more("#1001", "2", "Tea Cup", "12.00", "CUP-002"),
        more("#1001", "1", "Bamboo Tray", "24.00", "TRAY-003"),
        # partially refunded: 20.00 shared over its two lines
        first("#1002", "partially_refunded", "2026-11-04 09:00:00 +0200", "2026-11-04 08:59:00 +0200",
              "70.00", "1", "Longjing Green Tea 250g", "35.00", "TEA-001", "5123456789013",
              refunded="20.00", discount="ANNA10"),
        more("#1002", "1", "Oolong 100g", "35.00", "TEA-004", email="anna@example.com"),
        # cancelled
        first("#1003", "voided", "", "2026-11-05 11:00:00 +0200", "35.00", "1", "Longjing Green Tea 250g",
              "35.00", "TEA-001", "5123456789014", cancelled="2026-11-05 12:00:00 +0200"),
        # ref code on the second line of Note Attributes, newlines in Notes
        first("#1004", "paid", "2026-11-06 10:00:00 +0200", "2026-11-06 09:59:00 +0200", "35.00", "1",
              "Longjing Green Tea 250g", "35.00", "TEA-001", "5123456789015",
              notes="Please gift wrap.\nNo invoice in the box.", attrs=f"utm_source: weibo\nref: {CODE4}"),
        # a forged code as discount code: imported, not credited
        first("#1005", "paid", "2026-11-07 10:00:00 +0200", "2026-11-07 09:59:00 +0200", "35.00", "1",
              "Longjing Green Tea 250g", "35.00", "TEA-001", "5123456789016", discount=FORGED.upper()),
        first("#1006", "refunded", "2026-11-08 10:00:00 +0200", "2026-11-08 09:59:00 +0200", "12.00", "1",
              "Tea Cup", "12.00", "CUP-002", "5123456789017"),
    ]
    write_csv(HERE / "shopify_orders_export.csv", SHOPIFY_HEADER, rows)


DOUYIN_HEADER = (
    "主订单编号, 子订单编号, 选购商品, 商品规格, 商品数量, 商品ID, 商品编码, 商品金额, 订单应付金额, 运费, "
    "商家收入金额, 平台实际承担优惠金额, 订单提交时间, 支付完成时间, 订单完成时间, 承诺发货时间, 发货时间, "
    "订单状态, 售后状态, 取消原因, 流量来源, 流量体裁, 达人ID, 达人昵称, 广告渠道, 省, 市, 区, 街道, 详细地址, "
    "收件人, 快递信息"
).split(", ")


def douyin() -> None:
    def row(main, sub, title, qty, unit, paid, status, after="", cancel="", source="精选联盟",
            creator="88990011", nick="茶小白", done="", sku="NX-GQ-500"):
        d = {"主订单编号": main + "\t", "子订单编号": sub + "\t", "选购商品": title, "商品规格": "500g",
             "商品数量": qty, "商品ID": "3612345678901234567\t", "商品编码": sku, "商品金额": unit,
             "订单应付金额": paid, "运费": "0.00", "商家收入金额": paid, "平台实际承担优惠金额": "0.00",
             "订单提交时间": "2026/11/09 20:00:00", "支付完成时间": "2026/11/09 20:01:00",
             "订单完成时间": done, "订单状态": status, "售后状态": after, "取消原因": cancel, "流量来源": source,
             "流量体裁": "直播", "达人ID": creator, "达人昵称": nick, "省": "浙江省", "市": "杭州市"}
        return [d.get(h, "") for h in DOUYIN_HEADER]

    rows = [
        row("6920000000000000001", "6920000000000000011", "宁夏枸杞", "1", "59.90", "59.90", "已完成",
            done="2026/11/15 10:00:00"),
        row("6920000000000000002", "6920000000000000021", "宁夏枸杞", "2", "59.90", "119.80", "已发货"),
        row("6920000000000000003", "6920000000000000031", "宁夏枸杞", "1", "59.90", "59.90", "已关闭",
            after="退款成功"),
        row("6920000000000000004", "6920000000000000041", "宁夏枸杞", "1", "59.90", "59.90", "已关闭",
            cancel="不想要了", source="商品卡", creator="", nick=""),
    ]
    path = HERE / "douyin_orders.csv"
    write_csv(path, DOUYIN_HEADER, rows, encoding="utf-8-sig")
    aff_header = ["主订单号", "子订单号", "商品", "主播昵称", "服务商名称", "订单创建时间", "订单支付时间",
                  "订单确认收货时间", "订单状态", "订单支付金额", "订单退款金额", "预估计佣金额", "预估出佣总额",
                  "出佣比例", "备注"]
    write_csv(HERE / "douyin_affiliate.csv", aff_header, [
        ["6930000000000000001", "6930000000000000011", "宁夏枸杞", "茶小白", "", "2026-11-10 19:00:00",
         "2026-11-10 19:01:00", "2026-11-16 10:00:00", "订单已确认收货", "59.90", "-", "59.90", "4.49",
         "7.50%", f"直播间 {CODE9}"],
        ["6930000000000000002", "6930000000000000021", "西湖龙井", "茶小白", "", "2026-11-11 19:00:00",
         "2026-11-11 19:01:00", "", "订单已付款", "100.00", "-", "100.00", "7.50", "7.50%", ""],
    ], encoding="utf-8-sig")


def generic() -> None:
    header = ["order_id", "line_key", "sku", "title", "quantity", "unit_price", "paid", "status",
              "created_at", "paid_at", "tracking_code", "slot", "commission"]
    write_csv(HERE / "generic_orders.csv", header, [
        ["W1001", "W1001-1", "NX-GQ-500", "宁夏枸杞 500g", "1", "59.90", "59.90", "paid",
         "2026-11-12 10:00:00", "2026-11-12 10:01:00", CODE1, "", ""],
        ["W1002", "W1002-1", "NX-GQ-500", "宁夏枸杞 500g", "1", "59.90", "¥59.90", "completed",
         "2026-11-13T10:00:00+08:00", "2026-11-13T10:01:00+08:00", "", "", "5.99"],
        ["W1003", "W1003-1", "XH-LJ-250", "西湖龙井", "2", "100.00", "1,200.00", "已取消",
         "2026-11-14", "", "", "", ""],
    ])
    # a shop's own export, mapped with --map / a saved mapping
    write_csv(HERE / "weidian_export.csv", ["订单号", "明细号", "货号", "宝贝", "件数", "实收", "状态", "下单"], [
        ["WD001", "WD001-A", "NX-GQ-500", "宁夏枸杞", "1", "59.90", "已付款", "2026-11-15 10:00:00"],
        ["WD002", "WD002-A", "XH-LJ-250", "西湖龙井", "1", "100.00", "交易成功", "2026-11-16 10:00:00"],
    ], encoding="gb18030")


if __name__ == "__main__":
    taobao()
    legacy()
    jd()
    amazon()
    shopify()
    douyin()
    generic()
    print("written to", HERE)
