"""weimai report daily|weekly|monthly: content, periods, files, delivery, cron safety.

The clock is frozen at 2026-11-20T10:00+08:00 (a Friday): yesterday is
2026-11-19, last week 2026-11-09 … 2026-11-15, last month 2026-10.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from tests import netutil
from tests.conftest import FROZEN_NOW, dump
from tests.netutil import WECOM_KEY, Robot
from tests.orders_helpers import add_share

shared_server = netutil.shared_server
server = netutil.server
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fast_network(monkeypatch):
    monkeypatch.setenv("WEIMAI_HTTP_TIMEOUT", "0.5,0.3")
    monkeypatch.setenv("WEIMAI_HTTP_BACKOFF", "0.01")


# (line_key, paid_at, sku, paid_fen, status, share_id, distributor, kind, currency, reported_commission_fen)
LINES = [
    ("L1", "2026-11-05T10:00:00+08:00", "TEA-1", 10000, "paid", 1, "me", "affiliate", "CNY", 2000),
    ("L2", "2026-11-05T23:30:00+08:00", "TEA-2", 5000, "confirmed", None, "me", "affiliate", "CNY", 500),
    ("L3", "2026-11-05T12:00:00+08:00", "TEA-1", 8000, "paid", 1, "me", "affiliate", "CNY", 1600),
    # 20:00 in California on the 4th is noon on the 5th in Shanghai
    ("L4", "2026-11-04T20:00:00-08:00", "B0KETTLE", 1000, "paid", None, "me", "affiliate", "USD", 40),
    ("L5", "2026-11-06T01:00:00+08:00", "TEA-2", 3000, "paid", 2, "anna", "shop", "CNY", None),
    ("L6", "2026-11-05T15:00:00+08:00", "TEA-2", 4000, "paid", None, None, "shop", "CNY", None),
    ("L7", "2026-10-15T09:00:00+08:00", "TEA-1", 20000, "settled", 1, "me", "affiliate", "CNY", 4000),
    ("L8", "2026-10-20T09:00:00+08:00", "TEA-2", 6000, "paid", 2, "anna", "shop", "CNY", None),
    ("L9", "2026-10-29T09:00:00+08:00", "TEA-1", 6000, "paid", 1, "me", "affiliate", "CNY", 1200),
]


def seed(db, lines=LINES):
    """Goods, two shares (me, anna), an import on 2026-11-05, the lines, the ledger booked;
    then L3 is refunded (booked again: a reversal)."""
    from weimai_cli.db.tx import transaction
    from weimai_cli.ledger.booking import book_all

    add_share(db, 1, "TEA-1", distributor="me")
    add_share(db, 2, "TEA-2", distributor="anna")
    db.execute("UPDATE goods SET commission_bp = 1000")
    with transaction(db):
        imp = db.execute(
            "INSERT INTO imports (file, name, sha256, format, platform, kind, distributor, rows, new, started_at, "
            "finished_at) VALUES ('/x/taobao_union.csv', 'taobao_union.csv', 'h', 'taobao-union', 'taobao', "
            "'affiliate', 'me', 4, 4, '2026-11-05T09:00:00+08:00', '2026-11-05T09:00:02+08:00')"
        ).lastrowid
        for key, paid_at, sku, paid, status, share, dist, kind, cur, rep in lines:
            from weimai_cli.clock import day_of
            from weimai_cli.orders.values import month_of

            db.execute(
                "INSERT INTO orders (platform, line_key, sku, title, quantity, paid_fen, currency, status, "
                "created_at, paid_at, month, share_id, distributor, reported_commission_fen, kind, "
                "first_import_id, last_import_id, updated_at, day) VALUES "
                "('taobao', ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, sku, f"好茶 {sku}", paid, cur, status, paid_at, paid_at, month_of(paid_at), share, dist,
                 rep, kind, imp, imp, paid_at, day_of(paid_at)),
            )
        book_all(db)
        db.execute("UPDATE orders SET status = 'refunded', refunded_fen = paid_fen WHERE line_key = 'L3'")
        book_all(db)


def report(run, *args, code=0):
    return run("report", *args, "--lang", "en", code=code)


def robot(server, kind="webhook") -> Robot:
    return Robot(kind).install(server)


def add_target(run, name, url):
    run("notify", "add", name, "--kind", "webhook" if "/hook" in url else "wecom", "--url", url, "--allow-private")


# ---------------------------------------------------------------- content


def test_daily_report_content(run, db):
    seed(db)
    out = report(run, "daily", "--date", "2026-11-05").stdout
    assert out == (
        "Daily report 2026-11-05 · me\n"
        "\n"
        "new orders (CNY)                 2\n"
        "GMV (CNY)                   150.00\n"
        "estimated commission (CNY)   25.00\n"
        "refunded orders (CNY)            1\n"
        "refunded amount (CNY)        80.00\n"
        "commission reversed (CNY)   -16.00\n"
        "new orders (USD)                 1\n"
        "GMV (USD)                    10.00\n"
        "estimated commission (USD)    0.40\n"
        "refunded orders (USD)            0\n"
        "refunded amount (USD)         0.00\n"
        "commission reversed (USD)     0.00\n"
        "\n"
        "top shares\n"
        "share       channel  SKU    orders     GMV  commission\n"
        "----------  -------  -----  ------  ------  ----------\n"
        f"{code(1)}  weibo    TEA-1       1  100.00       20.00\n"
        "\n"
        "top goods\n"
        "SKU       title          orders        GMV  commission\n"
        "--------  -------------  ------  ---------  ----------\n"
        "TEA-1     好茶 TEA-1          1     100.00       20.00\n"
        "TEA-2     好茶 TEA-2          1      50.00        5.00\n"
        "B0KETTLE  好茶 B0KETTLE       1  10.00 USD    0.40 USD\n"
        "\n"
        "top shares by clicks\n"
        "none\n"
        "\n"
        "clicked but not converting\n"
        "none\n"
        "\n"
        "unattributed orders\n"
        "kind       cur  orders    GMV  note\n"
        "---------  ---  ------  -----  -----------------------------\n"
        "affiliate  CNY       1  50.00  earns, under (no share)\n"
        "affiliate  USD       1  10.00  earns, under (no share)\n"
        "shop       CNY       1  40.00  sales with no commission owed\n"
        "\n"
        "imports\n"
        "file              format        rows  new  changed  rejected  at\n"
        "----------------  ------------  ----  ---  -------  --------  ----------------\n"
        "taobao_union.csv  taobao-union     4    4        0         0  2026-11-05 09:00\n"
    )


def code(share_id: int) -> str:
    from tests.orders_helpers import SECRET
    from weimai_cli.sharing.codes import make_code

    return make_code(share_id, SECRET)


def test_daily_json_and_other_distributors(run, db):
    seed(db)
    data = json.loads(report(run, "daily", "--date", "2026-11-06", "--as", "anna", "--format", "json").stdout)
    assert data["currencies"] == [{"currency": "CNY", "orders": 1, "gmv_fen": 3000, "commission_fen": 600,
                                   "reversed_fen": 0, "refunds": 0, "refunded_fen": 0}]
    assert [s["code"] for s in data["top_shares"]] == [code(2)]
    assert data["imports"] == [] and data["empty"] is False
    everyone = json.loads(report(run, "daily", "--date", "2026-11-05", "--all-distributors", "-f", "json").stdout)
    assert everyone["distributor"] == "*"
    assert everyone["currencies"][0]["orders"] == 3  # L1, L2 and the unattributed shop line L6
    report(run, "daily", "--as", "nobody", code=1)
    report(run, "daily", "--as", "anna", "--all-distributors", code=2)


def test_daily_reports_add_up_to_the_month(run, db):
    """Orders and GMV of the month's daily reports add up to the statement's."""
    seed(db)
    from weimai_cli.ledger import statements
    from weimai_cli.reports import data as reports
    from weimai_cli.reports.periods import period_for

    total = {"orders": 0, "gmv_fen": 0}
    for day in range(1, 31):
        data = reports.build(db, period_for("daily", f"2026-11-{day:02d}"), "me")
        cny = data["currencies"][0]
        total["orders"] += cny["orders"]
        total["gmv_fen"] += cny["gmv_fen"]
    st = statements.compute(db, months=["2026-11"], distributor="me")
    assert total == {k: st["currencies"][0][k] for k in total}


def test_default_periods_are_the_last_finished_ones():
    from weimai_cli.reports.periods import period_for

    assert FROZEN_NOW.startswith("2026-11-20")
    d = period_for("daily")
    assert (d.start.isoformat(), d.end.isoformat(), d.key, d.finished) == ("2026-11-19", "2026-11-19", "2026-11-19", True)
    w = period_for("weekly")
    assert (w.start.isoformat(), w.end.isoformat(), w.key) == ("2026-11-09", "2026-11-15", "2026-W46")
    m = period_for("monthly")
    assert (m.start.isoformat(), m.end.isoformat(), m.key) == ("2026-10-01", "2026-10-31", "2026-10")
    assert period_for("weekly", "2026-11-20").start.isoformat() == "2026-11-16"
    assert period_for("monthly", "2026-02-14").end.isoformat() == "2026-02-28"
    assert period_for("monthly", "2026-12").key == "2026-12"
    assert not period_for("daily", "2026-11-20").finished


def test_empty_period_says_nothing_happened(run, db):
    out = report(run, "daily").stdout
    assert out.startswith("Daily report 2026-11-19 · me\nNothing happened: no orders, commission or imports.\n")
    zh = run("report", "daily", "--lang", "zh").stdout
    assert zh.startswith("日报 2026-11-19 · me\n本期无事发生：没有新订单、佣金或导入。\n")
    md = report(run, "weekly", "-f", "md").stdout
    assert md.startswith("### Weekly report 2026-11-09 – 2026-11-15 (W46) · me\n\n> Nothing happened")
    monthly = report(run, "monthly").stdout
    assert monthly.startswith("Monthly statement 2026-10 · me\nNothing happened: no orders or commission this month.\n")
    data = json.loads(report(run, "daily", "-f", "json").stdout)
    assert data["empty"] is True and data["currencies"][0]["orders"] == 0
    today = report(run, "daily", "--date", "2026-11-20").stdout
    assert "(so far: the period is not over yet)" in today


def test_weekly_compares_with_the_week_before(run, db):
    seed(db)
    data = json.loads(report(run, "weekly", "--date", "2026-11-05", "-f", "json").stdout)
    assert (data["start"], data["end"], data["period"]) == ("2026-11-02", "2026-11-08", "2026-W45")
    assert data["previous"]["start"] == "2026-10-26"
    assert data["previous"]["currencies"][0]["gmv_fen"] == 6000  # L9
    cny = data["change"][0]
    assert cny["currency"] == "CNY" and cny["gmv_fen"] == 15000 - 6000 and cny["orders"] == 1
    text = report(run, "weekly", "--date", "2026-11-05").stdout
    gmv = next(line for line in text.splitlines() if line.startswith("GMV (CNY)"))
    assert gmv.split()[2:] == ["150.00", "60.00", "+90.00", "(+150.0%)"]


def test_monthly_is_the_full_statement(run, db):
    seed(db)
    run("payouts", "record", "--as", "me", "--month", "2026-10", "--amount", "10")
    out = report(run, "monthly").stdout
    assert out.startswith("Monthly statement 2026-10 · me\n\nStatement 2026-10 · me (open)\n")
    for words in ("net commission", "paid out", "outstanding", "unattributed orders",
                  "reconciliation findings", "adjustments carried in", "last 6 months"):
        assert words in out
    data = json.loads(report(run, "monthly", "-f", "json").stdout)
    assert data["statement"]["paid_out_fen"] == 1000
    assert data["statement"]["currencies"][0]["net_fen"] == 4000 + 1200
    csv_out = report(run, "monthly", "-f", "csv").stdout
    assert csv_out.splitlines()[0] == "item,CNY"


def test_csv_is_one_long_table(run, db):
    seed(db)
    lines = report(run, "daily", "--date", "2026-11-05", "-f", "csv").stdout.splitlines()
    assert lines[0] == "section,key,label,currency,orders,gmv,commission,refunds,refunded,reversed,clicks"
    assert lines[1] == "total,,,CNY,2,150.00,25.00,1,80.00,-16.00,"
    assert f"share,{code(1)},weibo,CNY,1,100.00,20.00,,,," in lines
    assert lines[-1] == "import,taobao_union.csv,taobao-union,,4,,,,,,"


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-11-31", "yesterday", "05/11/2026", "2026-11"])
def test_bad_date_is_a_usage_error(run, home, bad):
    err = report(run, "daily", "--date", bad, code=2).stderr
    assert f"--date {bad!r} is not a date" in err and "hint: write it as YYYY-MM-DD" in err
    assert not (home / "weimai.db").exists()


@pytest.mark.parametrize("kind", ["daily", "weekly"])
def test_close_is_for_monthly_only(run, home, kind):
    err = report(run, kind, "--close", code=2).stderr
    assert "--close is for monthly reports only" in err
    assert not (home / "weimai.db").exists()


def test_unknown_target_exit_1_before_any_work(run, db, tmp_path):
    seed(db)
    out = tmp_path / "r.txt"
    err = report(run, "monthly", "--close", "--notify", "nosuch", "--out", out, code=1).stderr
    assert "no notify target 'nosuch'" in err
    assert dump(db, "SELECT * FROM closed_periods") == []
    assert not out.exists()


def test_close_of_an_unfinished_month_is_refused(run, db):
    err = report(run, "monthly", "--date", "2026-11-02", "--close", code=1).stderr
    assert "2026-11 is not over yet" in err
    assert dump(db, "SELECT * FROM closed_periods") == []


# ---------------------------------------------------------------- --out


def test_out_is_written_atomically(run, db, tmp_path):
    seed(db)
    out = tmp_path / "daily.md"
    r = report(run, "daily", "--date", "2026-11-05", "-f", "md", "--out", out)
    assert r.stdout == "" and r.stderr == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("### Daily report 2026-11-05 · me\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daily.md", "home"]
    err = report(run, "daily", "--out", tmp_path / "nofolder" / "x.md", code=1).stderr
    assert err == (f"error: {tmp_path / 'nofolder'}: no such folder\n"
                   "hint: create the folder first, or choose another --out\n")


def test_out_refuses_an_existing_file_unless_force(run, db, tmp_path):
    seed(db)
    out = tmp_path / "m.md"
    out.write_text("old report\n")
    err = report(run, "monthly", "--close", "--out", out, code=1).stderr
    assert err == (f"error: {out}: already exists\n"
                   "hint: add --force to replace it, or choose another file name\n")
    assert out.read_text() == "old report\n"
    assert dump(db, "SELECT period FROM closed_periods") == []  # refused before the close
    r = report(run, "monthly", "--close", "--out", out, "--force")
    assert r.stderr == f"closed 2026-10\nwrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("# Monthly statement 2026-10 · me\n")  # .md: markdown
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "m.md"]


def test_out_refuses_a_link_a_folder_and_a_device(run, db, tmp_path):
    seed(db)
    real = tmp_path / "real.md"
    real.write_text("keep")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    for target in (link, dangling):
        err = report(run, "daily", "--out", target, "--force", code=1).stderr
        assert err == (f"error: {target}: is a symbolic link; weimai does not write through links, "
                       "even with --force\nhint: name the real file, or remove the link\n")
    assert real.read_text() == "keep" and not (tmp_path / "nowhere.md").exists()
    assert link.is_symlink() and dangling.is_symlink()
    err = report(run, "daily", "--out", tmp_path, "--force", code=1).stderr
    assert err == f"error: {tmp_path}: is a folder\nhint: give --out a file name in it\n"
    err = report(run, "daily", "--out", "/dev/null", "--force", code=1).stderr
    assert err == "error: /dev/null: is not a regular file\nhint: choose another --out\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.md", "home", "link.md", "real.md"]


def test_out_dash_is_stdout(run, db, server, tmp_path):
    seed(db)
    plain = report(run, "daily", "--date", "2026-11-05", "-f", "md").stdout
    r = report(run, "daily", "--date", "2026-11-05", "-f", "md", "--out", "-")
    assert r.stdout == plain and r.stderr == ""
    hook = robot(server)
    add_target(run, "hook", hook.url(server))
    r = report(run, "daily", "--date", "2026-11-05", "-f", "md", "--out", "-", "--notify", "hook")
    assert r.stdout == plain and len(hook.accepted) == 1
    assert not (tmp_path / "-").exists() and not Path("-").exists()


def test_a_failed_write_leaves_the_old_file(run, db, tmp_path, monkeypatch):
    seed(db)
    out = tmp_path / "r.json"
    out.write_text("old")

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    err = report(run, "daily", "-f", "json", "--out", out, "--force", code=5).stderr
    assert err == f"error: {out}: cannot write (No space left on device)\nhint: check disk space and permissions\n"
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "r.json"]


# ---------------------------------------------------------------- delivery


def test_notify_delivers_once_unless_resend(run, db, server):
    seed(db)
    r = robot(server)
    add_target(run, "hook", r.url(server))
    first = report(run, "daily", "--date", "2026-11-05", "--notify", "hook")
    assert first.stdout == ""
    assert first.stderr.startswith("sent to hook (delivery d")
    body = r.accepted[0]
    assert body["title"] == "Daily report 2026-11-05 · me"
    assert body["report"] == "daily:2026-11-05:me:en"
    assert body["text"].startswith("### Daily report 2026-11-05 · me\n")
    assert body["text_plain"].startswith("Daily report 2026-11-05 · me\n")
    again = report(run, "daily", "--date", "2026-11-05", "--notify", "hook")
    assert "already sent to hook" in again.stderr and len(r.accepted) == 1
    run("report", "daily", "--date", "2026-11-05", "--notify", "hook", "--lang", "zh")  # another language
    assert len(r.accepted) == 2 and r.accepted[1]["title"] == "日报 2026-11-05 · me"
    report(run, "daily", "--date", "2026-11-05", "--notify", "hook", "--resend")
    assert len(r.accepted) == 3
    assert dump(db, "SELECT report_key, status, attempts FROM deliveries ORDER BY rowid") == [
        ("daily:2026-11-05:me:en", "sent", 2), ("daily:2026-11-05:me:zh", "sent", 1)]


def test_quiet_prints_nothing_on_success(run, db, server, tmp_path):
    seed(db)
    r = robot(server)
    add_target(run, "hook", r.url(server))
    res = run("-q", "report", "monthly", "--close", "--notify", "hook", "--out", tmp_path / "m.txt")
    assert (res.stdout, res.stderr) == ("", "")
    res = run("-q", "report", "monthly", "--close", "--notify", "hook")
    assert (res.stdout, res.stderr) == ("", "")
    assert len(r.accepted) == 1


@pytest.mark.parametrize("fault", ["500", "timeout", "redirect"])
def test_failed_delivery_exit_4_data_committed(run, db, server, tmp_path, fault):
    seed(db)
    r = robot(server, "wecom")
    add_target(run, "team", r.url(server))
    r.fail_next = [{
        "500": Response(f"oops key={WECOM_KEY}", status=500),
        "timeout": lambda: (time.sleep(0.8), Response(json.dumps({"errcode": 0})))[1],
        "redirect": Response("", status=302, headers={"Location": "http://10.0.0.1/x"}),
    }[fault]]
    out = tmp_path / "m.md"
    err = report(run, "monthly", "--close", "--out", out, "--notify", "team", "-f", "md", code=4).stderr
    assert "delivery d" in err and "to 'team'" in err
    assert f"http://127.0.0.1:{server.port}/cgi-bin/webhook/send?key=***" in err
    assert WECOM_KEY not in err
    # the close and the file stay
    assert dump(db, "SELECT period FROM closed_periods") == [("2026-10",)]
    assert out.read_text(encoding="utf-8").startswith("# Monthly statement 2026-10 · me")
    assert r.requests == 1
    # the re-run (cron next time) does not close again, and never double-posts
    again = report(run, "monthly", "--close", "--notify", "team", code=None)
    assert "2026-10 is closed already" in again.stderr
    if fault == "timeout":  # it may have arrived: not sent again without --resend
        assert again.exit_code == 4 and "--resend" in again.stderr and r.requests == 1
    else:
        assert again.exit_code == 0 and len(r.accepted) == 1
    assert dump(db, "SELECT count(*) FROM statements") == [(3,)]


def test_one_failing_target_does_not_stop_the_others(run, db, server):
    seed(db)
    good, bad = robot(server), Robot("wecom").install(server)
    add_target(run, "hook", good.url(server))
    add_target(run, "team", bad.url(server))
    bad.fail_next = [Response("down", status=503)]
    err = report(run, "daily", "--notify", "team", "--notify", "hook", code=4).stderr
    assert "sent to hook" in err and "to 'team'" in err and "answered HTTP 503" in err
    assert len(good.accepted) == 1


def test_close_twice_reports_the_closed_month(run, db):
    seed(db)
    first = report(run, "monthly", "--close")
    assert first.stderr == "closed 2026-10\n"
    assert "Statement 2026-10 · me (closed)" in first.stdout
    second = report(run, "monthly", "--close")
    assert second.stderr == "2026-10 is closed already; reporting the closed month\n"
    assert second.stdout == first.stdout
    assert dump(db, "SELECT distributor FROM statements ORDER BY distributor") == [("*",), ("anna",), ("me",)]


# ---------------------------------------------------------------- concurrency


def _spawn(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WEIMAI_HOME": str(home), "PYTHONPATH": str(ROOT), "WEIMAI_NOW": FROZEN_NOW}
    env.pop("WEIMAI_DB", None)
    return subprocess.Popen([sys.executable, "-m", "weimai_cli", "report", "monthly", "--close", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


@pytest.mark.parametrize("wait", [True, False])
def test_two_monthly_close_runs_at_once_one_statement_one_delivery(run, db, server, home, wait):
    seed(db)
    r = robot(server)
    add_target(run, "hook", r.url(server))
    normal = r._webhook
    r._webhook = lambda request: (time.sleep(0.2), normal(request))[1]
    extra = ["--notify", "hook", "--lang", "en"] + (["--wait", "20"] if wait else [])
    procs = [_spawn(home, *extra) for _ in range(2)]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    codes = sorted(c for c, _, _ in results)
    errs = "".join(e for _, _, e in results)
    if wait:
        assert codes == [0, 0], errs
        assert "sent to hook" in errs and "already sent to hook" in errs
    else:
        assert codes in ([0, 0], [0, 3]), errs
    assert errs.count("closed 2026-10\n") == 1
    assert r.requests == 1 and len(r.accepted) == 1
    assert dump(db, "SELECT distributor, count(*) FROM statements GROUP BY distributor ORDER BY 1") == [
        ("*", 1), ("anna", 1), ("me", 1)]
    assert dump(db, "SELECT count(*) FROM closed_periods") == [(1,)]
    assert dump(db, "SELECT status FROM deliveries") == [("sent",)]


def test_a_distributors_report_leaves_out_the_sellers_unattributed_sales(run, db):
    seed(db)
    anna = json.loads(report(run, "daily", "--date", "2026-11-05", "--as", "anna", "--format", "json").stdout)
    assert anna["unattributed"] == []
    me = json.loads(report(run, "daily", "--date", "2026-11-05", "--as", "me", "--format", "json").stdout)
    assert [u for u in me["unattributed"] if u["kind"] == "shop"] == [
        {"kind": "shop", "currency": "CNY", "orders": 1, "gmv_fen": 4000, "commission_fen": 0}]  # L6
