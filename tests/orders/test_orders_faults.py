"""Faults around a real `weimai orders import` process: kill -9 at random
moments, two imports at once, and a writer holding the database too long."""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.orders_helpers import db_digest

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["line_key", "order_id", "sku", "title", "quantity", "unit_price", "paid", "status",
          "created_at", "paid_at"]


def big_file(path: Path, rows: int, prefix: str = "K") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow([f"{prefix}{i:07d}", f"O{i // 3}", f"SKU-{i % 50}", "宁夏枸杞 500g", 1 + i % 3,
                        "19.90", f"{19.90 * (1 + i % 3):.2f}", "paid", "2026-11-03 10:00:00",
                        "2026-11-03 10:00:00"])
    return path


def weimai(home: Path, *args: str, env: dict | None = None, wait: bool = True):
    e = {**os.environ, "WEIMAI_HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
    e.pop("WEIMAI_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "weimai_cli", *args], env=e,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if wait:
        out, err = proc.communicate()
        return proc.returncode, out, err
    return proc


def counts(home: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(home / "weimai.db")
    try:
        orders, paid = conn.execute("SELECT count(*), coalesce(sum(paid_fen), 0) FROM orders").fetchone()
        imports = conn.execute("SELECT count(*) FROM imports").fetchone()[0]
        return orders, paid, imports
    finally:
        conn.close()


@pytest.mark.parametrize("reader", ["never", "always"])  # (always: rows read in a child process)
def test_kill_9_leaves_file_entirely_in_or_out(tmp_path, reader, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    rows = 4000
    f = big_file(tmp_path / "big.csv", rows)
    # how long one import takes here, to spread the kills over it
    ref_home = tmp_path / "ref"
    start = time.monotonic()
    assert weimai(ref_home, "orders", "import", str(f))[0] == 0
    span = time.monotonic() - start
    full = counts(ref_home)
    rng = random.Random(4)
    outcomes = set()
    for trial in range(5):
        home = tmp_path / f"h{trial}"
        assert weimai(home, "db", "migrations")[0] == 0
        proc = weimai(home, "orders", "import", str(f), wait=False)
        time.sleep(rng.uniform(0.1, span) if trial else span * 0.6)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = counts(home)
        assert got in ((0, 0, 0), full), got  # entirely in, or entirely out
        outcomes.add(got == full)
        code, _out, err = weimai(home, "db", "check")
        assert code == 0, err
        code, _, err = weimai(home, "orders", "import", str(f))
        assert code == 0, err
        assert counts(home)[:2] == full[:2]
    assert outcomes  # at least one trial ran (both outcomes are allowed)


def test_two_imports_at_once_equal_serial(tmp_path):
    a = big_file(tmp_path / "a.csv", 2500, "A")
    b = big_file(tmp_path / "b.csv", 2500, "B")
    serial = tmp_path / "serial"
    assert weimai(serial, "orders", "import", str(a))[0] == 0
    assert weimai(serial, "orders", "import", str(b))[0] == 0
    home = tmp_path / "together"
    assert weimai(home, "db", "migrations")[0] == 0
    procs = [weimai(home, "orders", "import", str(p), wait=False) for p in (a, b)]
    for p in procs:
        _out, err = p.communicate()
        assert p.returncode == 0, err
    assert counts(home) == counts(serial)
    assert weimai(home, "db", "check")[0] == 0


def test_writer_held_past_busy_timeout_exits_3(tmp_path):
    home = tmp_path / "busy"
    assert weimai(home, "db", "migrations")[0] == 0
    f = big_file(tmp_path / "o.csv", 50)
    before = db_digest(home / "weimai.db")
    holder = sqlite3.connect(home / "weimai.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _out, err = weimai(home, "orders", "import", str(f), env={"WEIMAI_BUSY_TIMEOUT_MS": "200"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 3, err
    assert "database is busy" in err
    assert db_digest(home / "weimai.db") == before
    assert counts(home) == (0, 0, 0)


@pytest.mark.parametrize("reader", ["never", "always"])
def test_disk_full_during_import_exits_5_and_writes_nothing(tmp_path, home, run, monkeypatch, reader):
    """SQLITE_FULL (made here with max_page_count) is named as a full disk, not
    masked by the rollback after it, and nothing of the file is kept."""
    from weimai_cli.db import store

    run("db", "migrations")
    db = home / "weimai.db"
    before = db_digest(db)
    real_connect = store.connect

    def cramped(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        return conn

    monkeypatch.setattr(store, "connect", cramped)
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    f = big_file(tmp_path / "o.csv", 3000)
    r = run("orders", "import", f, code=5)
    assert r.stderr == (f"error: {db}: the disk is full (SQLite: database or disk is full); nothing was written\n"
                        "hint: free some disk space, then run the command again\n")
    monkeypatch.undo()
    assert db_digest(db) == before
    assert counts(home) == (0, 0, 0)
