"""Delivery targets and the delivery engine, against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import stat
import threading
import time

import pytest
from werkzeug.wrappers import Response

from tests import netutil
from tests.conftest import dump
from tests.netutil import (
    ALL_SECRETS,
    DING_SECRET,
    FEISHU_SECRET,
    SMTP_PASSWORD,
    WECOM_KEY,
    Robot,
    SMTPServer,
    http_server,
    make_cert,
    resetting_server,
    server_ssl_context,
)

# fixtures: one threaded local server for the session, cleared per test
shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Every test here runs with the short network timeouts of netutil.fast_network."""


def robot(server, kind, **kw) -> Robot:
    return Robot(kind, **kw).install(server)


def add(run, name, kind, url, *extra, code=0, input=None):
    return run("notify", "add", name, "--kind", kind, "--url", url, "--allow-private", *extra, code=code, input=input)


def deliver(db, name, key="daily:2026-11-19", md="# 日报\n\n**GMV** 1,200.00", plain="日报\n\nGMV 1,200.00", **kw):
    from weimai_cli.notify.delivery import deliver as lib_deliver

    return lib_deliver(db, name, key, "日报 2026-11-19", md, plain, **kw)


def deliveries(db):
    return dump(db, "SELECT target, report_key, status, parts, parts_sent, attempts FROM deliveries ORDER BY rowid")


# ---------------------------------------------------------------- targets


def test_add_list_remove_and_config_mode(run, server, home):
    r = robot(server, "wecom")
    out = add(run, "team", "wecom", r.url(server))
    assert out.stderr == f"added wecom target team: http://127.0.0.1:{server.port}/cgi-bin/webhook/send?key=***\n"
    cfg = home / "config.toml"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert WECOM_KEY in cfg.read_text()  # the secret lives in the 0600 file
    listing = run("notify", "list")
    assert listing.stdout.splitlines()[2].split() == [
        "team", "wecom", f"http://127.0.0.1:{server.port}/cgi-bin/webhook/send?key=***"]
    js = json.loads(run("notify", "list", "--format", "json").stdout)
    assert js[0]["url"].endswith("key=***") and WECOM_KEY not in json.dumps(js)
    add(run, "team", "wecom", r.url(server), code=1)  # exists
    add(run, "team", "wecom", r.url(server), "--replace")
    run("notify", "remove", "team")
    assert run("notify", "list").stderr.startswith("no notify targets")
    err = run("notify", "remove", "team", code=1).stderr
    assert "no notify target 'team'" in err


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://hooks.example.invalid/x", "must start with https://"),
        ("https://127.0.0.1/cgi-bin/webhook/send?key=k", "127.0.0.1 is a loopback address"),
        ("https://169.254.169.254/latest/meta-data?key=k", "169.254.169.254 is a link-local address"),
        ("https://[::1]/hook?key=k", "::1 is a loopback address"),
        ("https://10.1.2.3/hook?key=k", "10.1.2.3 is a private address"),
        ("https://192.168.1.5/hook", "192.168.1.5 is a private address"),
        ("https://localhost/hook?key=k", "localhost resolves to a loopback address"),
        ("https://0.0.0.0/hook", "unspecified address"),
    ],
)
def test_private_and_plain_http_urls_refused_before_sending(run, home, url, words):
    err = run("notify", "add", "t", "--kind", "webhook", "--url", url, code=1).stderr
    assert words in err
    assert "--allow-private" in err
    assert not (home / "config.toml").exists()


@pytest.mark.parametrize(("url", "shown"), [
    ("https://h.example/api;key=pathSECRET42/send?sendkey=SCTsecret77&format=json&page=2",
     "https://h.example/api;key=***/send?sendkey=***&format=json&page=2"),
    ("https://h.example/a;jsessionid=abcSECRET;v=2;bareSECRET/b?t=shortSEC&lang=zh&type=",
     "https://h.example/a;jsessionid=***;v=2;***/b?t=***&lang=zh&type="),
    ("https://h.example/x?format=0123456789abcdefghijKLMN",  # a token under a harmless name still hides
     "https://h.example/x?format=***"),
])
def test_every_query_value_and_path_parameter_is_redacted_but_harmless_names(url, shown):
    from weimai_cli import net

    assert net.redact_url(url)[0] == shown


def test_path_parameter_and_unknown_query_name_never_shown(run, db, server):
    url = f"http://127.0.0.1:{server.port}/hook;key=pathSECRET42?sendkey=SCTsecret77&format=json"
    shown = f"http://127.0.0.1:{server.port}/hook;key=***?sendkey=***&format=json"
    server.expect_request("/hook;key=pathSECRET42").respond_with_data("no pathSECRET42 SCTsecret77", status=500)
    assert add(run, "team", "webhook", url).stderr == f"added webhook target team: {shown}\n"
    assert shown in run("notify", "list").stdout
    err = run("notify", "test", "team", code=4).stderr
    assert shown in err and "no *** ***" in err
    texts = [run("notify", "list", "--format", "json").stdout, err, "\n".join(db.iterdump())]
    assert not any("pathSECRET42" in t or "SCTsecret77" in t for t in texts)


def test_public_literal_address_passes_the_policy():
    from weimai_cli import net

    net.check_url("https://1.1.1.1/cgi-bin/webhook/send?key=k")
    net.check_url("https://[2606:4700:4700::1111]/x")


def test_private_url_refused_at_delivery_time_without_allow_private(run, db, server, home):
    """A target stored without --allow-private (e.g. a name that now resolves to a
    private address) is refused before anything is sent: exit 4, nothing posted."""
    from weimai_cli.config import save_config

    r = robot(server, "wecom")
    save_config({"notify": {"team": {"kind": "wecom", "url": r.url(server).replace("http:", "https:")}}})
    err = run("notify", "test", "team", code=4).stderr
    assert "refused" in err and "127.0.0.1 is a loopback address" in err
    assert WECOM_KEY not in err and "key=***" in err
    assert r.requests == 0
    assert deliveries(db) == [("team", "test", "failed", 1, 0, 1)]


def test_peer_address_is_checked_on_the_connected_socket(db, server, home):
    """Without --allow-private the guard on the socket refuses 127.0.0.1 even if
    the up-front check were passed (DNS rebinding)."""
    import requests

    from weimai_cli import net

    robot(server, "webhook")
    s = net.session(allow_private=False)
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        s.post(f"http://127.0.0.1:{server.port}/hook", json={}, timeout=(0.5, 0.5))
    assert "loopback" in net.classify(info.value, (0.5, 0.5)).reason


def test_config_file_mode_0644_refused_with_hint(run, home):
    from weimai_cli.config import save_config

    save_config({"notify": {}})
    os.chmod(home / "config.toml", 0o644)
    r = run("notify", "list", code=5)
    assert "config file mode is 0644; it holds secrets" in r.stderr
    assert f"hint: run: chmod 600 {home / 'config.toml'}" in r.stderr


# ---------------------------------------------------------------- services


def test_wecom_markdown_delivered_and_logged(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    res = deliver(db, "team")
    assert res.status == "sent" and res.parts == 1
    assert r.accepted == [{"msgtype": "markdown", "markdown": {"content": "# 日报\n\n**GMV** 1,200.00"}}]
    assert deliveries(db) == [("team", "daily:2026-11-19", "sent", 1, 1, 1)]
    # the same report again: nothing posted
    again = deliver(db, "team")
    assert again.status == "already sent" and again.delivery_id == res.delivery_id
    assert r.requests == 1
    # unless resend
    deliver(db, "team", resend=True)
    assert r.requests == 2
    assert deliveries(db) == [("team", "daily:2026-11-19", "sent", 1, 1, 2)]


def test_wecom_long_report_is_split_under_4096_bytes(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    md = "# 月报\n" + "\n".join(f"| SKU-{i:04d} | 宁夏枸杞 500g | 59.90 | 20.00% |" for i in range(300))
    res = deliver(db, "team", key="monthly:2026-10", md=md)
    assert res.parts == len(r.accepted) > 1
    assert res.notes == [f"split into {res.parts} messages (WeCom markdown takes at most 4096 bytes)"]
    contents = [b["markdown"]["content"] for b in r.accepted]
    assert all(len(c.encode()) <= 4096 for c in contents)
    assert contents[0].endswith(f"(1/{res.parts})")
    # every line arrives once, in order
    lines = [ln for c in contents for ln in c.rsplit("\n\n(", 1)[0].split("\n")]
    assert lines == md.split("\n")


def test_too_long_report_is_trimmed_and_says_so(run, db, server):
    from weimai_cli.notify.text import MAX_PARTS

    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    md = "\n".join("长" * 300 for _ in range(200))  # ~180 KB
    res = deliver(db, "team", key="big", md=md)
    assert res.parts == MAX_PARTS == len(r.accepted)
    assert "trimmed" in res.notes[0]
    assert "trimmed: the rest did not fit" in r.accepted[-1]["markdown"]["content"]


def test_one_line_over_the_limit_is_cut(db, run, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    res = deliver(db, "team", key="wide", md="字" * 3000)  # 9000 bytes, no newline
    assert res.parts == 3
    assert "".join(b["markdown"]["content"].rsplit("\n\n(", 1)[0] for b in r.accepted) == "字" * 3000


def test_wecom_unknown_key_is_exit_4_with_redacted_url(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server).replace(WECOM_KEY, "wrongKEY0000000000000000"))
    res = run("notify", "test", "team", code=4)
    assert "WeCom refused the message: code 93000 invalid webhook url" in res.stderr
    assert "key=***" in res.stderr and "wrongKEY" not in res.stderr


def test_wecom_throttle_is_retried_and_sent_once(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    r.fail_next = [lambda: Response(json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"}))]
    deliver(db, "team")
    assert r.requests == 2 and len(r.accepted) == 1


def test_dingtalk_signed_markdown(run, db, server):
    r = robot(server, "dingtalk", signed=True, keyword="日报")
    add(run, "ding", "dingtalk", r.url(server), "--secret", DING_SECRET)
    deliver(db, "ding")
    body = r.accepted[0]
    assert body == {"msgtype": "markdown", "markdown": {"title": "日报 2026-11-19", "text": "# 日报\n\n**GMV** 1,200.00"},
                    "at": {"isAtAll": False}}


def test_dingtalk_wrong_secret_and_missing_keyword(run, db, server):
    r = robot(server, "dingtalk", signed=True, keyword="佣金")
    add(run, "ding", "dingtalk", r.url(server), "--secret", "SECwrong000000000000")
    err = run("notify", "test", "ding", code=4).stderr
    assert "DingTalk refused the message: code 310000 sign not match" in err
    assert "access_token=***" in err and "SECwrong" not in err
    add(run, "ding", "dingtalk", r.url(server), "--secret", DING_SECRET, "--replace")
    err = run("notify", "test", "ding", code=4).stderr
    assert "code 310000 keywords not in content" in err


def test_dingtalk_split_keeps_each_body_under_20000_bytes(run, db, server):
    r = robot(server, "dingtalk")
    add(run, "ding", "dingtalk", r.url(server))
    md = "\n".join(f"- 订单 {i:05d} 宁夏枸杞 佣金 12.00" for i in range(1500))
    res = deliver(db, "ding", key="k", md=md)
    assert res.parts == len(r.accepted) > 1
    assert [b["markdown"]["title"] for b in r.accepted][:2] == ["日报 2026-11-19 (1/%d)" % res.parts,
                                                               "日报 2026-11-19 (2/%d)" % res.parts]


def test_feishu_signed_post(run, db, server):
    r = robot(server, "feishu", signed=True)
    add(run, "fs", "feishu", r.url(server), "--secret", FEISHU_SECRET)
    deliver(db, "fs")
    post = r.accepted[0]["content"]["post"]["zh_cn"]
    assert post["title"] == "日报 2026-11-19"
    assert post["content"] == [[{"tag": "text", "text": "日报"}], [{"tag": "text", "text": ""}],
                               [{"tag": "text", "text": "GMV 1,200.00"}]]


def test_feishu_bad_signature_exit_4(run, db, server):
    r = robot(server, "feishu", signed=True)
    add(run, "fs", "feishu", r.url(server), "--secret", "notTHEsecret")
    err = run("notify", "test", "fs", code=4).stderr
    assert "Feishu refused the message: code 19021" in err
    assert "/hook/***" in err and "feishu-token" not in err


def test_slack_mrkdwn_and_429_retry_after(run, db, server):
    r = robot(server, "slack")
    add(run, "sl", "slack", r.url(server))
    r.fail_next = [Response("rate limited", status=429, headers={"Retry-After": "1"})]
    deliver(db, "sl", md="# 日报\n**GMV** <b> & [shop](https://shop.example/x?a=1)")
    assert r.requests == 2
    assert r.accepted == [{"text": "*日报*\n*GMV* &lt;b&gt; &amp; <https://shop.example/x?a=1|shop>"}]


def test_generic_webhook_body_and_idempotency_key(run, db, server):
    r = robot(server, "webhook")
    add(run, "hook", "webhook", r.url(server))
    res = deliver(db, "hook")
    assert r.accepted == [{
        "title": "日报 2026-11-19", "text": "# 日报\n\n**GMV** 1,200.00", "delivery_id": res.delivery_id,
        "target": "hook", "report": "daily:2026-11-19", "text_plain": "日报\n\nGMV 1,200.00", "parts": 1, "part": 1,
    }]
    assert r.headers[0]["Idempotency-Key"] == f"{res.delivery_id}-1"


def test_notify_send_cli_is_deduplicated(run, db, server, tmp_path):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    f = tmp_path / "r.md"
    f.write_text("# 周报\n\nGMV 3,000.00\n", encoding="utf-8")
    first = run("notify", "send", "team", f)
    assert first.stderr.startswith("sent to team (delivery d")
    second = run("notify", "send", "team", f)
    assert "already sent to team" in second.stderr
    assert r.requests == 1
    run("notify", "send", "team", f, "--resend")
    assert r.requests == 2
    assert run("-q", "notify", "send", "team", f).stderr == ""


# ---------------------------------------------------------------- faults


def test_webhook_sleeps_past_timeout_exit_4_and_no_double_post(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    r.fail_next = [lambda: (time.sleep(0.8), Response(json.dumps({"errcode": 0})))[1]]
    # data committed before delivery stays committed
    run("goods", "add", "TEA-1", "--title", "龙井", "--price", "88")
    err = run("notify", "send", "team", "-", input="# 日报\n", code=4).stderr
    assert "no answer within 0.3 s (the message may have arrived)" in err
    assert f"http://127.0.0.1:{server.port}/cgi-bin/webhook/send?key=***" in err
    assert WECOM_KEY not in err
    assert dump(db, "SELECT sku FROM goods") == [("TEA-1",)]
    assert deliveries(db)[0][2] == "unconfirmed"
    # the re-run does not post again: it may have arrived
    err = run("notify", "send", "team", "-", input="# 日报\n", code=4).stderr
    assert "is unconfirmed" in err and "--resend" in err
    assert r.requests == 1
    run("notify", "send", "team", "-", "--resend", input="# 日报\n")
    assert r.requests == 2 and len(r.accepted) == 1


def test_webhook_500_exit_4_then_rerun_sends_once(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    r.fail_next = [Response(f"internal error for key={WECOM_KEY}", status=500)]
    err = run("notify", "send", "team", "-", input="# 日报\n", code=4).stderr
    assert "failed: answered HTTP 500: internal error for key=***" in err
    assert WECOM_KEY not in err
    assert r.requests == 1  # a 500 is not retried: the server may have acted on it
    run("notify", "send", "team", "-", input="# 日报\n")
    run("notify", "send", "team", "-", input="# 日报\n")
    assert r.requests == 2 and len(r.accepted) == 1
    assert deliveries(db)[0][2:] == ("sent", 1, 1, 2)


def test_webhook_302_to_another_host_is_not_followed(run, db, server):
    with http_server() as other:
        trap = robot(other, "wecom")
        r = robot(server, "wecom")
        add(run, "team", "wecom", r.url(server))
        r.fail_next = [Response("", status=302, headers={"Location": f"http://localhost:{other.port}/cgi-bin/webhook/send?key={WECOM_KEY}"})]
        err = run("notify", "send", "team", "-", input="# 日报\n", code=4).stderr
        assert "answered HTTP 302, a redirect to localhost; weimai never follows redirects" in err
        assert trap.requests == 0 and WECOM_KEY not in err


def test_connection_reset_exit_4_and_no_double_post(run, db):
    with resetting_server() as (port, hits):
        add(run, "team", "webhook", f"http://127.0.0.1:{port}/hook?token=tokSECRET123")
        err = run("notify", "send", "team", "-", input="# 日报\n", code=4).stderr
        assert "reset the connection (the message may have arrived)" in err
        assert "token=***" in err and "tokSECRET123" not in err
        run("notify", "send", "team", "-", input="# 日报\n", code=4)
        assert len(hits) == 1


def test_connection_refused_is_retried_then_exit_4(run, db):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    add(run, "team", "webhook", f"http://127.0.0.1:{port}/hook")
    err = run("notify", "test", "team", code=4).stderr
    assert "failed: connection refused" in err
    assert deliveries(db) == [("team", "test", "failed", 1, 0, 1)]


def test_failed_part_resumes_without_resending_earlier_parts(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    md = "\n".join(f"line {i:04d} " + "x" * 60 for i in range(200))
    original = r._wecom
    calls = {"n": 0}

    def second_fails(request):
        calls["n"] += 1
        if calls["n"] == 2:
            return Response("boom", status=500)
        return original(request)

    r._wecom = second_fails
    from weimai_cli.errors import DeliveryFailed

    with pytest.raises(DeliveryFailed) as info:
        deliver(db, "team", key="m", md=md)
    assert info.value.exit_code == 4 and WECOM_KEY not in str(info.value)
    assert deliveries(db)[0][2:5] == ("failed", 4, 1)
    res = deliver(db, "team", key="m", md=md)
    assert res.status == "sent"
    contents = [b["markdown"]["content"] for b in r.accepted]
    assert [c.rsplit("(", 1)[1] for c in contents] == ["1/4)", "2/4)", "3/4)", "4/4)"]


def test_two_deliveries_at_once_post_once(run, home, server):
    from weimai_cli.db.store import connect
    from weimai_cli.errors import DatabaseBusy

    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    slow = r._wecom
    sending = threading.Event()  # the first delivery holds the lease
    r._wecom = lambda request: (sending.set(), time.sleep(0.15), slow(request))[2]
    outcomes = []

    def go(wait):
        conn = connect(home / "weimai.db")
        try:
            outcomes.append(deliver(conn, "team", wait_seconds=wait).status)
        except DatabaseBusy as exc:
            outcomes.append(f"busy {exc.exit_code}")
        finally:
            conn.close()

    threads = [threading.Thread(target=go, args=(w,)) for w in (0, 0, 2)]
    threads[0].start()
    assert sending.wait(10)  # (the others start while it sends, not before it claims)
    for t in threads[1:]:
        t.start()
        time.sleep(0.02)
    for t in threads:
        t.join()
    assert r.requests == 1
    assert sorted(outcomes) == ["already sent", "busy 3", "sent"]


def test_process_killed_mid_send_is_unconfirmed_not_resent(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    db.execute(
        "INSERT INTO deliveries (id, target, kind, report_key, title, status, parts, parts_sent, attempts, "
        "created_at, updated_at, lease_owner, lease_until) VALUES "
        "('dold', 'team', 'wecom', 'daily:2026-11-19', 't', 'sending', 1, 0, 1, 'x', 'x', 'gone', 1)"
    )
    from weimai_cli.errors import DeliveryFailed

    with pytest.raises(DeliveryFailed, match="unconfirmed"):
        deliver(db, "team")
    assert r.requests == 0


# ---------------------------------------------------------------- TLS


def test_bad_tls_certificate_refused_and_ca_bundle_accepted(run, db, tmp_path, monkeypatch):
    cert, key = make_cert(tmp_path)
    with http_server(ssl_context=server_ssl_context(cert, key)) as tls:
        r = robot(tls, "wecom")
        url = r.url(tls).replace("http://", "https://")
        add(run, "team", "wecom", url)
        err = run("notify", "test", "team", code=4).stderr
        assert "TLS certificate verification failed" in err and r.requests == 0
        monkeypatch.setenv("WEIMAI_CA_BUNDLE", str(cert))
        run("notify", "test", "team")
        assert len(r.accepted) == 1


# ---------------------------------------------------------------- email


def test_email_starttls_login_and_password_never_on_command_line(run, db, tmp_path, monkeypatch, home):
    cert, key = make_cert(tmp_path)
    monkeypatch.setenv("WEIMAI_CA_BUNDLE", str(cert))
    with SMTPServer(server_ssl_context(cert, key)) as smtp:
        url = f"smtp://bot@example.com@localhost:{smtp.port}"
        # a password in the URL is refused
        err = run("notify", "add", "mail", "--kind", "email", "--to", "boss@example.com", "--allow-private",
                  "--url", f"smtp://bot%40example.com:{SMTP_PASSWORD}@localhost:{smtp.port}", code=1).stderr
        assert "never takes passwords on the command line" in err and SMTP_PASSWORD not in err
        # no terminal, no --password-stdin: refused, never prompts
        err = run("notify", "add", "mail", "--kind", "email", "--url", url.replace("@example.com@", "%40example.com@"),
                  "--to", "boss@example.com", "--allow-private", code=1).stderr
        assert "--password-stdin" in err
        run("notify", "add", "mail", "--kind", "email", "--url", url.replace("@example.com@", "%40example.com@"),
            "--to", "boss@example.com", "--allow-private", "--password-stdin", input=SMTP_PASSWORD + "\n")
        listing = run("notify", "list").stdout
        assert "bot@example.com" in listing and SMTP_PASSWORD not in listing
        run("notify", "send", "mail", "-", "--title", "日报 2026-11-19", input="# 日报\n\n**GMV** 1,200.00\n")
        assert len(smtp.messages) == 1
        data = smtp.messages[0]["data"]
        assert "Subject: =?utf-8?b?" in data and "boss@example.com" in data


def test_email_without_starttls_refused(run, db, tmp_path):
    with SMTPServer(None, starttls=False) as smtp:
        run("notify", "add", "mail", "--kind", "email", "--url", f"smtp://bot%40example.com@127.0.0.1:{smtp.port}",
            "--to", "boss@example.com", "--allow-private", "--password-stdin", input=SMTP_PASSWORD + "\n")
        err = run("notify", "test", "mail", code=4).stderr
        assert "does not offer STARTTLS" in err and SMTP_PASSWORD not in err
        assert smtp.messages == []


# ---------------------------------------------------------------- secrets everywhere


def test_secrets_absent_from_every_output_channel(run, db, server, home, tmp_path):
    """Every command that touches targets, on success and failure: stdout, stderr,
    exception text, the delivery log and the whole database dump hold no secret."""
    wecom = robot(server, "wecom")
    ding = robot(server, "dingtalk", signed=True)
    fs = robot(server, "feishu", signed=True)
    sl = robot(server, "slack")
    add(run, "w", "wecom", wecom.url(server))
    add(run, "d", "dingtalk", ding.url(server), "--secret-stdin", input=DING_SECRET + "\n")
    add(run, "f", "feishu", fs.url(server), "--secret", FEISHU_SECRET)
    add(run, "s", "slack", sl.url(server))
    with SMTPServer(None, starttls=False) as smtp:
        run("notify", "add", "m", "--kind", "email", "--url", f"smtp://bot%40example.com@127.0.0.1:{smtp.port}",
            "--to", "boss@example.com", "--allow-private", "--password-stdin", input=SMTP_PASSWORD + "\n")
        results = [run("notify", "test", "m", code=4)]
    # failures that echo the secret back, then successes
    for r in (wecom, ding, fs, sl):
        r.fail_next = [Response(f"oops {' '.join(ALL_SECRETS)}", status=500)]
    for name in "wdfs":
        results.append(run("notify", "test", name, code=4))
        results.append(run("notify", "test", name))
    results += [run("notify", "list"), run("notify", "list", "--format", "json"), run("notify", "log"),
                run("notify", "log", "--format", "json"), run("doctor", code=None)]
    channels = [r.stdout for r in results] + [r.stderr for r in results]
    channels += [repr(r.exception) for r in results]
    channels.append("\n".join(db.iterdump()))
    for text in channels:
        for secret in ALL_SECRETS:
            assert secret not in text
    assert len(wecom.accepted) == len(ding.accepted) == len(fs.accepted) == len(sl.accepted) == 1


def test_exception_text_is_redacted(run, db, server):
    from weimai_cli.errors import DeliveryFailed

    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    r.fail_next = [Response(f"bad {WECOM_KEY}", status=500)]
    with pytest.raises(DeliveryFailed) as info:
        deliver(db, "team")
    texts = [str(info.value), repr(info.value), info.value.hint, repr(info.value.__context__), repr(info.value.__cause__)]
    assert info.value.__suppress_context__
    assert all(WECOM_KEY not in t for t in texts)


# ---------------------------------------------------------------- chat shapes (a Message)


def big_message(rows: int):
    from weimai_cli.notify.message import Figure, Message, Row, Section

    return Message("月报 2026-10", notes=["(已结账)"], sections=[
        Section(figures=[Figure("净佣金", "1,200.00"), Figure("订单数", "300")]),
        Section("热门商品", name_label="SKU", rows=[
            Row(f"SKU-{i:04d} 宁夏枸杞 500g 头茬免洗", [Figure("订单", "3"), Figure("佣金", "20.00", True)])
            for i in range(rows)]),
        Section("调整明细", empty="无"),
    ])


def send_message(db, name, message, key="monthly:2026-10:all:zh"):
    from weimai_cli.notify.delivery import deliver as lib_deliver

    return lib_deliver(db, name, key, message.title, "# md\n\n| a | b |\n| --- | --- |", "plain", message=message)


def test_feishu_card_split_under_20_kb_repeats_the_section_header(run, db, server):
    r = robot(server, "feishu", signed=True)
    add(run, "fs", "feishu", r.url(server), "--secret", FEISHU_SECRET)
    res = send_message(db, "fs", big_message(120))
    n = res.parts
    assert n == len(r.accepted) > 1
    assert res.notes == [f"split into {n} messages (Feishu takes at most 20 KB)"]
    for i, body in enumerate(r.accepted, 1):
        assert len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()) <= 20000
        assert body["msg_type"] == "interactive"
        assert body["card"]["header"]["title"]["content"] == f"月报 2026-10 ({i}/{n})"
        els = body["card"]["elements"]
        header = [el for el in els if el["tag"] == "column_set" and el["background_style"] == "grey"]
        assert header, "every part that carries rows has the header row"
    names = [el["columns"][0]["elements"][0]["text"]["content"] for b in r.accepted for el in b["card"]["elements"]
             if el["tag"] == "column_set" and el["background_style"] == "default"]
    assert names == [f"{i + 1}. SKU-{i:04d} 宁夏枸杞 500g 头茬免洗" for i in range(120)]  # each row once, in order
    assert r.accepted[-1]["card"]["elements"][-1] == {"tag": "div", "text": {"tag": "plain_text", "content": "无"}}


def test_slack_blocks_split_at_50_and_trimmed_past_10_parts(run, db, server):
    from weimai_cli.notify.message import Figure, Message, Section

    r = robot(server, "slack")
    add(run, "sl", "slack", r.url(server))
    many = Message("日报", sections=[Section(f"S{i}", figures=[Figure("GMV", f"{i}.00")]) for i in range(20)])
    res = send_message(db, "sl", many, key="k1")
    assert res.parts == len(r.accepted) == 2  # header + 20 × (divider, title, fields) - 1 = 60 blocks
    assert all(len(b["blocks"]) <= 50 for b in r.accepted)
    assert [b["blocks"][0]["text"]["text"] for b in r.accepted] == ["日报 (1/2)", "日报 (2/2)"]
    huge = Message("日报", sections=[Section(f"S{i}", figures=[Figure("GMV", "1.00")]) for i in range(400)])
    res = send_message(db, "sl", huge, key="k2")
    assert res.parts == 10 and "trimmed" in res.notes[0]
    assert "trimmed: the rest did not fit" in r.accepted[-1]["blocks"][-1]["elements"][0]["text"]


def test_wecom_message_split_under_4096_bytes_without_tables(run, db, server):
    r = robot(server, "wecom")
    add(run, "team", "wecom", r.url(server))
    res = send_message(db, "team", big_message(120))
    assert res.parts == len(r.accepted) > 1
    contents = [b["markdown"]["content"] for b in r.accepted]
    assert all(len(c.encode()) <= 4096 and "|" not in c for c in contents)
    assert contents[0].startswith("### 月报 2026-10\n\n> (已结账)\n\n净佣金: **1,200.00**\n订单数: **300**\n\n**热门商品**\n"
                                  "1. SKU-0000 宁夏枸杞 500g 头茬免洗: 订单 3 · 佣金 **20.00**\n")


def test_message_to_webhook_and_email_keeps_the_markdown(run, db, server):
    r = robot(server, "webhook")
    add(run, "hook", "webhook", r.url(server))
    send_message(db, "hook", big_message(2))
    assert r.accepted[0]["text"] == "# md\n\n| a | b |\n| --- | --- |" and r.accepted[0]["text_plain"] == "plain"
