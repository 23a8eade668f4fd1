"""Reports in chat: each robot gets its own shape (no markdown tables), the
webhook and email the full tables; against real robots on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest

from tests import netutil
from tests.golden_util import check_golden
from tests.netutil import Robot
from tests.reports.test_report import seed

shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network

CHAT = ("wecom", "dingtalk", "feishu", "slack")


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Short network timeouts (netutil.fast_network)."""


def robots(run, server, kinds=CHAT) -> dict[str, Robot]:
    out = {}
    for kind in kinds:
        out[kind] = Robot(kind).install(server)
        run("notify", "add", kind, "--kind", kind, "--url", out[kind].url(server), "--allow-private")
    return out


def notify_args(kinds=CHAT) -> list[str]:
    return [a for k in kinds for a in ("--notify", k)]


def texts(obj) -> list[str]:
    """Every string in a JSON body."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [t for v in obj.values() for t in texts(v)]
    if isinstance(obj, list):
        return [t for v in obj for t in texts(v)]
    return []


TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|\|\s*:?-{3,}:?\s*\|", re.M)


def bodies(robot: Robot) -> str:
    return "\n".join(texts(robot.accepted))


@pytest.mark.parametrize("args", [
    ("daily", "--date", "2026-11-05"),
    ("weekly", "--date", "2026-11-05"),
    ("monthly", "--all-distributors"),
    ("monthly", "--as", "anna", "--close"),
])
def test_no_markdown_table_reaches_a_chat_robot(run, db, server, args):
    seed(db)
    r = robots(run, server, (*CHAT, "webhook"))
    for lang in ("en", "zh"):
        run("report", *args, "--lang", lang, *notify_args((*CHAT, "webhook")))
    for kind in CHAT:
        assert len(r[kind].accepted) == 2, kind
        assert not TABLE_ROW.search(bodies(r[kind])), kind
    # the chat shapes: markdown for WeCom/DingTalk, a card for Feishu, blocks for Slack
    assert {b["msgtype"] for b in r["wecom"].accepted + r["dingtalk"].accepted} == {"markdown"}
    assert {b["msg_type"] for b in r["feishu"].accepted} == {"interactive"}
    assert all(b["text"] and b["blocks"][0]["type"] == "header" for b in r["slack"].accepted)
    # the webhook keeps the full markdown (a monthly statement's tables) and the plain text
    hook = r["webhook"].accepted[0]
    assert hook["text"].startswith("#") and hook["text_plain"]
    assert ("| --- |" in hook["text"]) == (args[0] == "monthly")


def test_feishu_card_lines_up_the_figures(run, db, server):
    seed(db)
    r = robots(run, server, ("feishu",))
    run("report", "daily", "--date", "2026-11-05", "--lang", "en", "--notify", "feishu")
    card = r["feishu"].accepted[0]["card"]
    assert card["header"]["title"] == {"tag": "plain_text", "content": "Daily report 2026-11-05 · me"}
    fields = [f["text"]["content"] for el in card["elements"] if el["tag"] == "div" for f in el.get("fields", [])]
    assert fields[:3] == ["new orders (CNY)\n**2**", "GMV (CNY)\n**150.00**", "estimated commission (CNY)\n**25.00**"]
    rows = [[c["elements"][0]["text"]["content"] for c in el["columns"]]
            for el in card["elements"] if el["tag"] == "column_set"]
    assert ["**SKU**", "**orders**", "**GMV**", "**commission**"] in rows
    assert ["3. B0KETTLE 好茶 B0KETTLE", "1", "10.00 USD", "**0.40 USD**"] in rows
    # every row of a list has as many columns as its header, with the same weights
    sets = [el for el in card["elements"] if el["tag"] == "column_set"]
    goods = sets[sets.index(next(s for s in sets if s["columns"][0]["elements"][0]["text"]["content"] == "**SKU**")):][:4]
    assert len({tuple(c["weight"] for c in s["columns"]) for s in goods}) == 1


def test_slack_blocks_fields_fallback_and_escaping(run, db, server):
    seed(db)
    db.execute("UPDATE orders SET title = 'Tea <b> & *co*' WHERE line_key = 'L1'")
    db.commit()
    r = robots(run, server, ("slack", "wecom", "feishu"))
    run("report", "daily", "--date", "2026-11-05", "--lang", "en", *notify_args(("slack", "wecom", "feishu")))
    body = r["slack"].accepted[0]
    assert body["text"].startswith("*Daily report 2026-11-05 · me*\nnew orders (CNY): *2*\n")
    fields = [f["text"] for b in body["blocks"] for f in b.get("fields", [])]
    assert fields[:2] == ["new orders (CNY)\n*2*", "GMV (CNY)\n*150.00*"]
    assert "1. TEA-1 Tea &lt;b&gt; &amp; *co*: orders 1 · GMV 100.00 · commission *20.00*" in bodies(r["slack"])
    assert "<b>" not in bodies(r["slack"])
    # WeCom: markup in the data is escaped; Feishu: data is plain_text
    assert "1. TEA-1 Tea <b> & \\*co\\*: orders 1 · GMV 100.00 · commission **20.00**" in bodies(r["wecom"])
    assert {"tag": "plain_text", "content": "1. TEA-1 Tea <b> & *co*"} in [
        c["elements"][0]["text"] for el in r["feishu"].accepted[0]["card"]["elements"] if el["tag"] == "column_set"
        for c in el["columns"]]


@pytest.mark.parametrize("kind", CHAT)
def test_golden_payload_per_service(run, db, server, kind):
    seed(db)
    r = robots(run, server, (kind,))
    run("report", "daily", "--date", "2026-11-05", "--lang", "zh", "--notify", kind)
    (body,) = r[kind].accepted
    check_golden(f"chat/daily_{kind}.json", json.dumps(body, ensure_ascii=False, indent=1) + "\n", json.loads)


def test_monthly_golden_for_wecom_and_slack(run, db, server):
    seed(db)
    r = robots(run, server, ("wecom", "slack"))
    run("report", "monthly", "--all-distributors", "--lang", "zh", *notify_args(("wecom", "slack")))
    check_golden("chat/monthly_wecom.md", r["wecom"].accepted[0]["markdown"]["content"])
    check_golden("chat/monthly_slack.json", json.dumps(r["slack"].accepted[0], ensure_ascii=False, indent=1) + "\n",
                 json.loads)


def test_monthly_findings_and_adjustments_as_rows(run, db, server):
    from weimai_cli.db.tx import transaction
    from weimai_cli.ledger.booking import book_all

    seed(db)
    with transaction(db):  # the platform reports 15 % where the share says 20 %: a finding
        db.execute("UPDATE orders SET reported_rate_bp = 1500 WHERE line_key = 'L7'")
        book_all(db)
    r = robots(run, server, ("wecom", "feishu", "slack"))
    run("earnings", "close", "--month", "2026-10")
    with transaction(db):  # refunded after the close: an adjustment carried into November
        db.execute("UPDATE orders SET status = 'refunded', refunded_fen = paid_fen WHERE line_key = 'L9'")
        book_all(db)
    run("report", "monthly", "--date", "2026-10", "--lang", "en", "--notify", "wecom")
    run("report", "monthly", "--date", "2026-11", "--lang", "en", *notify_args(("wecom", "feishu", "slack")))
    october, november = (b["markdown"]["content"] for b in r["wecom"].accepted)
    assert ("**reconciliation findings (reported rate ≠ expected)**\n"
            "1. taobao L7 · TEA-1: reported **15.00%** · expected 20.00%\n") in october
    adjustment = ("2026-10 taobao L9", "-12.00", "2026-10 is closed: late reversal for line L9 (refunded: commission "
                  "reversed)")
    assert (f"**adjustments carried in**\n1. {adjustment[0]}: amount **{adjustment[1]}** — {adjustment[2]}\n"
            in november)
    # several currencies: their values side by side on one line per figure
    import re
    assert re.search(r"\norders: \*\*\d+ CNY · \d+ USD\*\*\n", november), november
    card = r["feishu"].accepted[0]["card"]
    cells = [[c["elements"][0]["text"]["content"] for c in el["columns"]]
             for el in card["elements"] if el["tag"] == "column_set"]
    assert ["**line**", "**amount**"] in cells and [f"1. {adjustment[0]}\n{adjustment[2]}", "**-12.00**"] in cells
    assert f"1. {adjustment[0]}: amount *-12.00* — {adjustment[2]}" in bodies(r["slack"])
    for kind in ("wecom", "feishu", "slack"):
        assert not TABLE_ROW.search(bodies(r[kind]))


def test_email_keeps_the_text_tables(run, db, tmp_path, monkeypatch):
    from email import message_from_string, policy

    from tests.netutil import SMTP_PASSWORD, SMTPServer, make_cert, server_ssl_context

    seed(db)
    cert, key = make_cert(tmp_path)
    monkeypatch.setenv("WEIMAI_CA_BUNDLE", str(cert))
    with SMTPServer(server_ssl_context(cert, key)) as smtp:
        run("notify", "add", "mail", "--kind", "email", "--url", f"smtp://bot%40example.com@localhost:{smtp.port}",
            "--to", "boss@example.com", "--allow-private", "--password-stdin", input=SMTP_PASSWORD + "\n")
        run("report", "daily", "--date", "2026-11-05", "--lang", "en", "--notify", "mail")
    mail = message_from_string(smtp.messages[0]["data"], policy=policy.default)
    body = mail.get_content().replace("\r\n", "\n")
    assert body.startswith("Daily report 2026-11-05 ")
    assert "share       channel  SKU    orders     GMV  commission\n----------  -------" in body
