"""--shorten against local servers that answer as Shlink and YOURLS document."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from werkzeug import Response

from tests.sharing.sharing_helpers import set_config, share_count

SHLINK_KEY = "shlink-key-0123456789abcdef"
YOURLS_TOKEN = "yourls-token-fedcba9876543210"


def _problem(status: int, kind: str, title: str, detail: str) -> Response:
    return Response(
        json.dumps({"type": f"https://shlink.io/api/error/{kind}", "title": title, "detail": detail, "status": status}),
        status=status, content_type="application/problem+json",
    )


class Shlink:
    """POST /rest/v3/short-urls as Shlink v3 answers it."""

    def __init__(self):
        self.urls: dict[str, str] = {}
        self.requests: list[dict] = []

    def __call__(self, request):
        key = request.headers.get("X-Api-Key")
        if key is None:
            return _problem(401, "missing-authentication", "Invalid authorization",
                            "Expected one of the following authentication headers, but none were provided")
        if key != SHLINK_KEY:
            return _problem(401, "invalid-api-key", "Invalid API key", "Provided API key does not exist or is invalid.")
        body = request.get_json()
        self.requests.append(body)
        if not body.get("longUrl"):
            return _problem(400, "invalid-data", "Invalid data", "Provided data is not valid")
        long_url = body["longUrl"]
        if body.get("findIfExists") and long_url in self.urls.values():
            code = next(c for c, u in self.urls.items() if u == long_url)
        else:
            code = f"x{len(self.urls) + 1:03d}"
            self.urls[code] = long_url
        return Response(json.dumps({
            "shortCode": code, "shortUrl": f"https://s.example.cn/{code}", "longUrl": long_url,
            "dateCreated": "2026-11-20T10:00:00+08:00",
            "visitsSummary": {"total": 0, "nonBots": 0, "bots": 0}, "tags": body.get("tags", []),
            "meta": {"validSince": None, "validUntil": None, "maxVisits": None}, "domain": None,
            "title": body.get("title"), "crawlable": False, "forwardQuery": True, "hasRedirectRules": False,
        }), status=200, content_type="application/json")


class Yourls:
    """yourls-api.php as YOURLS 1.10 answers it (sha256 timestamped signatures)."""

    def __init__(self):
        self.urls: dict[str, str] = {}
        self.forms: list[dict] = []

    def __call__(self, request):
        form = request.form.to_dict()
        self.forms.append(form)
        stamp, sig = form.get("timestamp", ""), form.get("signature", "")
        expected = hashlib.sha256((stamp + YOURLS_TOKEN).encode()).hexdigest()
        fresh = stamp.isdigit() and abs(int(stamp) - time.time()) < 12 * 3600
        if form.get("hash") != "sha256" or sig != expected or not fresh:
            return self._answer({"message": "Please log in", "errorCode": "403"}, 403, form)
        url = form.get("url", "")
        if not url:
            return self._answer({"status": "fail", "code": "error:nourl", "message": "Missing or malformed URL",
                                 "errorCode": "400", "statusCode": "400"}, 400, form)
        for kw, known in self.urls.items():
            if known == url:
                return self._answer({
                    "status": "fail", "code": "error:url", "url": {"keyword": kw, "url": url, "clicks": "0"},
                    "message": f"{url[:30]}... already exists in database", "title": form.get("title", ""),
                    "shorturl": f"https://y.example.cn/{kw}", "errorCode": "400", "statusCode": "400"}, 400, form)
        kw = f"k{len(self.urls) + 1}"
        self.urls[kw] = url
        return self._answer({
            "status": "success", "code": "", "url": {"keyword": kw, "url": url, "title": form.get("title", ""),
                                                     "date": "2026-11-20 02:00:00", "ip": "127.0.0.1"},
            "message": f"{url[:30]}... added to database", "title": form.get("title", ""),
            "shorturl": f"https://y.example.cn/{kw}", "errorCode": "", "statusCode": "200"}, 200, form)

    @staticmethod
    def _answer(data: dict, status: int, form: dict) -> Response:
        if form.get("format") != "json":  # the default format is xml
            return Response("<result><message>xml</message></result>", status=status, content_type="text/xml")
        return Response(json.dumps(data), status=status, content_type="application/json")


def _shlink_config(httpserver, **extra):
    set_config("shortener", {"service": "shlink", "url": httpserver.url_for("/").rstrip("/"),
                             "api_key": SHLINK_KEY, "timeout": 2, "allow_private": True, **extra})


def _yourls_config(httpserver, **extra):
    set_config("shortener", {"service": "yourls", "url": httpserver.url_for("/"), "token": YOURLS_TOKEN,
                             "timeout": 2, "allow_private": True, **extra})


def _rows(db):
    return [dict(r) for r in db.execute("SELECT id, link, short_link, post FROM shares ORDER BY id")]


def test_shlink_short_link(run, db, httpserver, shop):
    server = Shlink()
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(server)
    _shlink_config(httpserver)
    r = run("share", "NX-GQ-500", "--shorten", "--campaign", "双11")
    row = _rows(db)[0]
    assert row["short_link"] == "https://s.example.cn/x001"
    assert row["link"].startswith("https://item.taobao.com/item.htm?id=675012340001&wm=wm")  # long link kept
    assert "👉https://s.example.cn/x001\n" in row["post"] and row["link"] not in row["post"]
    assert r.stdout.startswith("link  https://s.example.cn/x001\n")
    assert server.requests == [{"longUrl": row["link"], "findIfExists": True, "tags": ["weimai"],
                                "title": "宁夏中宁特级枸杞 500g 头茬免洗"}]
    # the same long link again: Shlink finds the existing short URL
    from weimai_cli.sharing.shorten import from_config, shorten

    sh = from_config({"service": "shlink", "url": httpserver.url_for("/"), "api_key": SHLINK_KEY,
                      "allow_private": True})
    assert shorten(sh, row["link"]) == "https://s.example.cn/x001"


def test_short_link_gives_room_for_the_full_weibo_title(run, db, httpserver, shop):
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(Shlink())
    _shlink_config(httpserver)
    run("goods", "edit", "NX-GQ-500", "--title", "宁夏中宁特级枸杞 500g 头茬免洗 " * 3)
    s = json.loads(run("share", "NX-GQ-500", "--shorten", "--format", "json").stdout)
    assert s["short_link"] and s["shortened"] == [] and s["post_length"] <= 140


def test_requests_use_timeout_and_tls_verification(run, httpserver, shop, monkeypatch):
    import requests

    seen = []
    real = requests.Session.request

    def spy(self, method, url, **kw):
        seen.append({"trust_env": self.trust_env, **{k: kw[k] for k in ("timeout", "verify", "allow_redirects")}})
        return real(self, method, url, **kw)

    monkeypatch.setattr(requests.Session, "request", spy)
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(Shlink())
    _shlink_config(httpserver, timeout=3)
    run("share", "NX-GQ-500", "--shorten")
    assert seen == [{"trust_env": False, "timeout": (3.0, 3.0), "verify": True, "allow_redirects": False}]


def _assert_failed_but_recorded(r, db, reason: str):
    assert "error: shortening failed: " in r.stderr and reason in r.stderr
    assert "the share is recorded with its long link" in r.stderr
    assert "hint: check [shortener] in the config file, or share without --shorten" in r.stderr
    rows = _rows(db)
    assert len(rows) == 1 and rows[0]["short_link"] is None
    assert rows[0]["link"] in rows[0]["post"]
    assert r.stdout.startswith(f"link  {rows[0]['link']}\n")  # still printed


def test_shlink_bad_key_is_exit_4(run, db, httpserver, shop):
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(Shlink())
    _shlink_config(httpserver, api_key="wrong-key")
    r = run("share", "NX-GQ-500", "--shorten", code=4)
    _assert_failed_but_recorded(r, db, "HTTP 401: Provided API key does not exist or is invalid.")
    assert "wrong-key" not in r.stderr + r.stdout


@pytest.mark.parametrize(
    "path,body,status,content_type,reason",
    [
        ("/rest/v3/short-urls", '{"title":"Internal Server Error","status":500}', 500, "application/json",
         "HTTP 500: Internal Server Error"),
        ("/rest/v3/short-urls", "<html><body>502 Bad Gateway</body></html>", 200, "text/html",
         "HTTP 200, answer is not JSON"),
        ("/yourls-api.php", "oops", 500, "text/plain", "HTTP 500, answer is not JSON"),
        ("/rest/v3/short-urls", "[" + "0," * (1 << 20) + "0]", 200, "application/json",
         "answer larger than 1048576 bytes"),
        ("/rest/v3/short-urls", '{"shortUrl": "javascript:x"}', 200, "application/json",
         "answer has no short URL"),
    ],
    ids=["http-500", "not-json", "yourls-500-text", "too-large", "no-short-url"],
)
def test_shortener_bad_answers_are_exit_4(run, db, httpserver, shop, path, body, status, content_type, reason):
    httpserver.expect_request(path, method="POST").respond_with_data(body, status=status, content_type=content_type)
    if path == "/yourls-api.php":
        _yourls_config(httpserver)
    else:
        _shlink_config(httpserver)
    r = run("share", "NX-GQ-500", "--shorten", code=4)
    _assert_failed_but_recorded(r, db, reason)


def test_shortener_timeout_is_exit_4(run, db, httpserver, shop):
    def slow(request):
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(slow)
    _shlink_config(httpserver, timeout=0.2)
    r = run("share", "NX-GQ-500", "--shorten", code=4)
    _assert_failed_but_recorded(r, db, "no answer within 0.2 s")


def test_shortener_unreachable_is_exit_4(run, db, shop):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    set_config("shortener", {"service": "shlink", "url": f"http://127.0.0.1:{port}", "api_key": SHLINK_KEY,
                             "allow_private": True})
    r = run("share", "NX-GQ-500", "--shorten", code=4)
    _assert_failed_but_recorded(r, db, f"http://127.0.0.1:{port}/rest/v3/short-urls: connection refused")


def test_yourls_signed_request_and_repeat(run, db, httpserver, shop):
    server = Yourls()
    httpserver.expect_request("/yourls-api.php", method="POST").respond_with_handler(server)
    _yourls_config(httpserver)
    run("share", "WC-DM-5KG", "--shorten", "--channel", "link")
    form = server.forms[0]
    assert {k: form[k] for k in ("action", "format", "hash", "title")} == {
        "action": "shorturl", "format": "json", "hash": "sha256", "title": "五常稻花香大米 5kg 当季新米"}
    assert YOURLS_TOKEN not in json.dumps(server.forms)  # only the signature travels
    assert _rows(db)[0]["short_link"] == "https://y.example.cn/k1"
    assert _rows(db)[0]["post"] == "https://y.example.cn/k1"
    # a repeat of a known long URL (error:url) reuses its short link
    from weimai_cli.sharing.shorten import from_config, shorten

    sh = from_config({"service": "yourls", "url": httpserver.url_for("/"), "token": YOURLS_TOKEN,
                      "allow_private": True})
    assert shorten(sh, _rows(db)[0]["link"]) == "https://y.example.cn/k1"


def test_yourls_bad_signature_is_exit_4(run, db, httpserver, shop):
    httpserver.expect_request("/yourls-api.php", method="POST").respond_with_handler(Yourls())
    _yourls_config(httpserver, token="not-the-token")
    r = run("share", "NX-GQ-500", "--shorten", code=4)
    _assert_failed_but_recorded(r, db, "HTTP 403: Please log in")
    assert "not-the-token" not in r.stderr + r.stdout


@pytest.mark.parametrize(
    "section,message",
    [
        ({}, "error: --shorten needs a shortener in the config file"),
        ({"service": "bitly", "url": "https://x.example"}, "error: [shortener] service 'bitly' is not supported"),
        ({"service": "shlink", "url": "s.example.cn", "api_key": "k"},
         "error: [shortener] url 's.example.cn' must start with https://"),
        ({"service": "shlink", "url": "http://s.example.cn", "api_key": "k"},
         "error: [shortener] url 'http://s.example.cn' must start with https://"),
        ({"service": "shlink", "url": "https://s.example.cn"}, "error: [shortener] needs api_key for shlink"),
        ({"service": "yourls", "url": "https://y.example.cn", "token": "t", "timeout": "soon"}, "timeout must be a number"),
        ({"service": "yourls", "url": "https://y.example.cn", "token": "t", "timeout": 0}, "more than 0 seconds"),
    ],
)
def test_shortener_config_problems_are_exit_1(run, db, shop, section, message):
    set_config("shortener", section)
    r = run("share", "NX-GQ-500", "--shorten", code=1)
    assert message in r.stderr
    assert share_count(db) == 0


def test_shortener_ignores_proxy_variables_and_netrc(run, db, httpserver, shop, monkeypatch, tmp_path):
    """A proxy from HTTP(S)_PROXY would receive the X-Api-Key; .netrc would add credentials."""
    from tests.netutil import http_server

    server = Shlink()
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(server)
    _shlink_config(httpserver)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with http_server() as proxy:
        proxy.expect_request("").respond_with_data("proxied", status=502)
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(var, proxy.url_for("/"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        run("share", "NX-GQ-500", "--shorten")
        assert proxy.log == []
    assert _rows(db)[0]["short_link"] == "https://s.example.cn/x001"
    (request, _), = httpserver.log
    assert request.headers.get("Authorization") is None and request.headers["X-Api-Key"] == SHLINK_KEY


def test_private_shortener_address_is_refused_without_allow_private(run, db, httpserver, shop):
    """https to 127.0.0.1 without allow_private: nothing is sent, the share keeps its long link (exit 4)."""
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(Shlink())
    url = httpserver.url_for("/").rstrip("/").replace("http:", "https:")
    set_config("shortener", {"service": "shlink", "url": url, "api_key": SHLINK_KEY, "timeout": 2})
    r = run("share", "NX-GQ-500", "--shorten", code=4)
    _assert_failed_but_recorded(
        r, db, f"shortener {url}/rest/v3/short-urls refused: 127.0.0.1 is a loopback address")
    assert httpserver.log == []


# --- retrying a failed shortening: weimai shares render CODE --shorten -----------------------


def test_failed_shortening_is_retried_with_shares_render(run, db, httpserver, shop):
    server = Shlink()
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(server)
    _shlink_config(httpserver, api_key="wrong-key")
    run("share", "NX-GQ-500", "--shorten", code=4)
    (before,) = _rows(db)
    code = db.execute("SELECT code FROM shares").fetchone()[0]
    # still failing: exit 4, the share untouched
    r = run("shares", "render", code, "--shorten", code=4)
    assert r.stderr == (
        f"error: shortening failed: {httpserver.url_for('/rest/v3/short-urls')}: HTTP 401: Provided API key "
        "does not exist or is invalid.; the share is recorded with its long link\n"
        "hint: check [shortener] in the config file, then run it again\n"
    )
    assert _rows(db) == [before]
    _shlink_config(httpserver)
    r = run("shares", "render", code, "--shorten")
    assert r.stdout == f"link  https://s.example.cn/x001\ncode  {code}\n"
    assert r.stderr == f"short link of {code}: https://s.example.cn/x001\n"
    (after,) = _rows(db)
    # the short link is stored and takes the long link's place in the recorded post, nothing else changes
    assert after == {**before, "short_link": "https://s.example.cn/x001",
                     "post": before["post"].replace(before["link"], "https://s.example.cn/x001")}
    assert "👉https://s.example.cn/x001\n" in after["post"]
    assert server.requests[-1]["longUrl"] == before["link"]
    # again: the short link is kept, nothing is asked
    sent = len(httpserver.log)
    r = run("shares", "render", code, "--shorten")
    assert r.stderr == f"warning: {code} has a short link already, kept: https://s.example.cn/x001\n"
    assert len(httpserver.log) == sent and _rows(db) == [after]


def test_render_shorten_needs_a_configured_shortener(run, db, shop):
    run("share", "TW-FLS-10")
    code = db.execute("SELECT code FROM shares").fetchone()[0]
    r = run("shares", "render", code, "--shorten", code=1)
    assert r.stderr.startswith("error: --shorten needs a shortener in the config file\n")
    assert _rows(db)[0]["short_link"] is None


def test_render_with_a_new_short_link_writes_files_with_it(run, db, httpserver, shop, tmp_path):
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(Shlink())
    _shlink_config(httpserver)
    run("share", "TW-FLS-10", "--channel", "link")
    code = db.execute("SELECT code FROM shares").fetchone()[0]
    card = tmp_path / "card.svg"
    r = run("shares", "render", code, "--shorten", "--card", str(card))
    assert r.stderr == f"short link of {code}: https://s.example.cn/x001\nwrote card: {card}\n"
    assert _rows(db)[0]["post"] == "https://s.example.cn/x001"
    from weimai_cli.sharing.cards import CardInfo, card_svg

    assert card.read_text(encoding="utf-8") == card_svg(
        CardInfo("台湾凤梨酥 礼盒 10入", "¥58.00", "", code, "https://s.example.cn/x001"))


def test_dry_run_makes_no_short_link(run, db, httpserver, shop):
    httpserver.expect_request("/rest/v3/short-urls", method="POST").respond_with_handler(Shlink())
    _shlink_config(httpserver)
    r = run("share", "NX-GQ-500", "--shorten", "--dry-run")
    assert "dry run: no short link made (the shortener would record one)\n" in r.stderr
    assert httpserver.log == [] and share_count(db) == 0
    set_config("shortener", {"service": "bitly", "url": "https://x.example"})  # still checked
    assert "is not supported" in run("share", "NX-GQ-500", "--shorten", "--dry-run", code=1).stderr
