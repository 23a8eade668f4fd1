"""weimai doctor: each check, exit codes, -q."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import DATA


@pytest.fixture
def healthy(run, home):
    """A home with a catalogue import, a notify target and a 0600 config."""
    run("goods", "import", DATA / "goods" / "catalogue.csv")
    run("notify", "add", "team", "--kind", "wecom", "--url", "https://1.1.1.1/cgi-bin/webhook/send?key=k1234")
    return home


def test_all_good_exit_0_and_quiet_prints_nothing(run, healthy):
    r = run("doctor")
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == f"ok       config: {healthy / 'config.toml'}: mode 0600"
    assert lines[1] == "ok       notify: team: wecom https://1.1.1.1/cgi-bin/webhook/send?key=***"
    assert lines[2] == f"ok       database: {healthy / 'weimai.db'}: integrity and foreign keys clean"
    assert lines[3] == "ok       last import: catalogue import at 2026-11-20T10:00:00+08:00 (0 h ago)"
    q = run("doctor", "-q")
    assert (q.stdout, q.stderr) == ("", "")
    q = run("-q", "doctor")
    assert (q.stdout, q.stderr) == ("", "")


def test_fresh_home_lists_problems(run, home):
    r = run("doctor", "-q", code=1)
    assert r.stdout.splitlines() == [
        "problem  notify: no notify targets configured (hint: weimai notify add NAME --kind wecom --url …)",
        f"problem  database: {home / 'weimai.db'}: no database yet (hint: weimai goods import FILE or weimai goods sync)",
    ]
    assert r.stderr == "error: 2 problem(s) found\nhint: fix them, then run `weimai doctor` again\n"
    assert not (home / "weimai.db").exists()  # doctor does not create one


def test_config_mode_0644_is_a_problem(run, healthy):
    os.chmod(healthy / "config.toml", 0o644)
    r = run("doctor", code=1)
    assert "problem  config: " in r.stdout
    assert "config file mode is 0644; it holds secrets (hint: run: chmod 600" in r.stdout


def test_old_import_is_a_problem(run, healthy, monkeypatch):
    monkeypatch.setenv("WEIMAI_NOW", "2026-11-25T10:00:00+08:00")
    r = run("doctor", code=1)
    assert r.stdout == (
        "problem  last import: catalogue import at 2026-11-20T10:00:00+08:00 (5 days ago), older than 2 days\n"
    )
    run("doctor", "--max-age", "6d")
    assert "--max-age 'soon' is not an age" in run("doctor", "--max-age", "soon", code=2).stderr


def test_orders_imports_table_is_used_when_present(run, healthy, db, monkeypatch):
    db.execute(
        "INSERT INTO imports (file, name, sha256, format, platform, kind, started_at, finished_at) "
        "VALUES ('orders.xlsx', 'orders.xlsx', 'x', 'taobao-union', 'taobao', 'affiliate', "
        "'2026-11-24T08:59:00+08:00', '2026-11-24T09:00:00+08:00')"
    )
    monkeypatch.setenv("WEIMAI_NOW", "2026-11-25T10:00:00+08:00")
    r = run("doctor")
    assert "ok       last import: order import at 2026-11-24T09:00:00+08:00 (25 h ago)" in r.stderr


def test_failed_feed_and_delivery_are_problems(run, healthy, db):
    db.execute("INSERT INTO feeds (name, url, format, created_at, last_sync_at, last_error) VALUES "
               "('sup', 'https://1.1.1.1/f?token=feedSECRET123', 'json', 'x', '2026-11-20T09:00:00+08:00', "
               "'answered HTTP 500')")
    db.execute("INSERT INTO deliveries (id, target, kind, report_key, status, created_at, updated_at, error) "
               "VALUES ('d1', 'team', 'wecom', 'daily:2026-11-19', 'failed', 'x', 'x', 'connection refused')")
    r = run("doctor", code=1)
    assert r.stdout.splitlines() == [
        "problem  feed: sup (https://1.1.1.1/f?token=***): last sync failed: answered HTTP 500",
        "problem  delivery: d1 (daily:2026-11-19) to team: failed: connection refused",
    ]
    js = json.loads(run("doctor", "--json", code=1).stdout)
    assert [c["name"] for c in js if not c["ok"]] == ["feed", "delivery"]


def test_corrupt_database_is_a_problem(run, healthy):
    (healthy / "weimai.db-wal").unlink(missing_ok=True)
    (healthy / "weimai.db").write_bytes(b"not a database at all" * 10)
    r = run("doctor", code=1)
    assert "problem  database: " in r.stdout and "is not a SQLite database" in r.stdout


def test_target_url_that_now_fails_the_policy(run, healthy):
    from weimai_cli.config import load_config, save_config

    cfg = load_config()
    cfg["notify"]["team"]["url"] = "https://10.0.0.8/cgi-bin/webhook/send?key=k1234"
    save_config(cfg)
    r = run("doctor", code=1)
    assert "problem  notify: team: WeCom URL https://10.0.0.8/cgi-bin/webhook/send?key=*** refused" in r.stdout
