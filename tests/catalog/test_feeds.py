"""Supplier feeds: `weimai feeds add`, `weimai goods sync`, against real local servers."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from werkzeug.wrappers import Request, Response

from tests import netutil
from tests.conftest import dump
from tests.netutil import (
    http_server,
    make_cert,
    server_ssl_context,
)

# fixtures: one threaded local server for the session, cleared per test
shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Every test here runs with the short network timeouts of netutil.fast_network."""


ITEMS = [
    {"sku": "GQ-1", "title": "宁夏枸杞 500g", "price": "59.90", "rate": "20%", "stock": 100},
    {"sku": "PE-2", "title": "普洱茶饼 357g", "price": "1,280.00", "rate": "15%", "stock": 30},
    {"sku": "DM-3", "title": "五常大米 5kg", "price": "69.90", "rate": "12.5", "stock": 800},
]


class Feed:
    """Serves a body with ETag / If-None-Match, counting requests."""

    def __init__(self, body: bytes, content_type="application/json"):
        self.body, self.content_type = body, content_type
        self.requests = 0
        self.conditional = 0

    def handle(self, request: Request) -> Response:
        self.requests += 1
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.conditional += 1
            return Response(status=304, headers={"ETag": etag})
        return Response(self.body, content_type=self.content_type, headers={"ETag": etag})


def serve(server, path, handler):
    server.expect_request(path).respond_with_handler(handler)
    return f"http://127.0.0.1:{server.port}{path}"


def fingerprint(db) -> list:
    return dump(db, "SELECT * FROM goods ORDER BY sku") + dump(db, "SELECT * FROM goods_history ORDER BY id")


def json_feed(items) -> bytes:
    return json.dumps(items, ensure_ascii=False).encode()


def test_sync_adds_changes_archives_and_uses_etag(run, db, server):
    feed = Feed(json_feed(ITEMS))
    url = serve(server, "/feed.json", feed.handle)
    run("feeds", "add", "sup", url, "--format", "json", "--allow-private")
    r = run("goods", "sync")
    assert r.stderr == "sup: 3 items: 3 added, 0 changed, 0 unchanged, 0 archived\n"
    # unchanged feed: a conditional request, 304, nothing imported
    r = run("goods", "sync", "sup")
    assert r.stderr == "sup: not modified since the last sync\n"
    assert feed.conditional == 1
    # price change, one item gone
    feed.body = json_feed([{**ITEMS[0], "price": "64.90", "rate": "22%"}, ITEMS[1]])
    r = run("goods", "sync")
    assert r.stderr == "sup: 2 items: 0 added, 1 changed, 1 unchanged, 1 archived\n"
    assert dump(db, "SELECT sku, price_fen, commission_bp, status FROM goods ORDER BY sku") == [
        ("DM-3", 6990, 1250, "archived"), ("GQ-1", 6490, 2200, "active"), ("PE-2", 128000, 1500, "active")]
    assert dump(db, "SELECT sku, price_fen, commission_bp, status, source FROM goods_history WHERE id > 3 ORDER BY id") == [
        ("GQ-1", 6490, 2200, "active", "feed:sup"), ("DM-3", 6990, 1250, "archived", "feed:sup")]
    listing = run("feeds", "list", "--format", "json").stdout
    row = json.loads(listing)[0]
    assert row["last_status"] == "0 added, 1 changed, 1 archived" and row["last_error"] is None


def test_json_summary_for_scripts(run, db, server):
    url = serve(server, "/f", Feed(json_feed(ITEMS)).handle)
    run("feeds", "add", "sup", url, "--allow-private")
    out = json.loads(run("goods", "sync", "--json").stdout)
    assert [(o["feed"], o["status"], o["rows"], o["added"]) for o in out] == [("sup", "synced", 3, 3)]


def test_map_names_unknown_columns(run, db, server):
    csv_body = "item_no,product,cost_yuan,cut\nA-1,龙井 100g,88.00,15%\nA-2,白茶 100g,99.00,20%\n".encode()
    url = serve(server, "/f.csv", Feed(csv_body, "text/csv").handle)
    run("feeds", "add", "sup", url, "--format", "csv", "--allow-private",
        "--map", "item_no=sku", "--map", "product=title", "--map", "cost_yuan=price", "--map", "cut=rate")
    assert "item_no=sku product=title cost_yuan=price cut=rate" in run("feeds", "list").stdout
    run("goods", "sync")
    assert dump(db, "SELECT sku, title, price_fen, commission_bp FROM goods ORDER BY sku") == [
        ("A-1", "龙井 100g", 8800, 1500), ("A-2", "白茶 100g", 9900, 2000)]


def test_map_overrides_an_alias(db, tmp_path):
    """`name` is a title alias; mapped to supplier it is the supplier."""
    from weimai_cli.catalog.goods_import import import_goods

    f = tmp_path / "g.csv"
    f.write_text("sku,title,price,name\nX-1,茶,10,茶厂\n", encoding="utf-8")
    import_goods(db, f, column_map={"name": "supplier"})
    assert dump(db, "SELECT sku, title, supplier FROM goods") == [("X-1", "茶", "茶厂")]


def test_bad_map_refused(run, server):
    err = run("feeds", "add", "sup", "http://127.0.0.1:1/f", "--allow-private", "--map", "a=colour", code=1).stderr
    assert "unknown field 'colour'" in err
    err = run("feeds", "add", "sup", "http://127.0.0.1:1/f", "--allow-private", "--map", "nonsense", code=1).stderr
    assert "is not COLUMN=field" in err


def test_xlsx_feed(run, db, server, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["商品编码", "商品名称", "售价", "佣金比例"])
    ws.append(["6901234567890", "枸杞 250g", 29.9, "18%"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    url = serve(server, "/f.xlsx", Feed(path.read_bytes(), "application/octet-stream").handle)
    run("feeds", "add", "sup", url, "--format", "xlsx", "--allow-private")
    run("goods", "sync")
    assert dump(db, "SELECT sku, price_fen, commission_bp FROM goods") == [("6901234567890", 2990, 1800)]


def test_feed_url_policy(run):
    assert "must start with https://" in run("feeds", "add", "s", "http://127.0.0.1/f", code=1).stderr
    assert "loopback" in run("feeds", "add", "s", "https://127.0.0.1/f", code=1).stderr
    assert "link-local" in run("feeds", "add", "s", "https://169.254.169.254/latest", code=1).stderr


# ---------------------------------------------------------------- faults: catalogue unchanged


@pytest.fixture
def synced(run, db, server):
    """A catalogue already synced from the feed at /feed; returns (feed, fingerprint)."""
    feed = Feed(json_feed(ITEMS))
    url = serve(server, "/feed", lambda req: feed.handler(req) if hasattr(feed, "handler") else feed.handle(req))
    run("feeds", "add", "sup", url, "--format", "json", "--allow-private")
    run("goods", "sync")
    return feed, fingerprint(db)


def _break(feed, handler):
    feed.handler = handler


def test_feed_that_stalls(run, db, synced):
    feed, before = synced
    _break(feed, lambda req: (time.sleep(0.8), Response(json_feed(ITEMS[:1])))[1])
    err = run("goods", "sync", code=1).stderr
    assert "error: feed sup (http://127.0.0.1:" in err
    assert "no answer within 0.3 s; the catalogue is unchanged" in err
    assert fingerprint(db) == before


def test_feed_that_stalls_midway(run, db, synced):
    feed, before = synced

    def trickle():
        yield b'[{"sku": "Z-1", "title": "t", "price": "1"},'
        time.sleep(0.8)
        yield b"]"

    _break(feed, lambda req: Response(trickle(), content_type="application/json"))
    err = run("goods", "sync", code=1).stderr
    assert "no data within 0.3 s; the catalogue is unchanged" in err
    assert fingerprint(db) == before


def test_feed_that_never_ends_hits_the_size_cap(run, db, synced, monkeypatch):
    feed, before = synced
    monkeypatch.setenv("WEIMAI_FEED_MAX_BYTES", "100000")

    def endless():
        yield b"["
        while True:
            yield b'{"sku": "Z", "title": "t", "price": "1"},' * 100

    _break(feed, lambda req: Response(endless(), content_type="application/json"))
    err = run("goods", "sync", code=1).stderr
    assert "sent more than the 100,000-byte cap (WEIMAI_FEED_MAX_BYTES); stopped; the catalogue is unchanged" in err
    assert fingerprint(db) == before


GARBAGE = {
    "content-length over the cap": (
        lambda: Response(json_feed(ITEMS), content_type="application/json"), "is 284 bytes, over the 10-byte cap"),
    "html page": (
        lambda: Response("<!DOCTYPE html><html><body>请登录</body></html>", content_type="text/html"),
        "answered an HTML page, not a catalogue (a login or error page?)"),
    "html served as json": (
        lambda: Response("<html>502 Bad Gateway</html>", content_type="application/json"), "answered an HTML page"),
    "broken json": (
        lambda: Response('[{"sku": "GQ-1", "title": "x", "price": "1"', content_type="application/json"),
        "not valid JSON"),
    "bad row": (
        lambda: Response(json_feed([{**ITEMS[0], "price": "abc"}]), content_type="application/json"),
        "error: feed sup:1:3: price: not an amount: 'abc'"),
    "csv for a json feed": (
        lambda: Response("sku,title,price\nA,b,1\n", content_type="text/csv"), "expected json but got csv"),
    "http error": (lambda: Response("gone", status=404), "answered HTTP 404: gone"),
}


@pytest.mark.parametrize("case", list(GARBAGE))
def test_garbage_fetch_leaves_catalogue_unchanged(run, db, synced, monkeypatch, case):
    feed, before = synced
    answer, words = GARBAGE[case]
    if case == "content-length over the cap":
        monkeypatch.setenv("WEIMAI_FEED_MAX_BYTES", "10")
    _break(feed, lambda req: answer())
    err = run("goods", "sync", code=1).stderr
    assert words in err
    assert "the catalogue is unchanged" in err
    assert fingerprint(db) == before
    # recorded for `weimai doctor`; the next sync fetches again (no ETag kept)
    assert dump(db, "SELECT last_status FROM feeds") == [("failed",)]
    assert "problem  feed: sup" in run("doctor", code=1).stdout


def test_feed_with_bad_tls_certificate(run, db, tmp_path, monkeypatch):
    cert, key = make_cert(tmp_path)
    with http_server(ssl_context=server_ssl_context(cert, key)) as tls:
        feed = Feed(json_feed(ITEMS))
        url = serve(tls, "/feed", feed.handle).replace("http://", "https://")
        run("feeds", "add", "sup", url, "--allow-private")
        before = fingerprint(db)
        err = run("goods", "sync", code=1).stderr
        assert "TLS certificate verification failed" in err and "the catalogue is unchanged" in err
        assert fingerprint(db) == before
        monkeypatch.setenv("WEIMAI_CA_BUNDLE", str(cert))
        run("goods", "sync")
        assert len(dump(db, "SELECT sku FROM goods")) == 3


def test_one_failing_feed_does_not_stop_the_others(run, db, server):
    good = serve(server, "/good", Feed(json_feed(ITEMS)).handle)
    bad = serve(server, "/bad", lambda req: Response("<html></html>", content_type="text/html"))
    run("feeds", "add", "a-bad", bad, "--allow-private")
    run("feeds", "add", "b-good", good, "--allow-private")
    r = run("goods", "sync", code=1)
    assert "error: feed a-bad" in r.stderr
    assert "b-good: 3 items: 3 added" in r.stderr


def test_feed_secret_in_url_is_redacted(run, db, server):
    url = serve(server, "/f", lambda req: Response("nope", status=403))
    run("feeds", "add", "sup", url + "?token=feedTOKENsecret99", "--allow-private")
    err = run("goods", "sync", code=1).stderr
    assert "token=***" in err and "feedTOKENsecret99" not in err
    assert "feedTOKENsecret99" not in run("feeds", "list").stdout


def test_sync_without_feeds_and_unknown_feed(run):
    assert run("goods", "sync").stderr.startswith("no feeds")
    assert "no feed 'x'" in run("goods", "sync", "x", code=1).stderr


# ---------------------------------------------------------------- two feeds: each archives only its own goods


def test_two_feeds_archive_only_their_own_goods(run, db, server):
    """The README's example: supplier (JSON) and wholesale (CSV with --map), plus a hand-added item."""
    supplier = Feed(json_feed(ITEMS))
    wholesale = Feed("货品编号,商品名称,批发价\nWS-1,白茶 100g,99.00\nWS-2,红茶 100g,88.00\n".encode(), "text/csv")
    run("feeds", "add", "supplier", serve(server, "/s.json", supplier.handle), "--format", "json", "--allow-private")
    run("feeds", "add", "wholesale", serve(server, "/w.csv", wholesale.handle), "--allow-private",
        "--map", "货品编号=sku", "--map", "批发价=price")
    run("goods", "add", "HAND-1", "--title", "手工茶", "--price", "10")
    r = run("goods", "sync")
    assert r.stderr == (
        "supplier: 3 items: 3 added, 0 changed, 0 unchanged, 0 archived\n"
        "wholesale: 2 items: 2 added, 0 changed, 0 unchanged, 0 archived\n"
    )
    # the next sync: supplier unchanged (304), wholesale drops WS-2
    wholesale.body = "货品编号,商品名称,批发价\nWS-1,白茶 100g,99.00\n".encode()
    r = run("goods", "sync")
    assert r.stderr == (
        "supplier: not modified since the last sync\n"
        "wholesale: 1 item: 0 added, 0 changed, 1 unchanged, 1 archived\n"
    )
    assert dump(db, "SELECT sku, status, source FROM goods ORDER BY sku") == [
        ("DM-3", "active", "feed:supplier"), ("GQ-1", "active", "feed:supplier"), ("HAND-1", "active", "add"),
        ("PE-2", "active", "feed:supplier"), ("WS-1", "active", "feed:wholesale"),
        ("WS-2", "archived", "feed:wholesale"),
    ]
    # the supplier's goods can still be shared
    run("goods", "edit", "GQ-1", "--url", "https://item.taobao.com/item.htm?id=1")
    run("share", "GQ-1", "--channel", "link")


def test_feed_never_archives_hand_added_goods_it_lists_and_then_drops(run, db, server):
    feed = Feed(json_feed([*ITEMS, {"sku": "HAND-1", "title": "手工茶", "price": "12"}]))
    run("goods", "add", "HAND-1", "--title", "手工茶", "--price", "10")
    run("feeds", "add", "sup", serve(server, "/f", feed.handle), "--allow-private")
    run("goods", "sync")
    assert dump(db, "SELECT price_fen, source FROM goods WHERE sku = 'HAND-1'") == [(1200, "add")]
    feed.body = json_feed(ITEMS)
    assert run("goods", "sync").stderr == "sup: 3 items: 0 added, 0 changed, 3 unchanged, 0 archived\n"
    assert dump(db, "SELECT status, source FROM goods WHERE sku = 'HAND-1'") == [("active", "add")]


def test_feed_takes_over_imported_goods_but_not_another_feeds(run, db, server, tmp_path):
    f = tmp_path / "old.csv"
    f.write_text("sku,title,price\nGQ-1,宁夏枸杞 500g,59.90\nOLD-1,旧货,1\n", encoding="utf-8")
    run("goods", "import", f)
    a = Feed(json_feed(ITEMS))
    b = Feed(json_feed([ITEMS[0], {"sku": "B-1", "title": "乙", "price": "2"}]))
    run("feeds", "add", "a", serve(server, "/a", a.handle), "--allow-private")
    run("feeds", "add", "b", serve(server, "/b", b.handle), "--allow-private")
    run("goods", "sync")
    # feed a took GQ-1 over from the file; feed b lists GQ-1 too, but it stays a's
    assert dump(db, "SELECT sku, source FROM goods ORDER BY sku") == [
        ("B-1", "feed:b"), ("DM-3", "feed:a"), ("GQ-1", "feed:a"), ("OLD-1", "old.csv"), ("PE-2", "feed:a")]
    b.body = json_feed([{"sku": "B-1", "title": "乙", "price": "2"}])
    run("goods", "sync")
    assert dump(db, "SELECT sku FROM goods WHERE status = 'archived'") == []
    # feed a removed (or renamed): feed b takes over the goods it lists again
    run("feeds", "remove", "a")
    b.body = json_feed([ITEMS[0], {"sku": "B-1", "title": "乙", "price": "2"}])
    run("goods", "sync")
    assert dump(db, "SELECT sku, source FROM goods WHERE sku IN ('GQ-1', 'DM-3') ORDER BY sku") == [
        ("DM-3", "feed:a"), ("GQ-1", "feed:b")]


def test_migration_gives_goods_their_source_and_undoes_the_old_archiving(home):
    """A database from before m011: feed b archived feed a's goods and a hand-added item."""
    import sqlite3

    from weimai_cli.db.migrations import MIGRATIONS, _import_sqlite_utils
    from weimai_cli.db.store import connect

    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "weimai.db", isolation_level=None)
    db = _import_sqlite_utils().Database(conn)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, fn in MIGRATIONS[: [n for n, _ in MIGRATIONS].index("m011_goods_source_currency")]:
        fn(db)
        conn.execute("INSERT INTO _migrations VALUES (?, 'then')", (name,))
    t = "2026-11-01T10:00:00+08:00"
    for sku, status in (("A-1", "archived"), ("H-1", "archived"), ("B-1", "active"), ("F-1", "archived")):
        conn.execute("INSERT INTO goods (sku, title, price_fen, status, created_at, updated_at) "
                     "VALUES (?, 't', 100, ?, ?, ?)", (sku, status, t, t))
    history = [("A-1", "active", "feed:a"), ("H-1", "active", "add"), ("B-1", "active", "feed:b"),
               ("F-1", "active", "f.csv"), ("F-1", "archived", "f.csv"),  # archived by its own file: stays
               ("A-1", "archived", "feed:b"), ("H-1", "archived", "feed:b")]
    conn.executemany("INSERT INTO goods_history (sku, price_fen, status, changed_at, source) VALUES (?, 100, ?, ?, ?)",
                     [(s, st, t, src) for s, st, src in history])
    conn.execute("INSERT INTO feeds (name, url, format, etag, last_modified, created_at) "
                 "VALUES ('a', 'https://a.example/f', 'auto', '\"x\"', 'Sun, 01 Nov 2026 02:00:00 GMT', ?)", (t,))
    conn.close()
    conn = connect(home / "weimai.db")
    assert dump(conn, "SELECT sku, status, source, currency FROM goods ORDER BY sku") == [
        ("A-1", "archived", "feed:a", "CNY"),  # back when feed a lists it again (next full download)
        ("B-1", "active", "feed:b", "CNY"),
        ("F-1", "archived", "f.csv", "CNY"),
        ("H-1", "active", "add", "CNY"),
    ]
    assert dump(conn, "SELECT sku, status, source FROM goods_history WHERE source = 'm011'") == [("H-1", "active", "m011")]
    assert dump(conn, "SELECT etag, last_modified FROM feeds") == [(None, None)]
    conn.close()


def test_not_modified_after_the_migration_is_a_full_download(run, db, server):
    feed = Feed(json_feed(ITEMS))
    run("feeds", "add", "a", serve(server, "/a", feed.handle), "--allow-private")
    run("goods", "sync")
    db.execute("UPDATE goods SET status = 'archived' WHERE sku = 'GQ-1'")  # as the old bug left it
    db.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")  # as m011 leaves a feed
    assert run("goods", "sync").stderr == "a: 3 items: 0 added, 1 changed, 2 unchanged, 0 archived\n"
    assert dump(db, "SELECT status FROM goods WHERE sku = 'GQ-1'") == [("active",)]


def test_feed_with_a_currency_column(run, db, server):
    feed = Feed(json_feed([{"sku": "AMZ-1", "title": "Coffee", "price": "34.99", "currency": "usd"}]))
    run("feeds", "add", "amazon", serve(server, "/a", feed.handle), "--allow-private")
    run("goods", "sync")
    assert dump(db, "SELECT sku, price_fen, currency FROM goods") == [("AMZ-1", 3499, "USD")]
    before = fingerprint(db)
    feed.body = json_feed([{"sku": "AMZ-1", "title": "Coffee", "price": "34.99", "currency": "US dollars"}])
    err = run("goods", "sync", code=1).stderr
    assert err.startswith("error: feed amazon:1:4: currency: not a currency code: 'US dollars'\n")
    assert fingerprint(db) == before
