"""A large file's rows are read and checked in a child process (forked.py)
while the importing process writes: the same lines, the same errors, the
same database as reading in-process; a child that dies, or is left behind,
never leaves a half-written file or a zombie."""

from __future__ import annotations

import json
import os
import signal
import threading

import pytest

from tests.orders_helpers import ORDERS, db_digest
from weimai_cli.errors import BadInput, EnvironmentProblem
from weimai_cli.orders import forked, importer, lines

HEADER = "line_key,order_id,sku,title,quantity,unit_price,paid,status,created_at\n"


def _file(tmp_path, rows: int, bad: dict[int, str] | None = None, name="o.csv"):
    lines = [HEADER]
    for i in range(1, rows + 1):
        lines.append((bad or {}).get(i, f"L{i:06d},O{i},SKU-{i % 7},茶 {i},1,9.90,9.90,paid,2026-11-03 10:00:00") + "\n")
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # reaped already: no zombie left
    return False


def test_items_come_in_order_then_the_state():
    seen = []
    child = forked.Forked(lambda report: (seen.append(i) or (i, str(i)) for i in range(5001)),
                          lambda: {"counted": len(seen)}, batch=700)
    pid = child.pid
    with child:
        got = list(child)
    assert got == [(i, str(i)) for i in range(5001)]
    assert seen == []  # the producing ran in the child
    assert child.state == {"counted": 5001}
    assert child.pid is None and _gone(pid)


def test_an_error_comes_after_the_items_before_it():
    def produce(report):
        yield from range(10)
        raise BadInput("bad cell", "fix it", file="f.csv", row=12, column="3")

    child = forked.Forked(produce, lambda: None, batch=4)
    got = []
    with child, pytest.raises(BadInput) as exc:
        for item in child:
            got.append(item)
    assert got == list(range(10))
    assert str(exc.value) == "f.csv:12:3: bad cell" and exc.value.hint == "fix it"


def test_progress_reports_reach_this_process():
    def produce(report):
        for i in range(3):
            report(i, 2)
            yield i

    child = forked.Forked(produce, lambda: None, reports=True)
    reports = []
    child.progress = lambda done, total: reports.append((done, total))
    with child:
        assert list(child) == [0, 1, 2]
    assert reports == [(0, 2), (1, 2), (2, 2)]


def test_a_child_that_dies_is_an_environment_problem():
    def produce(report):
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2

    child = forked.Forked(produce, lambda: None, batch=1)
    with child, pytest.raises(EnvironmentProblem, match="ended before it was done"):
        list(child)


def test_a_child_left_behind_is_killed_and_reaped():
    child = forked.Forked(lambda report: iter(range(10**9)), lambda: None, batch=100)
    it = iter(child)
    assert next(it) == 0
    pid = child.pid
    child.close()
    assert _gone(pid)


def test_forked_import_stores_what_in_process_stores(run, home, tmp_path, monkeypatch):
    f = _file(tmp_path, 6000)
    out = {}
    for reader in ("never", "always"):
        monkeypatch.setenv("WEIMAI_HOME", str(tmp_path / reader))
        monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
        r = json.loads(run("orders", "import", "--json", f).stdout)[0]
        out[reader] = ({k: v for k, v in r.items() if k != "file"},
                       db_digest(tmp_path / reader / "weimai.db"))
    assert out["never"][0]["new"] == 6000
    assert out["never"] == out["always"]


@pytest.mark.parametrize("reader", ["never", "always"])
def test_a_bad_row_deep_in_the_file_names_it_and_writes_nothing(run, home, tmp_path, monkeypatch, reader):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
    run("db", "migrations")
    before = db_digest(home / "weimai.db")
    f = _file(tmp_path, 5000, bad={4321: "L004321,O1,SKU-1,x,1,1.234,50,9.90,paid,2026-11-03 10:00:00"})
    r = run("orders", "import", f, code=1)
    assert "o.csv:4322" in r.stderr  # (the header is row 1)
    f = _file(tmp_path, 5000, bad={4321: "L004321,O1,SKU-1,x,1,NaN,9.90,paid,2026-11-03 10:00:00"})
    r = run("orders", "import", f, code=1)
    assert f"{f}:4322:6: unit_price:" in r.stderr
    assert db_digest(home / "weimai.db") == before


def test_a_key_twice_sends_a_forked_file_the_staging_way(run, home, tmp_path, monkeypatch):
    # a duplicate line (identical: it merges) found by the direct load in this
    # process while the child still reads: the child is stopped, the file staged
    dup = "L000003,O3,SKU-3,茶 3,1,9.90,9.90,paid,2026-11-03 10:00:00"
    f = _file(tmp_path, 5000, bad={4500: dup})
    out = {}
    for reader in ("never", "always"):
        monkeypatch.setenv("WEIMAI_HOME", str(tmp_path / reader))
        monkeypatch.setenv("WEIMAI_READER_PROCESS", reader)
        r = json.loads(run("orders", "import", "--json", f).stdout)[0]
        out[reader] = ({k: v for k, v in r.items() if k != "file"}, db_digest(tmp_path / reader / "weimai.db"))
    assert out["always"][0]["merged"] == 1 and out["always"][0]["new"] == 4999
    assert out["never"] == out["always"]


def test_a_child_killed_mid_file_exits_5_and_writes_nothing(run, home, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")
    run("db", "migrations")
    before = db_digest(home / "weimai.db")
    parent = os.getpid()
    real = lines.from_rows

    def dying(*args, **kwargs):
        for n, chunk in enumerate(real(*args, **kwargs)):
            if n == 1 and os.getpid() != parent:  # (chunks of 2,000 rows)
                os.kill(os.getpid(), signal.SIGKILL)
            yield chunk

    monkeypatch.setattr(lines, "from_rows", dying)
    r = run("orders", "import", _file(tmp_path, 5000), code=5)
    assert "the process reading the file ended before it was done" in r.stderr
    assert db_digest(home / "weimai.db") == before


def test_progress_of_a_forked_file_reaches_the_bar(db, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")
    f = _file(tmp_path, 6000)
    seen = []
    importer.import_files(db, [f], progress=lambda name: lambda done, total: seen.append((done, total)))
    size = f.stat().st_size
    assert seen[-1] == (size, size) and len(seen) > 2
    assert all(t == size for _, t in seen)


def test_a_sample_in_a_child_equals_in_process(run, home, tmp_path, monkeypatch):
    """(the golden tests run every format both ways; this one with --dry-run)"""
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")
    r = json.loads(run("orders", "import", "--json", "--dry-run", ORDERS / "douyin_orders.csv").stdout)
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "never")
    s = json.loads(run("orders", "import", "--json", "--dry-run", ORDERS / "douyin_orders.csv").stdout)
    assert r == s and r[0]["rows"] > 0


def test_an_unknown_reader_mode_is_a_usage_error(run, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "sometimes")
    r = run("orders", "import", _file(tmp_path, 3), code=2)
    assert "WEIMAI_READER_PROCESS='sometimes' is not one of: auto, always, never" in r.stderr


def test_a_forked_import_works_when_sigchld_is_ignored(run, home, tmp_path, monkeypatch):
    # SIG_IGN for SIGCHLD is inherited across exec (some supervisors, CI
    # runners and launchers start programs so): children are then reaped by
    # the kernel and os.waitpid raises ChildProcessError. The in-process
    # reader imports the file; the forked one must too.
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        r = json.loads(run("orders", "import", "--json", _file(tmp_path, 3000)).stdout)[0]
    finally:
        signal.signal(signal.SIGCHLD, old)
    assert r["new"] == 3000


def test_forked_close_survives_an_auto_reaped_child():
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        child = forked.Forked(lambda report: iter(range(5)), lambda: "ok")
        with child:
            assert list(child) == list(range(5))
    finally:
        signal.signal(signal.SIGCHLD, old)
    assert child.state == "ok"


def test_the_child_is_forked_from_a_process_with_one_thread(run, home, tmp_path, monkeypatch):
    # forked.py: "The fork happens before this file's progress bar starts, so
    # the child is a copy of a process with one thread." A file that goes the
    # staging way (a key twice) is forked again while the first attempt's
    # rich progress bar (its refresh thread) is still running.
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")
    monkeypatch.setenv("WEIMAI_FORCE_TERMINAL", "1")
    dup = "L000003,O3,SKU-3,茶 3,1,9.90,9.90,paid,2026-11-03 10:00:00"
    f = _file(tmp_path, 3000, bad={2500: dup})
    threads_at_fork = []
    real_fork = os.fork

    def fork():
        threads_at_fork.append([t.ident for t in threading.enumerate()])
        return real_fork()

    monkeypatch.setattr(forked.os, "fork", fork)
    before = [t.ident for t in threading.enumerate()]  # (other tests' servers may linger)
    run("orders", "import", f)
    assert len(threads_at_fork) == 2  # the direct attempt, then the staging one
    # no thread started by the import (a progress bar's) is alive at either fork
    assert all(set(names) <= set(before) for names in threads_at_fork), (before, threads_at_fork)


def test_a_refused_fork_reads_in_process(run, home, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "always")

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forked.os, "fork", refused)
    r = json.loads(run("orders", "import", "--json", _file(tmp_path, 2500)).stdout)[0]
    assert r["new"] == 2500 and r["rows"] == 2500


def test_auto_keeps_one_process_on_one_core_or_a_small_file(monkeypatch):
    monkeypatch.setattr(forked, "_cores", lambda: 1)
    assert not forked.usable("csv", 10 * forked.MIN_BYTES)
    monkeypatch.setattr(forked, "_cores", lambda: 2)
    assert forked.usable("csv", forked.MIN_BYTES) and forked.usable("tsv", forked.MIN_BYTES)
    assert not forked.usable("csv", forked.MIN_BYTES - 1)
    assert not forked.usable("xlsx", 10 * forked.MIN_BYTES)  # (workbooks and zips: in-process)
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "never")
    assert not forked.usable("csv", 10 * forked.MIN_BYTES)


def test_an_unknown_reader_mode_is_refused_with_skip_bad_too(run, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMAI_READER_PROCESS", "sometimes")
    run("orders", "import", "--skip-bad", "--rejects", tmp_path / "r.csv", _file(tmp_path, 3), code=2)
