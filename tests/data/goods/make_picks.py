"""Writes the 淘宝联盟 选品库 fixtures in this folder (run it to rebuild them).

Built from the header names in shared/FORMATS.md §5b. The tests' clock is
2026-11-20 (tests/conftest.py FROZEN_NOW), so of the coupons below 满50元减10元,
20元无条件券 and 满99元减15元 are valid, 满30元减5元 has expired.

* picks_2026-11.xls: what the 联盟 often downloads: GBK text (CSV) with an .xls name;
* picks_2026-11.xlsx: the same content as a real workbook (prices and dates as numbers / dates);
* picks_2026-11_biff.xls: the same content as a real Excel 97 (BIFF8) workbook, as older
  联盟 downloads are (written with xlwt, needed only to rebuild this file: pip install xlwt);
* picks_variant.csv: a later download, GB18030, other columns in another order (no short
  link or 淘口令, 卖家id/优惠券id/推荐理由 extra, ``商品价格(单位:元)`` with an ASCII colon).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent

HEADER = [
    "商品id", "商品名称", "商品主图", "商品详情页链接地址", "商品一级类目", "淘宝客链接",
    "商品价格(单位：元)", "商品月销量", "收入比率(%)", "佣金", "卖家旺旺", "卖家id", "店铺名称", "平台类型",
    "优惠券id", "优惠券总量", "优惠券剩余量", "优惠券面额", "优惠券开始时间", "优惠券结束时间", "优惠券链接",
    "商品优惠券推广链接", "淘宝客短链接(300天内有效)", "淘口令(300天内有效)",
]
PID = "mm_12345678_2345678_111111111"  # adzone 111111111: the 推广位ID of tests/data/orders
PID2 = "mm_12345678_2345678_222222222"


def row(sku, title, cat, price, sales, rate, wangwang, shop, platform, face="", start="", end="",
        total="", left="", pid=PID, short="", tkl="", seller="2200001111"):
    item = f"https://detail.tmall.com/item.htm?id={sku}" if platform == "天猫" else f"https://item.taobao.com/item.htm?id={sku}"
    coupon = face not in ("", "无")
    cid = f"c{sku[-4:]}0001" if coupon else ""
    return {
        "商品id": sku, "商品名称": title, "商品主图": f"https://img.alicdn.com/i1/{sku}.jpg",
        "商品详情页链接地址": item, "商品一级类目": cat,
        "淘宝客链接": f"https://s.click.taobao.com/t?e=m%3D2%26s%3D{sku}&pid={pid}",
        "商品价格(单位：元)": price, "商品月销量": sales, "收入比率(%)": rate,
        "佣金": f"{float(price) * float(rate) / 100:.2f}", "卖家旺旺": wangwang, "卖家id": seller,
        "店铺名称": shop, "平台类型": platform, "优惠券id": cid, "优惠券总量": total, "优惠券剩余量": left,
        "优惠券面额": face, "优惠券开始时间": start, "优惠券结束时间": end,
        "优惠券链接": f"https://uland.taobao.com/quan/detail?sellerId={seller}&activityId={cid}" if coupon else "",
        "商品优惠券推广链接": (
            f"https://uland.taobao.com/coupon/edetail?e=AbC{sku}&activityId={cid}&itemId={sku}&pid={pid}"
            if coupon else ""
        ),
        "淘宝客短链接(300天内有效)": short, "淘口令(300天内有效)": tkl,
    }


ROWS = [
    row("620001234567", "宁夏枸杞 特级 500g", "食品/保健", "59.90", "12034", "20.00", "杞乡旗舰店", "杞乡旗舰店", "天猫",
        "满50元减10元", "2026-11-15", "2026-12-15", "10000", "8560",
        short="https://s.click.taobao.com/Gq1aB2c", tkl="￥Gq1AbCd2Ef3￥"),
    row("620001234568", "云南普洱茶饼 357g", "茶", "128.00", "865", "15.00", "勐海茶叶店", "勐海茶叶店", "淘宝",
        "20元无条件券", "2026-11-01", "2026-11-30", "2000", "300",
        short="https://s.click.taobao.com/Pe2xY3z", tkl="￥Pe2XyZ3wV4u￥"),
    row("620001234569", "五常大米 5kg", "粮油米面", "69.90", "3021", "12.50", "五常米业旗舰店", "五常米业旗舰店", "天猫",
        "无", short="https://s.click.taobao.com/Dm3kL4m", tkl="￥Dm3KlM4nP5q￥"),
    row("620001234570", "东北黑木耳 250g", "食品/保健", "35.00", "410", "30.00", "长白山特产", "长白山特产", "淘宝",
        "满30元减5元", "2026-10-01", "2026-11-10", "500", "120",
        short="https://s.click.taobao.com/Me4rT5s", tkl="￥Me4RtS5uV6w￥"),
    row("620001234571", "手工古法红糖 400g", "食品/保健", "19.90", "2210", "25.00", "云南糖坊", "云南糖坊", "淘宝",
        "", pid=PID2, short="https://s.click.taobao.com/Hs5tU6v", tkl="（Hs5TuV6wX7y）"),
    row("620001234572", "新疆若羌红枣 1kg", "食品/保健", "45.80", "7702", "18.00", "若羌枣园旗舰店", "若羌枣园旗舰店", "天猫",
        "满99元减15元", "2026-11-11", "2026-12-31", "5000", "4999",
        short="https://s.click.taobao.com/Hz6uV7w", tkl="￥Hz6UvW7xY8z￥"),
]

VARIANT_HEADER = [
    "商品名称", "商品id", "平台类型", "店铺名称", "卖家id", "商品价格(单位:元)", "收入比率（%）", "商品月销量",
    "优惠券面额", "优惠券剩余量", "优惠券总量", "优惠券开始时间", "优惠券结束时间", "优惠券id",
    "商品优惠券推广链接", "淘宝客链接", "商品一级类目", "商品详情页链接地址", "推荐理由",
]


def variant_rows() -> list[dict]:
    out = []
    first = dict(ROWS[0], **{"商品价格(单位：元)": "57.90", "优惠券面额": "", "优惠券开始时间": "",
                             "优惠券结束时间": "", "优惠券总量": "", "优惠券剩余量": "", "优惠券id": "",
                             "商品优惠券推广链接": ""})
    second = dict(ROWS[1], **{"优惠券剩余量": "280"})
    new = row("620001234573", "高山云雾绿茶 250g", "茶", "88.00", "156", "22.00", "黄山茶庄", "黄山茶庄", "淘宝",
              "满80元减30元", "2026-11-18", "2026-12-18", "1000", "1000")
    for r in (first, second, new):
        d = dict(r)
        d["商品价格(单位:元)"] = d["商品价格(单位：元)"]
        d["收入比率（%）"] = d["收入比率(%)"]
        d["推荐理由"] = "回购率高" if r is new else ""
        out.append(d)
    return out


def write_csv(path: Path, header: list[str], rows: list[dict], encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r[h] for h in header])
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Page1"
    ws.append(HEADER)
    numbers = {"商品价格(单位：元)": float, "收入比率(%)": float, "佣金": float, "商品月销量": int,
               "优惠券总量": int, "优惠券剩余量": int}
    for r in ROWS:
        cells = []
        for h in HEADER:
            v = r[h]
            if v and h in numbers:
                v = numbers[h](v)
            elif v and h in ("优惠券开始时间", "优惠券结束时间"):
                v = datetime.fromisoformat(v)
            cells.append(v)
        ws.append(cells)
    for col in ws.iter_cols(min_row=2):
        for c in col:
            if isinstance(c.value, datetime):
                c.number_format = "yyyy-mm-dd"
    # a fixed creation time: the same bytes on every rebuild
    wb.properties.created = wb.properties.modified = datetime(2026, 11, 20, 10, 0, 0)
    wb.save(path)


def write_biff(path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Page1")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for j, h in enumerate(HEADER):
        ws.write(0, j, h)
    numbers = {"商品价格(单位：元)": float, "收入比率(%)": float, "佣金": float, "商品月销量": int,
               "优惠券总量": int, "优惠券剩余量": int}
    for i, r in enumerate(ROWS, 1):
        for j, h in enumerate(HEADER):
            v = r[h]
            if v and h in numbers:
                ws.write(i, j, numbers[h](v))
            elif v and h in ("优惠券开始时间", "优惠券结束时间"):
                ws.write(i, j, datetime.fromisoformat(v), dates)
            else:
                ws.write(i, j, v)
    wb.save(str(path))


def main() -> None:
    write_csv(HERE / "picks_2026-11.xls", HEADER, ROWS, "gbk")
    write_xlsx(HERE / "picks_2026-11.xlsx")
    write_biff(HERE / "picks_2026-11_biff.xls")
    write_csv(HERE / "picks_variant.csv", VARIANT_HEADER, variant_rows(), "gb18030")


if __name__ == "__main__":
    main()
