"""Make the demo's 淘宝联盟 选品库 export: GBK CSV named .xls (as the 联盟 downloads often are) and .xlsx."""
import csv
import io
import sys
from pathlib import Path

HEAD = ["商品id", "商品名称", "商品主图", "商品详情页链接地址", "商品一级类目", "淘宝客链接", "商品价格(单位：元)",
        "商品月销量", "收入比率(%)", "佣金", "卖家旺旺", "卖家id", "店铺名称", "平台类型", "优惠券id",
        "优惠券总量", "优惠券剩余量", "优惠券面额", "优惠券开始时间", "优惠券结束时间", "优惠券链接",
        "商品优惠券推广链接", "淘宝客短链接(300天内有效)", "淘口令(300天内有效)"]
PID = "mm_26880001_3110002_108000000003"


def row(iid, title, cat, price, sales, rate, shop, plat, coupon=None, tkl=None):
    p = float(price)
    r = float(rate)
    item = f"https://{'detail.tmall.com' if plat == '天猫' else 'item.taobao.com'}/item.htm?id={iid}"
    cid, total, left, face, start, end, curl, cplink = ("",) * 8
    if coupon:
        face, start, end, total, left = coupon
        cid = "c" + iid[-8:]
        curl = f"https://uland.taobao.com/quan/detail?sellerId=2208{iid[-6:]}&activityId={cid}"
        cplink = f"https://uland.taobao.com/coupon/edetail?e=Ab{iid[-6:]}Xy&pid={PID}&af=1"
    return [iid, title, f"https://img.alicdn.com/imgextra/i1/{iid}.jpg", item, cat,
            f"https://s.click.taobao.com/t?e=m%3D2%26s%3D{iid}&pid={PID}", price, sales, rate,
            f"{p * r / 100:.2f}", shop, "2208" + iid[-6:], shop, plat, cid, total, left, face or "无",
            start, end, curl, cplink, f"https://s.click.taobao.com/{iid[-7:]}Q", tkl or ""]


ROWS = [
    row("675012398001", "新疆阿克苏冰糖心苹果 5斤 礼盒装", "水果", "39.90", "12034", "30.00", "阿克苏果园直发", "天猫",
        ("满39元减10元", "2026-10-25", "2026-11-11", "50000", "18250"), "￥Xa8bC3dEf9Q￥"),
    row("675012398002", "赣南脐橙 10斤 现摘", "水果", "49.90", "8807", "25.00", "赣南橙乡", "淘宝",
        ("20元无条件券", "2026-10-28", "2026-11-30", "20000", "9021"), "￥Pq7RsT2uVw3￥"),
    row("675012398003", "五常大米 稻花香 5kg 新米", "粮油", "69.00", "5230", "18.50", "五常米业旗舰店", "天猫",
        ("满60元减5元", "2026-10-01", "2026-10-31", "10000", "0"), "￥Mn4BvC5xZa6￥"),
    row("675012398004", "东北黑木耳 250g 秋耳", "干货", "29.90", "3310", "22.00", "长白山山珍", "淘宝",
        None, "￥Gh8JkL9mNb2￥"),
    row("675012398005", "云南古树红茶 滇红 100g", "茶叶", "88.00", "1502", "35.00", "凤庆茶厂", "天猫",
        ("满88元减30元", "2026-10-20", "2026-11-20", "3000", "1204"), "￥Rt5YuI6oPa7￥"),
]


def main(out: Path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEAD)
    w.writerows(ROWS)
    (out / "demo_xuanpinku.xls").write_bytes(buf.getvalue().encode("gbk"))
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(HEAD)
    for r in ROWS:
        ws.append(r)
    wb.save(out / "demo_xuanpinku.xlsx")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
