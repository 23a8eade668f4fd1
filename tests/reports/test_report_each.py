"""weimai report --each-distributor [--notify-from-distributor], and --out's
format by extension. The clock is frozen at 2026-11-20: last month is 2026-10,
where me (L7, L9) and anna (L8) have lines; bob has nothing; dora is
deactivated (her line stays hers, but she gets no statement)."""

from __future__ import annotations

import json
import re

import pytest

from tests import netutil
from tests.conftest import dump
from tests.netutil import Robot
from tests.reports.test_report import LINES, seed

shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network

DORA = ("L10", "2026-10-10T09:00:00+08:00", "TEA-2", 9000, "paid", None, "dora", "affiliate", "CNY", 900)


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Short network timeouts (netutil.fast_network)."""


@pytest.fixture
def seeded(db):
    for handle, active in (("bob", 1), ("dora", 0)):
        db.execute("INSERT INTO distributors (handle, name, created_at, active) VALUES (?, ?, '2026-09-01', ?)",
                   (handle, handle, active))
    db.commit()
    seed(db, [*LINES, DORA])
    return db


def set_targets(db, **targets):
    for handle, name in targets.items():
        db.execute("UPDATE distributors SET notify_target = ? WHERE handle = ?", (name, handle))
    db.commit()


def robots(run, server) -> tuple[Robot, Robot]:
    hook, team = Robot("webhook").install(server), Robot("wecom").install(server)
    run("notify", "add", "hook", "--kind", "webhook", "--url", hook.url(server), "--allow-private")
    run("notify", "add", "team", "--kind", "wecom", "--url", team.url(server), "--allow-private")
    return hook, team


def each(run, *args, code=0):
    return run("report", "monthly", "--each-distributor", *args, "--lang", "en", code=code)


def lines(err: str) -> list[str]:
    return [re.sub(r"delivery d[0-9a-f]+", "delivery D", ln) for ln in err.splitlines()]


# ---------------------------------------------------------------- delivery


def test_each_distributor_gets_their_own_statement_once(run, seeded, server):
    db = seeded
    hook, team = robots(run, server)
    set_targets(db, me="hook", anna="team", bob="team", dora="team")
    r = each(run, "--notify-from-distributor", "--close")
    assert r.stdout == ""
    assert lines(r.stderr) == [
        "closed 2026-10",
        "skipped bob: nothing in 2026-10",
        "me: sent to hook (delivery D, 1 message(s))",
        "anna: sent to team (delivery D, 1 message(s))",
    ]
    assert [b["title"] for b in hook.accepted] == ["Monthly statement 2026-10 · me"]
    (anna,) = [b["markdown"]["content"] for b in team.accepted]
    assert anna.startswith("### Monthly statement 2026-10 · anna\n\n> (closed)\n\norders: **1**\nGMV: **60.00**\n")
    assert "|" not in anna
    assert dump(db, "SELECT target, report_key, status FROM deliveries ORDER BY rowid") == [
        ("hook", "monthly:2026-10:me:en", "sent"), ("team", "monthly:2026-10:anna:en", "sent")]
    # the cron re-run: nothing closed or sent twice
    again = each(run, "--notify-from-distributor", "--close")
    assert lines(again.stderr) == [
        "2026-10 is closed already; reporting the closed month",
        "skipped bob: nothing in 2026-10",
        "me: already sent to hook (delivery D); --resend sends it again",
        "anna: already sent to team (delivery D); --resend sends it again",
    ]
    # the same report as --as makes it: the same delivery
    assert "already sent to team" in run("report", "monthly", "--as", "anna", "--notify", "team", "--lang", "en").stderr
    each(run, "--notify-from-distributor", "--resend")
    assert (len(hook.accepted), len(team.accepted)) == (2, 2)
    assert dump(db, "SELECT count(*) FROM closed_periods") == [(1,)]


def test_notify_sends_every_statement_there_too(run, seeded, server):
    hook, team = robots(run, server)
    set_targets(seeded, anna="team")
    r = each(run, "--notify-from-distributor", "--notify", "hook")
    assert lines(r.stderr) == [
        "skipped bob: nothing in 2026-10",
        "skipped me: no notify target of their own (set one: weimai distributors edit me --notify TARGET)",
        "me: sent to hook (delivery D, 1 message(s))",
        "anna: sent to hook (delivery D, 1 message(s))",
        "anna: sent to team (delivery D, 1 message(s))",
    ]
    assert [b["report"] for b in hook.accepted] == ["monthly:2026-10:me:en", "monthly:2026-10:anna:en"]


def test_unknown_target_in_a_distributor_row_exit_4_others_delivered(run, seeded, server):
    hook, _team = robots(run, server)
    set_targets(seeded, me="hook", anna="nosuch")
    r = each(run, "--notify-from-distributor", "--close", code=4)
    assert lines(r.stderr)[-2:] == [
        "error: distributor 'anna': their notify target 'nosuch' does not exist; their report was not sent there "
        "(no notify target 'nosuch' (configured: hook, team))",
        "hint: fix it: weimai distributors edit anna --notify TARGET (see weimai notify list)",
    ]
    assert len(hook.accepted) == 1
    assert dump(seeded, "SELECT period FROM closed_periods") == [("2026-10",)]  # the close stays


def test_no_distributor_with_a_target_exit_1_nothing_done(run, seeded, server):
    robots(run, server)
    err = each(run, "--notify-from-distributor", "--close", code=1).stderr
    assert err == ("error: no active distributor has a notify target, so --notify-from-distributor has nowhere "
                   "to send\nhint: set one: weimai distributors edit HANDLE --notify TARGET\n")
    assert dump(seeded, "SELECT * FROM closed_periods") == []
    set_targets(seeded, dora="team")  # a deactivated distributor's target does not count
    each(run, "--notify-from-distributor", code=1)


def test_a_failed_delivery_exit_4_the_others_still_sent(run, seeded, server):
    from werkzeug.wrappers import Response

    hook, team = robots(run, server)
    set_targets(seeded, me="team", anna="hook")
    team.fail_next = [Response("down", status=503)]
    err = each(run, "--notify-from-distributor", code=4).stderr
    assert "anna: sent to hook" in err and "to 'team'" in err and "answered HTTP 503" in err
    assert len(hook.accepted) == 1
    each(run, "--notify-from-distributor")  # the re-run sends what failed, once
    assert len(team.accepted) == 1 and len(hook.accepted) == 1


# ---------------------------------------------------------------- files and stdout


def test_out_folder_and_pattern(run, seeded, tmp_path):
    folder = tmp_path / "st"
    folder.mkdir()
    r = each(run, "--out", folder)
    assert r.stdout == ""
    assert lines(r.stderr) == ["skipped bob: nothing in 2026-10", f"wrote {folder / 'me-2026-10.txt'}",
                               f"wrote {folder / 'anna-2026-10.txt'}"]
    assert (folder / "anna-2026-10.txt").read_text(encoding="utf-8").startswith("Monthly statement 2026-10 · anna\n")
    pattern = str(tmp_path / "st" / "{period}-{handle}.md")
    each(run, "--out", pattern)
    assert (folder / "2026-10-anna.md").read_text(encoding="utf-8").startswith("# Monthly statement 2026-10 · anna")
    # an existing file is refused before anything is done (no close)
    err = each(run, "--out", pattern, "--close", code=1).stderr
    assert err.startswith(f"error: {folder / '2026-10-me.md'}: already exists\n")
    assert dump(seeded, "SELECT * FROM closed_periods") == []
    each(run, "--out", pattern, "--force", "--format", "json")
    assert json.loads((folder / "2026-10-anna.md").read_text())["distributor"] == "anna"


def test_out_neither_folder_nor_pattern_is_a_usage_error(run, seeded, tmp_path):
    err = each(run, "--out", tmp_path / "x.md", code=2).stderr
    assert "is neither a folder nor a pattern with {handle}" in err


def test_handles_are_made_safe_in_file_names(run, db, tmp_path):
    db.execute("INSERT INTO distributors (handle, name, created_at) VALUES ('../x/y', 'x', '2026-09-01')")
    db.commit()
    seed(db, [*LINES, ("L10", "2026-10-10T09:00:00+08:00", "TEA-2", 9000, "paid", None, "../x/y", "affiliate",
                       "CNY", 900)])
    each(run, "--out", tmp_path / "{handle}.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_.._x_y.txt", "anna.txt", "home", "me.txt"]


def test_stdout_text_and_json(run, seeded):
    text = each(run).stdout
    assert text.startswith("Monthly statement 2026-10 · me\n")
    assert "\n\nMonthly statement 2026-10 · anna\n" in text
    data = json.loads(each(run, "-f", "json").stdout)
    assert [d["distributor"] for d in data] == ["me", "anna"]
    err = each(run, "-f", "csv", code=2).stderr
    assert "--each-distributor prints no CSV to stdout" in err


def test_weekly_each_distributor_is_allowed(run, seeded):
    data = json.loads(run("report", "weekly", "--date", "2026-11-05", "--each-distributor", "-f", "json").stdout)
    assert [d["distributor"] for d in data] == ["me", "anna"]
    assert all(d["report"] == "weekly" for d in data)


# ---------------------------------------------------------------- usage


@pytest.mark.parametrize(("args", "words"), [
    (("monthly", "--each-distributor", "--as", "anna"), "--each-distributor and --as exclude each other"),
    (("monthly", "--each-distributor", "--all-distributors"),
     "--each-distributor and --all-distributors exclude each other"),
    (("monthly", "--notify-from-distributor"), "--notify-from-distributor goes with --each-distributor"),
    (("daily", "--each-distributor", "--close"), "--close is for monthly reports only"),
])
def test_each_distributor_usage_errors(run, home, args, words):
    err = run("report", *args, code=2).stderr
    assert words in err
    assert not (home / "weimai.db").exists()


# ---------------------------------------------------------------- --out FILE: the format by extension


@pytest.mark.parametrize(("name", "args", "start"), [
    ("r.md", (), "### Daily report 2026-11-05 · me\n"),
    ("r.MARKDOWN", (), "### Daily report 2026-11-05 · me\n"),
    ("r.json", (), "{"),
    ("r.csv", (), "section,key,label,currency,"),
    ("r.txt", (), "Daily report 2026-11-05 · me\n"),
    ("r.report", (), "Daily report 2026-11-05 · me\n"),  # unknown: text
    ("r.md", ("--format", "text"), "Daily report 2026-11-05 · me\n"),  # --format wins
    ("r.txt", ("-f", "json"), "{"),
])
def test_out_format_by_extension(run, seeded, tmp_path, name, args, start):
    out = tmp_path / name
    run("report", "daily", "--date", "2026-11-05", "--lang", "en", "--out", out, *args)
    assert out.read_text(encoding="utf-8").startswith(start)
