"""Writing lines (orders/write.py): every value is a bound parameter, so any
platform or distributor name is stored exactly as given, on both paths."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import DATA, dump
from tests.orders_helpers import direct_or_staged
from weimai_cli.orders import write

PLATFORM = "shop?1'x\"y ?2 '' ?20"
HANDLE = "o'x?1\"y?2''"


def _rows(keys, status="paid", paid="10.00"):
    head = "order_id,line_key,sku,quantity,paid,status,created_at,paid_at"
    return "\n".join([head] + [f"O{i},L{i},S1,1,{paid},{status},2026-11-12 10:00:00,2026-11-12 10:01:00"
                               for i in keys]) + "\n"


@pytest.fixture(params=["direct", "staged"])
def path(request):
    """Which way a platform's first lines go (staged: as a file with a key twice)."""
    with direct_or_staged(request.param == "staged"):
        yield request.param


def test_a_platform_name_with_parameters_and_quotes_is_stored_exactly(run, db, tmp_path, path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(_rows(range(25)), encoding="utf-8")  # (more than one statement's 20 lines)
    # a later export: 5 lines settled, 5 new ones (the staging path: the platform has lines)
    b.write_text(_rows(range(20, 30), status="settled"), encoding="utf-8")
    run("orders", "import", a, "--platform", PLATFORM)
    run("orders", "import", b, "--platform", PLATFORM)
    assert dump(db, "SELECT platform, count(*), sum(status = 'settled'), count(DISTINCT day) FROM orders "
                    "GROUP BY platform") == [(PLATFORM, 30, 10, 1)]
    assert dump(db, "SELECT DISTINCT platform FROM imports") == [(PLATFORM,)]
    assert dump(db, "SELECT platform, field, count(*) FROM order_events GROUP BY platform, field") == [
        (PLATFORM, "raw_status", 5), (PLATFORM, "status", 5)]
    # the line keys, untouched by the parameters around them
    assert dump(db, "SELECT line_key FROM orders WHERE line_key IN ('L0', 'L24', 'L29') ORDER BY line_key") == [
        ("L0",), ("L24",), ("L29",)]


def test_a_distributor_handle_with_parameters_and_quotes_is_stored_exactly(run, db, path):
    run("distributors", "add", HANDLE)
    run("orders", "import", DATA / "orders" / "douyin_affiliate.csv", "--as", HANDLE)
    assert dump(db, "SELECT DISTINCT platform, kind, distributor FROM orders") == [
        ("douyin-union", "affiliate", HANDLE)]
    assert dump(db, "SELECT DISTINCT distributor FROM imports") == [(HANDLE,)]
    assert dump(db, "SELECT DISTINCT distributor FROM ledger") == [(HANDLE,)]


def test_grouped_rows_share_the_fixed_parameters_and_number_the_rest():
    insert = write.Grouped("INSERT INTO t VALUES {}", write.numbered(2), 2, ("a", "b"))
    assert insert.statement(2) == "INSERT INTO t VALUES (?3, ?4), (?5, ?6)"
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (p, q, k, v)")
    insert = write.Grouped("INSERT INTO t VALUES {}", lambda first: f"(?1, ?2, ?{first}, ?{first + 1})",
                           2, ("p?1'", "q"))
    lines = [(f"k{i}", i) for i in range(write.GROUP * 2 + 3)]
    assert insert.write(conn, lines) == len(lines)
    assert conn.execute("SELECT p, q, k, v FROM t ORDER BY v").fetchall() == [
        ("p?1'", "q", k, v) for k, v in lines]
