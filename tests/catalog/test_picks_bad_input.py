"""Bad 选品库 rows: one line naming file:row:column, a hint, exit 1, nothing written."""

from __future__ import annotations

import csv
import io

import pytest

from tests.catalog.test_catalog_bad_input import db_fingerprint, one_error
from tests.conftest import DATA

XLS = DATA / "goods" / "picks_2026-11.xls"


@pytest.fixture
def loaded(run, home):
    run("goods", "import", XLS)
    return db_fingerprint(home)


def damaged(tmp_path, column: str, value: str, row: int = 3, name: str = "picks.xls"):
    """The GBK export with one cell changed (``row`` counts the header as 1)."""
    rows = list(csv.reader(io.StringIO(XLS.read_bytes().decode("gbk"))))
    rows[row - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    f = tmp_path / name
    f.write_bytes(buf.getvalue().encode("gbk"))
    return f, rows[0].index(column) + 1


@pytest.mark.parametrize(
    ("column", "value", "message", "hint"),
    [
        ("商品id", "", "商品id: SKU is empty", "every row needs a SKU"),
        ("商品id", "1.23457E+18", "商品id: id '1.23457E+18' was turned into scientific notation", "format the id column as Text"),
        ("商品价格(单位：元)", "", "商品价格(单位：元): price is empty", "every row needs a price"),
        ("商品价格(单位：元)", "面议", "商品价格(单位：元): not an amount: '面议'", "write a price"),
        ("优惠券面额", "打八折", "优惠券面额: coupon text '打八折' is not 满X元减Y元 or X元无条件券", "write the 面额 as"),
        ("优惠券面额", "满10元减20元", "优惠券面额: coupon text '满10元减20元' takes off more than its threshold",
         "write the 面额 as"),
        ("优惠券结束时间", "下周五", "优惠券结束时间: not a date: '下周五'", "write a date like"),
        ("优惠券剩余量", "很多", "优惠券剩余量: not a whole number: '很多'", "write a whole number"),
        ("淘口令(300天内有效)", "复制打开淘宝", "淘口令(300天内有效): no 淘口令 in '复制打开淘宝'", "give the 淘口令"),
        ("淘宝客链接", "请登录后获取", "淘宝客链接: not a link: '请登录后获取'", "give the 联盟's link"),
    ],
)
def test_bad_cell_names_file_row_column(run, home, loaded, tmp_path, column, value, message, hint):
    f, col = damaged(tmp_path, column, value)
    err, h = one_error(run("goods", "import", f, code=1))
    assert err.startswith(f"error: {f}:3:{col}: {message}"), err
    assert h.startswith(f"hint: {hint}"), h
    assert db_fingerprint(home) == loaded


def test_no_price_column(run, home, loaded, tmp_path):
    rows = list(csv.reader(io.StringIO(XLS.read_bytes().decode("gbk"))))
    i = rows[0].index("商品价格(单位：元)")
    f = tmp_path / "noprice.csv"
    f.write_text("\n".join(",".join(r[:i] + r[i + 1:]) for r in rows) + "\n", encoding="gb18030")
    err, _ = one_error(run("goods", "import", f, code=1))
    assert err.startswith(f"error: {f}:1: missing required column(s): price; found: 商品id, 商品名称")
    assert db_fingerprint(home) == loaded
