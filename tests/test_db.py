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


def test_m013_gives_back_what_never_valid_lines_held_in_open_months(home, monkeypatch):
    """Before m013 a line void in every export held its commission as accrued
    and reversed. N1 (never valid, open month) gives it back; V1 (its history
    shows it paid, then refunded) keeps it; N0 (closed month) stays frozen."""
    from weimai_cli import migrations, statements
    from weimai_cli.store import connect

    before = [m for m in migrations.MIGRATIONS if m[0] < "m013"]
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
