"""A platform's first import goes straight into orders (write.Direct);
it stores, books and reports exactly what the staging path does."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, dump
from tests.orders_helpers import direct_or_staged
from weimai_cli.orders import write

ORDERS = DATA / "orders"
TABLES = {
    "orders": "SELECT * FROM orders ORDER BY platform, line_key",
    "ledger": "SELECT * FROM ledger ORDER BY id",
    "ledger_state": "SELECT * FROM ledger_state",
    "ledger_totals": "SELECT * FROM ledger_totals",
    "ledger_days": "SELECT * FROM ledger_days",
    # a line's day is the Asia/Shanghai date of its paid (else created) time, on both paths
    "wrong_days": "SELECT line_key, day FROM orders WHERE day IS NOT date(coalesce(paid_at, created_at), '+8 hours')",
    "order_events": "SELECT * FROM order_events ORDER BY id",
    "imports": "SELECT * FROM imports ORDER BY id",
}


def _imported(run, monkeypatch, tmp_path, name: str, staged: bool, files: list) -> tuple:
    from weimai_cli.db.store import connect

    home = tmp_path / name
    monkeypatch.setenv("WEIMAI_HOME", str(home))
    with direct_or_staged(staged) as calls:
        outputs = [run("orders", "import", "--json", *args).stdout for args in files]
    conn = connect(home / "weimai.db")
    try:
        tables = {t: dump(conn, sql) for t, sql in TABLES.items()}
    finally:
        conn.close()
    tables["imports"] = [r[:1] + r[2:] for r in tables["imports"]]  # (the file's path names the home)
    return [json.loads(o) for o in outputs], tables, calls


@pytest.mark.parametrize("files", [
    [["generic_orders.csv"]],
    [["jd_union_2026-11.csv"], ["jd_union_2026-11-later.csv"]],
    [["douyin_orders.csv"], ["douyin_affiliate.csv", "--as", "me"]],
    [["shopify_orders_export.csv"]],
    [["amazon_report_2026-11.zip"]],
    [["amazon_uk_earnings_2026-11.tsv"]],
    [["TaokeDetail-2018-11-30.xls"]],
    [["taobao_union_2026-11.csv"], ["taobao_union_2026-11-later.csv"], ["taobao_refund_2026-11.csv"]],
    [["taobao_union_2026-11.xlsx"]],
    [["amazon_fee_earnings_2026-11.csv"]],
    [["douyin_affiliate.csv"]],
    [["weidian_export.csv", "--platform", "weidian", "--map", "订单号=order_id", "--map", "明细号=line_key",
      "--map", "货号=sku", "--map", "宝贝=title", "--map", "件数=quantity", "--map", "实收=paid",
      "--map", "状态=status", "--map", "下单=created_at"]],
])
def test_direct_load_stores_what_staging_stores(run, monkeypatch, tmp_path, files):
    files = [[str(ORDERS / a[0]), *a[1:]] for a in files]
    direct = _imported(run, monkeypatch, tmp_path, "direct", False, files)
    staged = _imported(run, monkeypatch, tmp_path, "staged", True, files)
    assert True in staged[2] and False in direct[2]  # each path was taken

    def same(results):
        return [{k: v for k, v in r.items() if k not in ("file", "import_id")} for rs in results for r in rs]

    assert same(direct[0]) == same(staged[0])
    for t in direct[1]:
        assert direct[1][t] == staged[1][t], (t, direct[1][t], staged[1][t])
    assert direct[1]["wrong_days"] == []


def test_a_status_orders_refuses_goes_the_staging_way(db):
    conn = db
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO imports (id, file, name, sha256, format, platform, kind, started_at) "
        "VALUES (1, 'f', 'f', 'x', 'generic', 'p', 'shop', 'x')"
    )
    direct = write.Direct(conn, "p", "shop", None, 1)
    with pytest.raises(write.Restage):
        direct.load(direct.pack(iter([("L1", "paid"), ("L2", "shipped")]), ("status",)), ("status",))
    assert conn.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0
    conn.execute("ROLLBACK")


def test_a_platform_name_holding_a_numbered_parameter_is_kept(run, db, tmp_path):
    """(lines go 20 to a statement; the platform is a bound parameter every
    row of it shares: tests/orders/test_orders_write.py)"""
    f = tmp_path / "g.csv"
    rows = ["order_id,line_key,sku,quantity,paid,status,created_at,paid_at"]
    rows += [f"O{i},L{i},S1,1,10.00,paid,2026-11-12 10:00:00,2026-11-12 10:01:00" for i in range(25)]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run("orders", "import", f, "--platform", "shop?1 'x'")
    assert dump(db, "SELECT platform, count(*), count(DISTINCT day) FROM orders GROUP BY platform") == [
        ("shop?1 'x'", 25, 1)
    ]
