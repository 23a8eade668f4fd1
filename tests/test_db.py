"""Home, database path, migrations, backup, check."""

from __future__ import annotations

import sqlite3
import threading

from tests.conftest import DATA, dump
from tests.golden_util import check_golden


def schema(conn) -> str:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    )
    return "".join(f"-- {t} {n}\n{sql};\n\n" for t, n, sql in rows)


def test_fresh_database_schema_is_exact(db):
    check_golden("schema.sql", schema(db))


def test_migrations_recorded_and_rerun_is_safe(home):
    from weimai_cli.migrations import MIGRATIONS, migrate
    from weimai_cli.store import connect

    conn = connect(home / "weimai.db")
    names = [n for n, _ in MIGRATIONS]
    assert [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")] == names
    assert migrate(conn) == []
    conn.close()
    conn = connect(home / "weimai.db")
    assert dump(conn, "SELECT count(*) FROM _migrations") == [(len(names),)]
    assert dump(conn, "SELECT handle FROM distributors") == [("me",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_two_processes_migrating_at_once(home):
    """Two connections opening a brand-new database at the same moment."""
    from weimai_cli.store import connect

    errors = []

    def open_it():
        try:
            connect(home / "weimai.db").close()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    conn = sqlite3.connect(home / "weimai.db")
    assert conn.execute("SELECT count(*) FROM distributors").fetchone()[0] == 1


def test_db_path_home_and_override(run, home, tmp_path):
    assert run("db", "path").stdout == f"{home / 'weimai.db'}\n"
    assert run("--db", tmp_path / "x.db", "db", "path").stdout == f"{tmp_path / 'x.db'}\n"


def test_home_defaults_to_platformdirs(monkeypatch):
    from platformdirs import user_data_dir

    from weimai_cli import config

    monkeypatch.delenv("WEIMAI_HOME")
    assert config.home_dir() == __import__("pathlib").Path(user_data_dir("weimai", appauthor=False))


def test_backup_while_another_writer_holds_a_transaction(run, home, tmp_path):
    from weimai_cli.store import connect

    run("goods", "import", DATA / "goods" / "catalogue.csv")
    writer = connect(home / "weimai.db")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE goods SET price_fen = 1 WHERE sku = 'GQ-1'")
    r = run("db", "backup", tmp_path / "copy.db")
    assert r.stderr == f"backed up {home / 'weimai.db'} to {tmp_path / 'copy.db'}\n"
    writer.execute("COMMIT")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the copy holds the committed state, not the half-done transaction
    assert copy.execute("SELECT price_fen FROM goods WHERE sku = 'GQ-1'").fetchone()[0] == 5990
    assert copy.execute("SELECT count(*) FROM goods").fetchone()[0] == 3
    r = run("db", "backup", tmp_path / "copy.db", code=1)
    assert "already exists" in r.stderr


def test_db_check_clean_and_broken(run, home):
    r = run("db", "check")
    assert r.stderr == "ok: integrity and foreign keys check clean\n"
    raw = sqlite3.connect(home / "weimai.db")
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(
        "INSERT INTO goods_history (sku, price_fen, changed_at) VALUES ('GHOST', 1, '2026-11-20T10:00:00+08:00')"
    )
    raw.commit()
    raw.close()
    r = run("db", "check", code=1)
    assert r.stdout == "foreign key: goods_history rowid 1 points at missing goods row\n"
    assert r.stderr.startswith("error: 1 problem(s) found\n")


def test_write_lock_past_busy_timeout_exits_3(run, home, monkeypatch):
    from weimai_cli import store

    run("db", "path")
    conn = store.connect(home / "weimai.db")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(home / "weimai.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = run("goods", "add", "X", "--title", "x", "--price", "1", code=3)
        assert r.stderr.startswith("error: database is busy")
    finally:
        holder.execute("ROLLBACK")
    assert dump(conn, "SELECT count(*) FROM goods") == [(0,)]


def test_db_migrations_lists_names(run):
    r = run("db", "migrations")
    assert "m001_goods" in r.stdout


def test_python_dash_m_works():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "weimai_cli", "--version"], capture_output=True, text=True)
    assert out.stdout == "weimai 0.1.0\n"


def test_a_mistyped_db_folder_is_refused_not_created(run, tmp_path):
    missing = tmp_path / "no-such-dir" / "x.db"
    r = run("--db", missing, "list-goods", code=5)
    assert r.stderr.startswith(f"error: {missing.parent}: no such folder\n")
    assert not missing.parent.exists()


def test_m010_keeps_data_and_fills_days(home, monkeypatch):
    """A database made before m010, with orders, ledger entries and a closed
    month, comes through it whole: days filled, day sums equal to the entries."""
    from weimai_cli import migrations
    from weimai_cli.store import connect

    before = [m for m in migrations.MIGRATIONS if m[0] < "m010"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    conn = connect(home / "weimai.db")
    conn.execute("INSERT INTO imports (file, name, sha256, format, platform, kind, started_at) "
                 "VALUES ('f', 'f', 'x', 'generic', 'p', 'affiliate', 't')")
    for key, paid_at, created_at in (("L1", "2026-10-05T10:00:00+08:00", None),
                                     ("L2", None, "2026-10-06T23:30:00+08:00"), ("L3", None, None)):
        conn.execute(
            "INSERT INTO orders (platform, line_key, status, paid_at, created_at, month, kind, first_import_id, "
            "last_import_id, updated_at) VALUES ('p', ?, 'paid', ?, ?, '2026-10', 'affiliate', 1, 1, 't')",
            (key, paid_at, created_at),
        )
    for key, day, amount in (("L1", "2026-10-05", 500), ("L1", "2026-10-05", -100), ("L2", "2026-10-06", 70),
                             ("L3", None, 9)):
        conn.execute(
            "INSERT INTO ledger (period, distributor, platform, line_key, day, kind, bucket, amount_fen, reason, "
            "created_at) VALUES ('2026-10', 'me', 'p', ?, ?, 'accrual', 'estimated', ?, 'r', 't')",
            (key, day, amount),
        )
    conn.execute("INSERT INTO closed_lines (period, platform, line_key, currency, status, expected_rate_bp) "
                 "VALUES ('2026-09', 'p', 'L0', 'CNY', 'paid', 100)")
    for key, who in (("L1", "me"), ("L2", None)):
        conn.execute("INSERT INTO ledger_state (platform, line_key, distributor, signature) VALUES ('p', ?, ?, 's')",
                     (key, who))
    conn.commit()
    conn.close()
    monkeypatch.undo()  # every migration again: m010 runs on open
    conn = connect(home / "weimai.db")
    assert dump(conn, "SELECT line_key, day FROM orders ORDER BY line_key") == [
        ("L1", "2026-10-05"), ("L2", "2026-10-06"), ("L3", None)]
    assert dump(conn, "SELECT day, amount_fen FROM ledger_days ORDER BY day") == [
        ("", 9), ("2026-10-05", 400), ("2026-10-06", 70)]
    assert dump(conn, "SELECT period, line_key, expected_rate_bp FROM closed_lines") == [("2026-09", "L0", 100)]
    assert "WITHOUT ROWID" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'closed_lines'").fetchone()[0]
    assert dump(conn, "SELECT line_key FROM ledger_state") == [("L1",)]  # L2 earns nobody
    assert dump(conn, "PRAGMA integrity_check") == [("ok",)]


def test_m012_gives_every_line_a_currency_and_moves_amazon_commission_out_of_cny(run, home, tmp_path,
                                                                                 monkeypatch):
    """A database from before m012: lines stored without a currency, their
    commission booked in CNY (an Amazon UK report among them)."""
    import json

    from weimai_cli.orders.formats import amazon_earnings
    from weimai_cli.store import connect

    orders = DATA / "orders"
    header = ["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Items Shipped",
              "Returns", "Revenue", "Ad Fees", "Device Type Group"]
    other = tmp_path / "other.tsv"
    other.write_text("\t".join(header) + "\nKitchen\tCup\tB00CUP0001\tAcme Ltd\tother-21\t2026-11-11 00:00:00"
                     "\t5.00\t1\t0\t5.00\t1.00\tPHONE\n", encoding="utf-8")
    uk_orders = tmp_path / "fee-orders.csv"
    uk_orders.write_text("Category,Name,ASIN,Date,Qty,Price,Link Type,Tag,Orders through product links,"
                         "Device Type Group\nKitchen,Teapot,B00TEAPOT1,2026-11-09 00:00:00,1,19.99,Text,"
                         "mystore-21,DI,PHONE\n", encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(amazon_earnings, "marketplace_currency", lambda seller: None)  # (as before m012)
        for f in (orders / "amazon_uk_earnings_2026-11.tsv", other, uk_orders, orders / "generic_orders.csv"):
            run("orders", "import", "--currency", "CNY", f)
    conn = connect(home / "weimai.db")
    conn.execute("UPDATE orders SET currency = NULL")
    conn.execute("DELETE FROM _migrations WHERE name = 'm012_order_currency'")
    conn.commit()
    conn.close()
    conn = connect(home / "weimai.db")  # m012 runs on open
    assert dump(conn, "SELECT count(*) FROM orders WHERE currency IS NULL") == [(0,)]
    assert dump(conn, "SELECT slot, currency FROM orders WHERE platform = 'amazon' ORDER BY line_key") == [
        ("mystore-21", "GBP"), ("other-21", "XXX"), ("mystore-21", "GBP")]
    assert dump(conn, "SELECT DISTINCT currency FROM orders WHERE platform = 'generic'") == [("CNY",)]
    assert dump(conn, "SELECT currency, sum(amount_fen) FROM ledger WHERE platform = 'amazon' "
                      "GROUP BY currency ORDER BY currency") == [("CNY", 0), ("GBP", 80), ("XXX", 100)]
    conn.close()
    totals = {c["currency"]: c["net_fen"]
              for c in json.loads(run("earnings", "--month", "2026-11", "--format", "json").stdout)["currencies"]}
    assert totals == {"CNY": 0, "GBP": 80, "XXX": 100}
    run("earnings", "close", "--month", "2026-11", "--force")
    run("earnings", "--month", "2026-11", "--verify")  # the entries add up to what the lines earn
