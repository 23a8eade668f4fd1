"""Home, database path, migrations, backup, check."""

from __future__ import annotations

import os
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
    from weimai_cli.db.migrations import MIGRATIONS, migrate
    from weimai_cli.db.store import connect

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
    from weimai_cli.db.store import connect

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
    from weimai_cli.db.store import connect

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


def add_orphan_row(path) -> None:
    """A goods_history row of no goods (foreign keys off): what `db check` reports."""
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(
        "INSERT INTO goods_history (sku, price_fen, changed_at) VALUES ('GHOST', 1, '2026-11-20T10:00:00+08:00')"
    )
    raw.commit()
    raw.close()


def test_db_check_clean_and_broken(run, home):
    r = run("db", "check")
    assert r.stderr == "ok: integrity and foreign keys check clean\n"
    add_orphan_row(home / "weimai.db")
    r = run("db", "check", code=1)
    assert r.stdout == "foreign key: goods_history rowid 1 points at missing goods row\n"
    assert r.stderr.startswith("error: 1 problem(s) found\n")


def test_write_lock_past_busy_timeout_exits_3(run, home, monkeypatch):
    from weimai_cli.db import store

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
    assert out.stdout == "weimai 0.3.0\n"


def test_a_mistyped_db_folder_is_refused_not_created(run, tmp_path):
    missing = tmp_path / "no-such-dir" / "x.db"
    r = run("--db", missing, "list-goods", code=5)
    assert r.stderr.startswith(f"error: {missing.parent}: no such folder\n")
    assert not missing.parent.exists()


def test_m010_keeps_data_and_fills_days(home, monkeypatch):
    """A database made before m010, with orders, ledger entries and a closed
    month, comes through it whole: days filled, day sums equal to the entries."""
    from weimai_cli.db import migrations
    from weimai_cli.db.store import connect

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


DAMAGED_HINT = ("hint: run `weimai db check`; if it finds problems, restore a `weimai db backup` copy "
                "(a clean check lets weimai write again)\n")


def damage_index(db_file, index: str) -> tuple[int, bytes]:
    """Garbage over the first bytes of ``index``'s root page (the WAL checkpointed
    into the file first); returns the page number and the bytes it replaced."""
    raw = sqlite3.connect(db_file)
    page = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    size = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    with open(db_file, "r+b") as fh:
        fh.seek((page - 1) * size)
        good = fh.read(64)
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * 64)
    return page, good


def repair_index(db_file, page: int, good: bytes) -> None:
    with open(db_file, "r+b") as fh:
        fh.seek((page - 1) * sqlite3.connect(db_file).execute("PRAGMA page_size").fetchone()[0])
        fh.write(good)


def file_state(db_file) -> tuple[bytes, int]:
    """The database file's bytes and the WAL's size: both unchanged means nothing written."""
    wal = db_file.with_name(db_file.name + "-wal")
    return db_file.read_bytes(), wal.stat().st_size if wal.exists() else 0


def goods_rows(db_file) -> list[tuple]:
    raw = sqlite3.connect(db_file)
    try:  # the table's own pages, not the damaged index
        return dump(raw, "SELECT sku, price_fen FROM goods NOT INDEXED ORDER BY sku")
    finally:
        raw.close()


def test_quick_check_refuses_writes_to_a_damaged_database(run, home, tmp_path):
    """A small database is quick_checked before each write: a damaged index page
    stops `goods add` (exit 5, nothing written) and marks the database, so an
    import that would not touch that page refuses too, until a clean `db check`."""
    run("goods", "import", DATA / "goods" / "catalogue.csv")
    db_file = home / "weimai.db"
    rows = goods_rows(db_file)
    page, good = damage_index(db_file, "goods_status_category")
    before = file_state(db_file)
    r = run("goods", "add", "NEW-1", "--title", "x", "--price", "1", code=5)
    assert r.stderr == (
        f"error: {db_file}: the database is damaged (quick_check: *** in database main *** Page {page}: "
        "btreeInitPage() returns error code 11); nothing was written\n" + DAMAGED_HINT)
    orders = tmp_path / "o.csv"
    orders.write_text("line_key,order_id,sku,quantity,unit_price,paid,status,created_at\n"
                      "L1,O1,GQ-1,1,59.90,59.90,paid,2026-11-03 10:00:00\n", encoding="utf-8")
    r = run("orders", "import", orders, code=5)
    assert r.stderr == (
        f"error: {db_file}: the database is damaged (quick_check: *** in database main *** Page {page}: "
        "btreeInitPage() returns error code 11); weimai will not write to it\n" + DAMAGED_HINT)
    assert file_state(db_file) == before
    assert goods_rows(db_file) == rows
    r = run("db", "check", code=1)
    assert r.stdout == "integrity: database disk image is malformed\n"
    # put the page back (a restore): a clean check lifts the mark, writes work again
    repair_index(db_file, page, good)
    assert (home / "weimai.db.corrupt").exists()
    run("db", "check")
    assert not (home / "weimai.db.corrupt").exists()
    run("goods", "add", "NEW-1", "--title", "x", "--price", "1")
    assert dump(sqlite3.connect(db_file), "SELECT count(*) FROM goods WHERE sku = 'NEW-1'") == [(1,)]


def test_damage_sqlite_reports_in_a_write_is_remembered(run, home, monkeypatch, tmp_path):
    """Past WEIMAI_QUICK_CHECK_MIB (0 here) there is no check before writing: the
    "malformed" SQLite reports in `goods add` is exit 5 with nothing written, and
    marks the database, so the next write refuses before it starts."""
    monkeypatch.setenv("WEIMAI_QUICK_CHECK_MIB", "0")
    run("goods", "import", DATA / "goods" / "catalogue.csv")
    db_file = home / "weimai.db"
    rows = goods_rows(db_file)
    damage_index(db_file, "goods_status_category")
    before = file_state(db_file)
    r = run("goods", "add", "NEW-1", "--title", "x", "--price", "1", code=5)
    assert r.stderr == f"error: {db_file}: database disk image is malformed; nothing was written\n" + DAMAGED_HINT
    assert (home / "weimai.db.corrupt").read_text(encoding="utf-8") == "database disk image is malformed\n"
    r = run("goods", "import", DATA / "goods" / "catalogue.json", code=5)
    assert r.stderr == (f"error: {db_file}: the database is damaged (database disk image is malformed); "
                        "weimai will not write to it\n" + DAMAGED_HINT)
    assert file_state(db_file) == before
    assert goods_rows(db_file) == rows


def test_db_check_finding_damage_stops_imports(run, home, monkeypatch, tmp_path):
    """The issue's case: a database too big for the check before writes (0 MiB
    here), damaged where an order import never reads. Once `db check` has called
    it malformed, the import refuses instead of writing into it."""
    monkeypatch.setenv("WEIMAI_QUICK_CHECK_MIB", "0")
    run("goods", "import", DATA / "goods" / "catalogue.csv")
    db_file = home / "weimai.db"
    damage_index(db_file, "goods_history_sku")
    r = run("db", "check", code=1)
    assert r.stdout == "integrity: database disk image is malformed\n"
    before = file_state(db_file)
    orders = tmp_path / "o.csv"
    orders.write_text("line_key,order_id,sku,quantity,unit_price,paid,status,created_at\n"
                      "L1,O1,GQ-1,1,59.90,59.90,paid,2026-11-03 10:00:00\n", encoding="utf-8")
    r = run("orders", "import", orders, code=5)
    assert r.stderr == (f"error: {db_file}: the database is damaged (integrity: database disk image is malformed); "
                        "weimai will not write to it\n" + DAMAGED_HINT)
    assert file_state(db_file) == before
    assert dump(sqlite3.connect(db_file), "SELECT count(*) FROM orders") == [(0,)]


def test_bad_quick_check_size_is_a_usage_error(run, monkeypatch):
    monkeypatch.setenv("WEIMAI_QUICK_CHECK_MIB", "lots")
    r = run("goods", "add", "X", "--title", "x", "--price", "1", code=2)
    assert r.stderr == ("error: WEIMAI_QUICK_CHECK_MIB='lots' is not a number\n"
                        "hint: give a size in MiB (0 turns the check before writes off)\n")


def test_disk_full_is_named_not_hidden_by_the_rollback(run, home, monkeypatch):
    """SQLITE_FULL in a one-row INSERT rolls the whole transaction back inside
    SQLite; the ROLLBACK after it used to fail with "no transaction is active"
    and hide it. (A full disk is made here with max_page_count.)"""
    from weimai_cli.db import store

    run("db", "migrations")
    db_file = home / "weimai.db"
    raw = sqlite3.connect(db_file)
    raw.execute("VACUUM")  # no free pages: the long title needs new ones
    raw.close()
    real_connect = store.connect

    def cramped(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(store, "connect", cramped)
    r = run("goods", "add", "LONG", "--title", "长" * 5000, "--price", "1", code=5)
    assert r.stderr == (f"error: {db_file}: the disk is full (SQLite: database or disk is full); nothing was written\n"
                        "hint: free some disk space, then run the command again\n")
    monkeypatch.undo()
    assert dump(sqlite3.connect(db_file), "SELECT count(*) FROM goods") == [(0,)]
    assert not (home / "weimai.db.corrupt").exists()


def mode(path) -> str:
    return f"{os.stat(path).st_mode & 0o777:04o}"


def test_home_database_wal_and_backup_are_private_whatever_the_umask(run, tmp_path, monkeypatch):
    """0700 home, 0600 database, -wal, -shm and backup copy, even with umask 000."""
    fresh = tmp_path / "fresh-home"
    monkeypatch.setenv("WEIMAI_HOME", str(fresh))
    old = os.umask(0)
    try:
        run("goods", "add", "X", "--title", "x", "--price", "1")
        held = sqlite3.connect(fresh / "weimai.db")  # keeps -wal and -shm in place
        held.execute("SELECT count(*) FROM goods").fetchone()
        run("db", "backup", tmp_path / "copy.db")
    finally:
        os.umask(old)
    assert [mode(p) for p in (fresh, fresh / "weimai.db", fresh / "weimai.db-wal", fresh / "weimai.db-shm",
                              tmp_path / "copy.db")] == ["0700", "0600", "0600", "0600", "0600"]
    assert dump(sqlite3.connect(tmp_path / "copy.db"), "SELECT sku FROM goods") == [("X",)]
    held.close()


def test_an_existing_loose_database_is_tightened_on_open(run, home, db):
    db_file = home / "weimai.db"
    db.execute("INSERT INTO distributors (handle, name, created_at) VALUES ('a', 'a', 't')")  # a -wal
    files = [db_file, home / "weimai.db-wal", home / "weimai.db-shm"]
    for p in files:
        os.chmod(p, 0o644)
    os.chmod(home, 0o755)
    run("list-goods")
    # the folder is left alone: WEIMAI_HOME may be shared on purpose
    assert [mode(p) for p in (home, *files)] == ["0755", "0600", "0600", "0600"]


def test_backup_next_to_a_leftover_partial_names_it(run, tmp_path):
    partial = tmp_path / "copy.db.partial"
    partial.write_bytes(b"half a copy")
    r = run("db", "backup", tmp_path / "copy.db", code=1)
    assert r.stderr == (f"error: {partial}: left over from a backup that did not finish (or one still running)\n"
                        f"hint: if no other `weimai db backup` is running, delete {partial} and try again\n")
    assert partial.read_bytes() == b"half a copy"
    assert not (tmp_path / "copy.db").exists()
    partial.unlink()
    run("db", "backup", tmp_path / "copy.db")
    assert not partial.exists()


def test_backup_into_a_missing_folder_names_it(run, tmp_path):
    r = run("db", "backup", tmp_path / "no-such-dir" / "copy.db", code=5)
    assert r.stderr == (f"error: {tmp_path / 'no-such-dir'}: no such folder\n"
                        "hint: create the folder first, or give another path for the copy\n")
    assert not (tmp_path / "no-such-dir").exists()

def test_m013_gives_every_line_a_currency_and_moves_amazon_commission_out_of_cny(run, home, tmp_path,
                                                                                 monkeypatch):
    """A database from before m013: lines stored without a currency, their
    commission booked in CNY (an Amazon UK report among them)."""
    import json

    from weimai_cli.db.store import connect
    from weimai_cli.orders.formats import amazon_earnings

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
        m.setattr(amazon_earnings, "marketplace_currency", lambda seller: None)  # (as before m013)
        for f in (orders / "amazon_uk_earnings_2026-11.tsv", other, uk_orders, orders / "generic_orders.csv"):
            run("orders", "import", "--currency", "CNY", f)
    conn = connect(home / "weimai.db")
    conn.execute("UPDATE orders SET currency = NULL")
    conn.execute("DELETE FROM _migrations WHERE name = 'm013_order_currency'")
    conn.commit()
    conn.close()
    conn = connect(home / "weimai.db")  # m013 runs on open
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

def test_m012_gives_back_what_never_valid_lines_held_in_open_months(home, monkeypatch):
    """Before m012 a line void in every export held its commission as accrued
    and reversed. N1 (never valid, open month) gives it back; V1 (its history
    shows it paid, then refunded) keeps it; N0 (closed month) stays frozen."""
    from weimai_cli.db import migrations
    from weimai_cli.db.store import connect
    from weimai_cli.ledger import statements

    before = [m for m in migrations.MIGRATIONS if m[0] < "m012"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    conn = connect(home / "weimai.db")
    conn.execute("INSERT INTO imports (file, name, sha256, format, platform, kind, started_at) "
                 "VALUES ('f', 'f', 'x', 'generic', 'p', 'affiliate', 't')")
    conn.execute("INSERT INTO closed_periods (period, closed_at) VALUES ('2026-09', 't')")
    for key, status, month in (("N0", "invalid", "2026-09"), ("N1", "cancelled", "2026-10"),
                               ("V1", "refunded", "2026-10")):
        day = f"{month}-05"
        conn.execute(
            "INSERT INTO orders (platform, line_key, status, month, day, currency, kind, distributor, "
            "first_import_id, last_import_id, updated_at) VALUES ('p', ?, ?, ?, ?, 'CNY', 'affiliate', 'me', 1, 1, 't')",
            (key, status, month, day),
        )
        conn.execute("INSERT INTO ledger_state (platform, line_key, distributor, signature, gross_fen, reversal_fen, "
                     "month, day) VALUES ('p', ?, 'me', 's', 500, -500, ?, ?)", (key, month, day))
        for kind, amount in (("accrual", 500), ("reversal", -500)):
            conn.execute(
                "INSERT INTO ledger (period, distributor, platform, line_key, day, kind, bucket, amount_fen, reason, "
                "created_at) VALUES (?, 'me', 'p', ?, ?, ?, 'estimated', ?, 'r', 't')", (month, key, day, kind, amount))
            for table, extra in (("ledger_totals", ""), ("ledger_days", ", day")):
                conn.execute(
                    f"INSERT INTO {table} (period, distributor, currency, bucket, kind, amount_fen{extra}) "
                    f"VALUES (?, 'me', 'CNY', 'estimated', ?, ?{', ?' if extra else ''}) "
                    "ON CONFLICT DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen",
                    (month, kind, amount, *([day] if extra else [])))
    conn.execute("INSERT INTO order_events (platform, line_key, field, old_value, new_value, at) "
                 "VALUES ('p', 'V1', 'status', 'paid', 'refunded', 't')")
    conn.commit()
    conn.close()
    monkeypatch.undo()
    conn = connect(home / "weimai.db")
    assert dump(conn, "SELECT line_key, seen_valid FROM orders ORDER BY line_key") == [
        ("N0", 0), ("N1", 0), ("V1", 1)]
    oct_ = statements.compute(conn, months=["2026-10"], distributor="me")["currencies"][0]
    assert (oct_["accrued_fen"], oct_["reversed_fen"], oct_["net_fen"]) == (500, -500, 0)  # V1 only
    sep = statements.compute(conn, months=["2026-09"], distributor="me")["currencies"][0]
    assert (sep["accrued_fen"], sep["reversed_fen"]) == (500, -500)  # closed: as it was
    assert dump(conn, "SELECT period, line_key, kind, amount_fen, reason FROM ledger WHERE reason != 'r'") == [
        ("2026-10", "N1", "accrual", -500, "cancelled: never valid, commission not counted"),
        ("2026-10", "N1", "reversal", 500, "cancelled: never valid, commission not counted")]
    assert dump(conn, "SELECT day, kind, amount_fen FROM ledger_days WHERE period = '2026-10' ORDER BY kind") == [
        ("2026-10-05", "accrual", 500), ("2026-10-05", "reversal", -500)]
    assert dump(conn, "SELECT line_key, gross_fen, reversal_fen FROM ledger_state ORDER BY line_key") == [
        ("N0", 500, -500), ("N1", 0, 0), ("V1", 500, -500)]
