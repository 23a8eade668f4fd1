"""weimai clicks sync / list against local servers that answer as Shlink and YOURLS document."""

from __future__ import annotations

import json
import socket
import time

import pytest
from werkzeug import Response

from tests.netutil import SHLINK_KEY, YOURLS_TOKEN, ShlinkVisits, YourlsStats
from tests.sharing.sharing_helpers import set_config

CLICKS = "SELECT s.code, c.day, c.clicks, c.source FROM share_clicks c JOIN shares s ON s.id = c.share_id ORDER BY s.id, c.day"
SYNCS = "SELECT s.code, c.shortener, c.last_visit_at, c.total FROM click_syncs c JOIN shares s ON s.id = c.share_id ORDER BY s.id"


def rows(db, sql=CLICKS) -> list[tuple]:
    return [tuple(r) for r in db.execute(sql)]


def base(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


def shlink_config(httpserver, **extra):
    set_config("shortener", {"service": "shlink", "url": base(httpserver), "api_key": SHLINK_KEY,
                             "timeout": 2, "allow_private": True, **extra})


def yourls_config(httpserver, **extra):
    set_config("shortener", {"service": "yourls", "url": base(httpserver), "token": YOURLS_TOKEN,
                             "timeout": 2, "allow_private": True, **extra})


def make_shares(run, db, links: list[str | None]) -> list[str]:
    """One share per entry, with that short link (None: none); their codes."""
    codes = []
    for link in links:
        run("share", "NX-GQ-500")
        sid, code = db.execute("SELECT id, code FROM shares ORDER BY id DESC LIMIT 1").fetchone()
        db.execute("UPDATE shares SET short_link = ? WHERE id = ?", (link, sid))
        codes.append(code)
    return codes


def test_shlink_pages_days_and_a_second_sync(run, db, httpserver, shop):
    b = base(httpserver)
    # 7 visits of x001 over 3 pages (3 a page); 23:59:59 and 00:00:00 +08:00 fall on two days,
    # as do 15:30Z (23:30 +08:00, the 19th) and 16:30Z (00:30 +08:00, the 20th)
    fake = ShlinkVisits({
        "x001": ["2026-11-18T12:00:00+08:00", "2026-11-19T23:59:59+08:00", "2026-11-20T00:00:00+08:00",
                 "2026-11-19T15:30:00+00:00", "2026-11-19T16:30:00+00:00", "2026-11-20T09:00:00+08:00",
                 "2026-11-20T09:00:00+08:00"],
        "x002": [],
    }, page_size=3).install(httpserver)
    shlink_config(httpserver)
    a, b2, none = make_shares(run, db, [f"{b}/x001", f"{b}/x002", None])
    r = run("clicks", "sync")
    assert r.stderr == "synced clicks of 2 shares from Shlink: 7 new visits\n" and r.stdout == ""
    assert [(q["code"], q["page"]) for q in fake.requests] == [("x001", "1"), ("x001", "2"), ("x001", "3"),
                                                              ("x002", "1")]
    assert all("startDate" not in q and q["endDate"] == "2026-11-20T10:00:00+08:00" for q in fake.requests)
    assert rows(db) == [(a, "2026-11-18", 1, "shlink"), (a, "2026-11-19", 2, "shlink"),
                        (a, "2026-11-20", 4, "shlink")]
    assert rows(db, SYNCS) == [(a, "shlink", "2026-11-20T09:00:00+08:00", 7), (b2, "shlink", None, 0)]
    # again, nothing new: startDate is the last visit counted, which is not counted twice
    fake.requests.clear()
    before = rows(db), rows(db, SYNCS)
    r = run("clicks", "sync")
    assert r.stderr == "synced clicks of 2 shares from Shlink: 0 new visits\n"
    assert fake.requests[0]["startDate"] == "2026-11-20T09:00:00+08:00" and "startDate" not in fake.requests[1]
    assert (rows(db), rows(db, SYNCS)) == before
    # new visits (and one at the very second of the last counted, already counted) are added to their days
    fake.visits["x001"] += ["2026-11-20T09:30:00+08:00", "2026-11-20T01:45:00+00:00"]
    fake.visits["x002"] += ["2026-11-19T08:00:00+08:00"]
    r = run("clicks", "sync", "--json")
    out = json.loads(r.stdout)
    assert out == {"shortener": "shlink", "url": b, "shares": 2, "new_clicks": 3, "synced": [
        {"code": a, "short_link": f"{b}/x001", "new_clicks": 2, "days": {"2026-11-20": 2}},
        {"code": b2, "short_link": f"{b}/x002", "new_clicks": 1, "days": {"2026-11-19": 1}}], "skipped": []}
    assert r.stderr == ""
    assert rows(db) == [(a, "2026-11-18", 1, "shlink"), (a, "2026-11-19", 2, "shlink"),
                        (a, "2026-11-20", 6, "shlink"), (b2, "2026-11-19", 1, "shlink")]
    assert rows(db, SYNCS) == [(a, "shlink", "2026-11-20T09:45:00+08:00", 9),
                               (b2, "shlink", "2026-11-19T08:00:00+08:00", 1)]
    assert none not in r.stdout  # the share without a short link is not asked about
    assert len(fake.requests) == 2 + 3  # the second sync: 1 + 1 pages; the third: 2 + 1
    # clicks list shows them, newest day first
    r = run("clicks", "list", "--code", a, "--format", "csv")
    assert r.stdout == ("day,code,SKU,clicks,source,short link\n"
                        f"2026-11-20,{a},NX-GQ-500,6,shlink,{b}/x001\n2026-11-19,{a},NX-GQ-500,2,shlink,{b}/x001\n"
                        f"2026-11-18,{a},NX-GQ-500,1,shlink,{b}/x001\n")
    r = run("clicks", "list", "--since", "2026-11-20", "--format", "json")
    assert [(x["code"], x["day"], x["clicks"]) for x in json.loads(r.stdout)] == [(a, "2026-11-20", 6)]


def test_clicks_by_share(run, db, httpserver, shop):
    from weimai_cli.sharing.clicks import clicks_by_share

    b = base(httpserver)
    ShlinkVisits({"x001": ["2026-11-18T12:00:00+08:00", "2026-11-19T12:00:00+08:00"],
                  "x002": ["2026-11-19T12:00:00+08:00"]}).install(httpserver)
    shlink_config(httpserver)
    make_shares(run, db, [f"{b}/x001", f"{b}/x002", None])
    run("clicks", "sync")
    assert clicks_by_share(db) == {1: 2, 2: 1}
    assert clicks_by_share(db, share_ids=[1, 3]) == {1: 2}
    assert clicks_by_share(db, share_ids=[]) == {}
    assert clicks_by_share(db, since="2026-11-19") == {1: 1, 2: 1}
    assert clicks_by_share(db, until="2026-11-18") == {1: 1}


def test_yourls_string_clicks_add_the_growth_to_today(run, db, httpserver, shop, monkeypatch):
    b = base(httpserver)
    fake = YourlsStats({"k1": 12, "k2": 0}).install(httpserver)
    yourls_config(httpserver)
    a, c = make_shares(run, db, [f"{b}/k1", f"{b}/k2"])
    r = run("clicks", "sync")
    assert r.stderr == "synced clicks of 2 shares from YOURLS: 12 new clicks\n"
    form = fake.forms[0]
    assert {k: form[k] for k in ("action", "shorturl", "format", "hash")} == {
        "action": "url-stats", "shorturl": "k1", "format": "json", "hash": "sha256"}
    assert YOURLS_TOKEN not in json.dumps(fake.forms)
    assert rows(db) == [(a, "2026-11-20", 12, "yourls")]
    assert rows(db, SYNCS) == [(a, "yourls", None, 12), (c, "yourls", None, 0)]
    before = rows(db), rows(db, SYNCS)
    assert run("clicks", "sync").stderr == "synced clicks of 2 shares from YOURLS: 0 new clicks\n"
    assert (rows(db), rows(db, SYNCS)) == before
    # later the same day, then the next day: today's row accumulates, the next day has its own
    fake.clicks["k1"] = 15
    run("clicks", "sync")
    monkeypatch.setenv("WEIMAI_NOW", "2026-11-21T00:30:00+08:00")
    fake.clicks["k1"], fake.clicks["k2"] = 20, 1
    run("clicks", "sync")
    assert rows(db) == [(a, "2026-11-20", 15, "yourls"), (a, "2026-11-21", 5, "yourls"),
                        (c, "2026-11-21", 1, "yourls")]
    assert rows(db, SYNCS) == [(a, "yourls", None, 20), (c, "yourls", None, 1)]
    # a total that went down (the link recreated) is the new baseline: nothing added, nothing taken away
    fake.clicks["k1"] = 4
    assert run("clicks", "sync").stderr == "synced clicks of 2 shares from YOURLS: 0 new clicks\n"
    fake.clicks["k1"] = 6
    run("clicks", "sync")
    assert rows(db) == [(a, "2026-11-20", 15, "yourls"), (a, "2026-11-21", 7, "yourls"),
                        (c, "2026-11-21", 1, "yourls")]
    assert rows(db, SYNCS) == [(a, "yourls", None, 6), (c, "yourls", None, 1)]


def test_not_found_share_is_skipped_others_synced(run, db, httpserver, shop):
    b = base(httpserver)
    ShlinkVisits({"x001": ["2026-11-19T12:00:00+08:00"]}).install(httpserver)
    shlink_config(httpserver)
    a, gone, other, other2, root = make_shares(
        run, db, [f"{b}/x001", f"{b}/gone", "https://y.example.cn/k1", "https://bit.ly/abc", f"{b}/"])
    r = run("clicks", "sync")
    assert r.stderr == (
        f"warning: {gone}: short link {b}/gone not found at Shlink; skipped\n"
        f"warning: 2 shares have short links of another domain than {b}; skipped: {other}, {other2}\n"
        "synced clicks of 1 share from Shlink: 1 new visit; 4 shares skipped (1 not found at Shlink, "
        "2 of another domain, 1 without a short code)\n")
    assert json.loads(run("clicks", "sync", "--json").stdout)["skipped"][-1] == {
        "code": root, "short_link": f"{b}/", "reason": "no-short-code"}
    assert rows(db) == [(a, "2026-11-19", 1, "shlink")]
    assert rows(db, SYNCS) == [(a, "shlink", "2026-11-19T12:00:00+08:00", 1)]


def test_yourls_not_found_is_skipped(run, db, httpserver, shop):
    b = base(httpserver)
    YourlsStats({"k1": "7"}).install(httpserver)
    yourls_config(httpserver)
    a, gone = make_shares(run, db, [f"{b}/k1", f"{b}/nope"])
    r = run("clicks", "sync", "--json")
    assert json.loads(r.stdout)["skipped"] == [{"code": gone, "short_link": f"{b}/nope", "reason": "not-found"}]
    assert rows(db) == [(a, "2026-11-20", 7, "yourls")]


def _synced_once(run, db, httpserver):
    """x001 and x002 with a visit each, synced; then a new visit of x001. (The fake, rows before.)"""
    b = base(httpserver)
    fake = ShlinkVisits({"x001": ["2026-11-19T12:00:00+08:00"], "x002": ["2026-11-19T13:00:00+08:00"]})
    httpserver.expect_oneshot_request(ShlinkVisits.PATH).respond_with_handler(fake)
    httpserver.expect_oneshot_request(ShlinkVisits.PATH).respond_with_handler(fake)
    shlink_config(httpserver)
    make_shares(run, db, [f"{b}/x001", f"{b}/x002"])
    run("clicks", "sync")
    fake.visits["x001"].append("2026-11-20T08:00:00+08:00")
    return fake, (rows(db), rows(db, SYNCS))


@pytest.mark.parametrize(
    "answer,reason",
    [
        (Response("<html><body>502 Bad Gateway</body></html>", status=200, content_type="text/html"),
         "HTTP 200, answer is not JSON"),
        (Response('{"visits": {"data": "nope"}}', content_type="application/json"),
         "unexpected answer (not the shape the API documents)"),
        (Response('{"visits": {"data": [{"date": "yesterday"}], "pagination": {}}}', content_type="application/json"),
         "unexpected answer (not the shape the API documents)"),
        (Response('{"title": "Internal Server Error", "status": 500}', status=500, content_type="application/json"),
         "HTTP 500: Internal Server Error"),
        (Response("Not Found", status=404, content_type="text/html"), "HTTP 404, answer is not JSON"),
    ],
    ids=["html", "no-list", "bad-date", "http-500", "html-404"],
)
def test_garbage_from_shlink_is_exit_4_and_nothing_stored(run, db, httpserver, shop, answer, reason):
    """The first share answers fine, the second garbage: the first one's new visit is not stored either."""
    fake, before = _synced_once(run, db, httpserver)
    httpserver.expect_oneshot_request(ShlinkVisits.PATH).respond_with_handler(fake)
    httpserver.expect_oneshot_request(ShlinkVisits.PATH).respond_with_response(answer)
    r = run("clicks", "sync", code=4)
    assert r.stderr == (
        f"error: Shlink at {base(httpserver)}: {reason} (short code x002)\n"
        "hint: check [shortener] in the config file and that the shortener is up, then run `weimai clicks sync` "
        "again; stored clicks are unchanged\n")
    assert (rows(db), rows(db, SYNCS)) == before


def test_shlink_bad_key_is_exit_4(run, db, httpserver, shop):
    b = base(httpserver)
    ShlinkVisits({"x001": ["2026-11-19T12:00:00+08:00"]}).install(httpserver)
    shlink_config(httpserver, api_key="wrong-key")
    make_shares(run, db, [f"{b}/x001"])
    r = run("clicks", "sync", code=4)
    assert r.stderr.startswith(
        f"error: Shlink at {b}: HTTP 401: Provided API key does not exist or is invalid. (short code x001)\n")
    assert "wrong-key" not in r.stderr + r.stdout
    assert rows(db) == [] and rows(db, SYNCS) == []


def test_yourls_bad_signature_and_garbage_are_exit_4(run, db, httpserver, shop):
    b = base(httpserver)
    fake = YourlsStats({"k1": 3})
    httpserver.expect_request("/yourls-api.php").respond_with_handler(fake)
    yourls_config(httpserver, token="not-the-token")
    make_shares(run, db, [f"{b}/k1"])
    r = run("clicks", "sync", code=4)
    assert r.stderr.startswith(f"error: YOURLS at {b}: HTTP 403: Please log in (short code k1)\n")
    assert "not-the-token" not in r.stderr
    httpserver.clear()
    httpserver.expect_request("/yourls-api.php").respond_with_json({"statusCode": "200", "link": {"clicks": "many"}})
    yourls_config(httpserver)
    r = run("clicks", "sync", code=4)
    assert r.stderr.startswith(
        f"error: YOURLS at {b}: unexpected answer (not the shape the API documents) (short code k1)\n")
    assert rows(db) == [] and rows(db, SYNCS) == []


def test_down_or_slow_shortener_is_exit_4(run, db, httpserver, shop):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = f"http://127.0.0.1:{port}"
    set_config("shortener", {"service": "shlink", "url": down, "api_key": SHLINK_KEY, "allow_private": True})
    make_shares(run, db, [f"{down}/x001"])
    r = run("clicks", "sync", code=4)
    assert r.stderr.startswith(f"error: Shlink at {down}: connection refused (short code x001)\n")

    def slow(request):
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(ShlinkVisits.PATH).respond_with_handler(slow)
    shlink_config(httpserver, timeout=0.2)
    db.execute("UPDATE shares SET short_link = ?", (f"{base(httpserver)}/x001",))
    r = run("clicks", "sync", code=4)
    assert r.stderr.startswith(f"error: Shlink at {base(httpserver)}: no answer within 0.2 s (short code x001)\n")
    assert rows(db) == [] and rows(db, SYNCS) == []


def test_no_shortener_configured_is_exit_1(run, db, shop):
    r = run("clicks", "sync", code=1)
    assert r.stderr.startswith("error: clicks sync needs a shortener in the config file\nhint: add to config.toml")


def test_nothing_to_sync(run, db, httpserver, shop):
    shlink_config(httpserver)
    make_shares(run, db, [None])
    assert run("clicks", "sync").stderr == "synced clicks of 0 shares from Shlink: 0 new visits\n"
    assert httpserver.log == []
    assert run("clicks", "list").stderr == "no clicks stored\n"


def test_list_unknown_code_is_exit_1(run, db, shop):
    r = run("clicks", "list", "--code", "NOPE", code=1)
    assert r.stderr.startswith("error: NOPE: ")


def test_shlink_domain_param_for_the_configured_domain(run, db, httpserver, shop):
    fake = ShlinkVisits({"x001": ["2026-11-19T12:00:00+08:00"]}).install(httpserver)
    shlink_config(httpserver, domain="go.example.cn")
    a, = make_shares(run, db, ["https://go.example.cn/x001"])
    run("clicks", "sync")
    assert fake.requests[0]["domain"] == "go.example.cn"
    assert rows(db) == [(a, "2026-11-19", 1, "shlink")]


def test_clicks_sync_in_chinese(run, db, httpserver, shop):
    b = base(httpserver)
    ShlinkVisits({"x001": ["2026-11-19T12:00:00+08:00"]}).install(httpserver)
    shlink_config(httpserver)
    make_shares(run, db, [f"{b}/x001", f"{b}/gone"])
    r = run("--lang", "zh", "clicks", "sync")
    assert "Shlink" in r.stderr and "synced" not in r.stderr and "skipped" not in r.stderr


@pytest.mark.parametrize("service", ["shlink", "yourls"])
def test_a_sync_that_finished_meanwhile_is_not_counted_twice(run, db, httpserver, shop, monkeypatch, service):
    """Two syncs at once: the second to store counts against what the first stored."""
    from weimai_cli.db.store import connect
    from weimai_cli.sharing import clicks
    from weimai_cli.sharing.shorten import from_config

    b = base(httpserver)
    if service == "shlink":
        ShlinkVisits({"x001": ["2026-11-19T12:00:00+08:00", "2026-11-19T13:00:00+08:00"]}).install(httpserver)
        shlink_config(httpserver)
        a, = make_shares(run, db, [f"{b}/x001"])
    else:
        YourlsStats({"k1": 5}).install(httpserver)
        yourls_config(httpserver)
        a, = make_shares(run, db, [f"{b}/k1"])
    from weimai_cli.sharing.service import load_settings

    sh = from_config(load_settings().shortener)
    store = clicks._store

    def racing(conn, *args):
        monkeypatch.setattr(clicks, "_store", store)
        other = connect(db_path(db))
        clicks.sync(other, sh)  # asks and stores in full, between our asking and our storing
        other.close()
        store(conn, *args)

    monkeypatch.setattr(clicks, "_store", racing)
    result = clicks.sync(db, sh)
    assert result.new_clicks == 0
    assert [r[2] for r in rows(db)] == [2 if service == "shlink" else 5]


def db_path(conn) -> str:
    return next(file for _seq, name, file in conn.execute("PRAGMA database_list") if name == "main")
