"""Real local servers for delivery and feed tests: robot emulators that answer as
SERVICES.md says the services do, a connection-resetting server, a small SMTP
server with STARTTLS, and a self-signed certificate."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
import socket
import ssl
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, unquote_plus

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

WECOM_KEY = "wecomKEY0123456789abcdef"
DING_TOKEN = "dingTOKEN0123456789abcdef"
DING_SECRET = "SECdingSIGNsecret0123456789"
FEISHU_TOKEN = "feishu-token-0000-1111-2222-3333"
FEISHU_SECRET = "feishuSIGNsecret0123"
SLACK_PATH = "/services/T000TEST/B000TEST/slackSECRETpath0123456789"
SMTP_PASSWORD = "smtpPASSWORDsecret42"
ALL_SECRETS = (WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_TOKEN, FEISHU_SECRET,
               "slackSECRETpath0123456789", SMTP_PASSWORD)


@contextmanager
def http_server(ssl_context=None):
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=ssl_context, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture(scope="session")
def shared_server():
    """One threaded server for the session: stopping one costs half a second."""
    with http_server() as s:
        yield s


@pytest.fixture
def server(shared_server):
    """The shared server with no handlers; cleared after the test."""
    shared_server.clear()
    yield shared_server
    shared_server.clear()


def _json(obj, status=200) -> Response:
    return Response(json.dumps(obj, ensure_ascii=False), status=status, content_type="application/json")


class Robot:
    """A WeCom / DingTalk / Feishu / Slack / generic webhook receiver on 127.0.0.1."""

    def __init__(self, kind: str, *, keyword: str | None = None, signed: bool = False):
        self.kind = kind
        self.keyword = keyword
        self.signed = signed
        self.accepted: list[dict] = []
        self.requests = 0
        self.headers: list[dict] = []
        self.fail_next: list = []  # Responses (or callables) to answer before behaving normally
        self.lock = threading.Lock()
        self.recent: list[float] = []

    def path(self) -> str:
        return {
            "wecom": "/cgi-bin/webhook/send",
            "dingtalk": "/robot/send",
            "feishu": f"/open-apis/bot/v2/hook/{FEISHU_TOKEN}",
            "slack": SLACK_PATH,
            "webhook": "/hook",
        }[self.kind]

    def url(self, server: HTTPServer) -> str:
        base = f"http://127.0.0.1:{server.port}{self.path()}"
        if self.kind == "wecom":
            return base + f"?key={WECOM_KEY}"
        if self.kind == "dingtalk":
            return base + f"?access_token={DING_TOKEN}"
        return base

    def install(self, server: HTTPServer) -> Robot:
        server.expect_request(self.path().split("?")[0]).respond_with_handler(self.handle)
        return self

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests += 1
            self.headers.append(dict(request.headers))
            answer = self.fail_next.pop(0) if self.fail_next else None
        if isinstance(answer, Response):
            return answer
        if answer is not None:
            return answer()
        with self.lock:
            return getattr(self, "_" + self.kind)(request)

    # -- per service, as SERVICES.md describes them
    def _wecom(self, request):
        if request.args.get("key") != WECOM_KEY:
            return _json({"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"})
        now = time.monotonic()
        self.recent = [t for t in self.recent if now - t < 60]
        if len(self.recent) >= 20:
            return _json({"errcode": 45009, "errmsg": "api freq out of limit"})
        body = json.loads(request.get_data())
        if body.get("msgtype") != "markdown":
            return _json({"errcode": 40008, "errmsg": "invalid message type"})
        if len(body["markdown"]["content"].encode()) > 4096:
            return _json({"errcode": 40058, "errmsg": "markdown.content exceed max length 4096. invalid Request Parameter"})
        self.recent.append(now)
        self.accepted.append(body)
        return _json({"errcode": 0, "errmsg": "ok"})

    def _dingtalk(self, request):
        if request.args.get("access_token") != DING_TOKEN:
            return _json({"errcode": 300001, "errmsg": "token is not exist"})
        raw = request.get_data()
        if len(raw) > 20000:
            return _json({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        if self.signed:
            # parse the raw query: the sign is quote_plus-encoded
            query = parse_qs(request.query_string.decode(), keep_blank_values=True)
            ts = query.get("timestamp", [""])[0]
            sign = query.get("sign", [""])[0]
            if not ts or abs(int(time.time() * 1000) - int(ts)) > 3_600_000:
                return _json({"errcode": 310000, "errmsg": "invalid timestamp"})
            digest = hmac.new(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
            if unquote_plus(quote_plus(base64.b64encode(digest))) != sign:
                return _json({"errcode": 310000, "errmsg": "sign not match"})
        body = json.loads(raw)
        md = body.get("markdown") or {}
        if body.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
            return _json({"errcode": 400403, "errmsg": "missing title or text"})
        if self.keyword and self.keyword not in md["text"] and self.keyword not in md["title"]:
            return _json({"errcode": 310000, "errmsg": "keywords not in content"})
        self.accepted.append(body)
        return _json({"errcode": 0, "errmsg": "ok"})

    def _feishu(self, request):
        raw = request.get_data()
        try:
            body = json.loads(raw)
        except ValueError:
            return _json({"code": 9499, "msg": "Bad Request"})
        if self.signed:
            ts = body.get("timestamp", "0")
            digest = hmac.new(f"{ts}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
            if abs(time.time() - int(ts)) > 3600 or base64.b64encode(digest).decode() != body.get("sign"):
                return _json({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
        if len(raw) > 20000:
            return _json({"code": 9499, "msg": "Bad Request: body too large"})
        if body.get("msg_type") == "interactive":  # a card: a header title and a list of elements
            card = body.get("card")
            if (not isinstance(card, dict) or not isinstance(card.get("elements"), list)
                    or not (card.get("header") or {}).get("title", {}).get("content")):
                return _json({"code": 9499, "msg": "Bad Request"})
            if self.keyword and self.keyword not in json.dumps(card, ensure_ascii=False):
                return _json({"code": 19024, "msg": "Key Words Not Found"})
            self.accepted.append(body)
            return _json({"code": 0, "msg": "success", "data": {}})
        post = (body.get("content") or {}).get("post", {}).get("zh_cn")
        if body.get("msg_type") != "post" or not isinstance(post, dict) or not isinstance(post.get("content"), list):
            return _json({"code": 9499, "msg": "Bad Request"})
        text = "\n".join(el["text"] for para in post["content"] for el in para)
        if self.keyword and self.keyword not in text and self.keyword not in post.get("title", ""):
            return _json({"code": 19024, "msg": "Key Words Not Found"})
        self.accepted.append(body)
        return _json({"code": 0, "msg": "success", "data": {}})

    def _slack(self, request):
        try:
            body = json.loads(request.get_data())
        except ValueError:
            return Response("invalid_payload", status=400)
        if not body.get("text"):
            return Response("no_text", status=400)
        blocks = body.get("blocks", [])
        # block limits (SERVICES.md §4, 2nd): 50 blocks, section text 3000, 10 fields of 2000, header 150
        sections = [b for b in blocks if b.get("type") == "section"]
        if (len(blocks) > 50 or any(len((b.get("text") or {}).get("text", "")) > 3000 for b in sections)
                or any(len(b.get("fields", [])) > 10 or any(len(f["text"]) > 2000 for f in b.get("fields", []))
                       for b in sections)
                or any(len(b["text"]["text"]) > 150 for b in blocks if b.get("type") == "header")):
            return Response("invalid_blocks", status=400)
        self.accepted.append(body)
        return Response("ok", status=200, content_type="text/plain")

    def _webhook(self, request):
        self.accepted.append(json.loads(request.get_data()))
        return _json({"ok": True})


# ---------------------------------------------------------------- raw sockets


@contextmanager
def resetting_server():
    """Accepts, reads the request, then resets the connection (RST)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    hits = []
    stop = threading.Event()

    def loop():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                conn.recv(65536)
            except OSError:
                pass
            hits.append(1)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield sock.getsockname()[1], hits
    finally:
        stop.set()
        t.join()
        sock.close()


# ---------------------------------------------------------------- TLS


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1: (cert.pem, key.pem)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "weimai test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def server_ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


# ---------------------------------------------------------------- SMTP


class SMTPServer:
    """Just enough SMTP: EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT."""

    def __init__(self, ssl_context: ssl.SSLContext | None, *, user="bot@example.com",
                 password=SMTP_PASSWORD, starttls=True):
        self.ctx, self.user, self.password, self.starttls = ssl_context, user, password, starttls
        self.messages: list[dict] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sock.close()

    def _loop(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                self._session(conn)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    def _session(self, conn):
        conn.settimeout(2)
        f = conn.makefile("rb")

        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        say("220 test ESMTP")
        tls = authed = False
        msg: dict = {"rcpt": []}
        while True:
            line = f.readline().decode().rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                ext = ["250-test"]
                if self.starttls and not tls:
                    ext.append("250-STARTTLS")
                if tls:
                    ext.append("250-AUTH PLAIN LOGIN")
                ext.append("250 8BITMIME")
                say("\r\n".join(ext))
            elif verb == "STARTTLS":
                say("220 go ahead")
                conn = self.ctx.wrap_socket(conn, server_side=True)
                conn.settimeout(2)
                f = conn.makefile("rb")
                tls = True
            elif verb == "AUTH":
                parts = line.split()
                if parts[1].upper() == "PLAIN":
                    _, user, pw = base64.b64decode(parts[2]).decode().split("\0")
                else:
                    say("334 VXNlcm5hbWU6")
                    user = base64.b64decode(f.readline().strip()).decode()
                    say("334 UGFzc3dvcmQ6")
                    pw = base64.b64decode(f.readline().strip()).decode()
                if (user, pw) == (self.user, self.password):
                    authed = True
                    say("235 ok")
                else:
                    say("535 5.7.8 authentication failed")
            elif verb == "MAIL":
                if not authed:
                    say("530 authentication required")
                    continue
                msg["from"] = line
                say("250 ok")
            elif verb == "RCPT":
                msg["rcpt"].append(line)
                say("250 ok")
            elif verb == "DATA":
                say("354 go")
                data = b""
                while True:
                    chunk = f.readline()
                    if chunk in (b".\r\n", b""):
                        break
                    data += chunk
                msg["data"] = data.decode("utf-8", "replace")
                self.messages.append(msg)
                msg = {"rcpt": []}
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")


@pytest.fixture
def fast_network(monkeypatch):
    """Fractions of a second for timeouts and backoff, so fault tests stay fast."""
    monkeypatch.setenv("WEIMAI_HTTP_TIMEOUT", "0.5,0.3")
    monkeypatch.setenv("WEIMAI_HTTP_BACKOFF", "0.01")


# ---------------------------------------------------------------- shortener click statistics

SHLINK_KEY = "shlink-key-0123456789abcdef"
YOURLS_TOKEN = "yourls-token-fedcba9876543210"


def shlink_problem(status: int, kind: str, title: str, detail: str, **extra) -> Response:
    return Response(
        json.dumps({"type": f"https://shlink.io/api/error/{kind}", "title": title, "detail": detail,
                    "status": status, **extra}),
        status=status, content_type="application/problem+json",
    )


class ShlinkVisits:
    """``GET /rest/v3/short-urls/{code}/visits`` as Shlink v3 answers it (SERVICES.md §5, §9):
    ``startDate`` / ``endDate`` inclusive, newest first, paged with at most ``page_size``
    visits a page whatever ``itemsPerPage`` asks."""

    PATH = re.compile(r"^/rest/v3/short-urls/([^/]+)/visits$")

    def __init__(self, visits: dict[str, list[str]] | None = None, page_size: int = 500):
        self.visits = visits or {}  # short code -> visit times (ISO, any offset)
        self.page_size = page_size
        self.requests: list[dict] = []  # the query of every request, with the code

    def install(self, server: HTTPServer) -> ShlinkVisits:
        server.expect_request(self.PATH, method="GET").respond_with_handler(self)
        return self

    def __call__(self, request: Request) -> Response:
        code = self.PATH.match(request.path).group(1)
        self.requests.append({"code": code, **request.args.to_dict()})
        key = request.headers.get("X-Api-Key")
        if key is None:
            return shlink_problem(401, "missing-authentication", "Invalid authorization",
                                  "Expected one of the following authentication headers, but none were provided")
        if key != SHLINK_KEY:
            return shlink_problem(401, "invalid-api-key", "Invalid API key",
                                  "Provided API key does not exist or is invalid.")
        if code not in self.visits:
            return shlink_problem(404, "short-url-not-found", "Short URL not found",
                                  f'No URL found with short code "{code}"', shortCode=code)
        start, end = request.args.get("startDate"), request.args.get("endDate")
        when = datetime.datetime.fromisoformat
        rows = [d for d in self.visits[code]
                if (not start or when(d) >= when(start)) and (not end or when(d) <= when(end))]
        rows.sort(key=when, reverse=True)
        per_page = min(int(request.args.get("itemsPerPage", 10)), self.page_size)
        page = int(request.args.get("page", 1))
        pages = (len(rows) + per_page - 1) // per_page
        chunk = rows[(page - 1) * per_page: page * per_page]
        data = [{"referer": "", "date": d, "userAgent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0",
                 "visitLocation": None, "potentialBot": False, "visitedUrl": f"https://s.example/{code}",
                 "redirectUrl": "https://item.taobao.com/item.htm?id=1"} for d in chunk]
        return _json({"visits": {"data": data, "pagination": {
            "currentPage": page, "pagesCount": pages, "itemsPerPage": per_page,
            "itemsInCurrentPage": len(chunk), "totalItems": len(rows)}}})


class YourlsStats:
    """``yourls-api.php?action=url-stats`` as YOURLS 1.10 answers it (SERVICES.md §6, §9):
    sha256 timestamped signatures, HTTP status = the body's code, ``clicks`` a string."""

    def __init__(self, clicks: dict[str, int] | None = None):
        self.clicks = clicks or {}  # keyword -> total
        self.forms: list[dict] = []

    def install(self, server: HTTPServer) -> YourlsStats:
        server.expect_request("/yourls-api.php").respond_with_handler(self)
        return self

    def __call__(self, request: Request) -> Response:
        form = {**request.args.to_dict(), **request.form.to_dict()}
        self.forms.append(form)
        stamp, sig = form.get("timestamp", ""), form.get("signature", "")
        expected = hashlib.sha256((stamp + YOURLS_TOKEN).encode()).hexdigest()
        fresh = stamp.isdigit() and abs(int(stamp) - time.time()) < 12 * 3600
        if form.get("hash") != "sha256" or sig != expected or not fresh:
            return _json({"message": "Please log in", "errorCode": "403"}, 403)
        if form.get("action") != "url-stats":
            return _json({"errorCode": "400", "message": "Unknown or missing \"action\" parameter"}, 400)
        kw = form.get("shorturl", "").rsplit("/", 1)[-1]
        if kw not in self.clicks:
            return _json({"statusCode": "404", "message": "Error: short URL not found"}, 404)
        return _json({"statusCode": "200", "message": "success", "link": {
            "shorturl": f"https://y.example/{kw}", "url": "https://item.jd.com/1.html", "title": "t",
            "timestamp": "2026-11-01 10:00:00", "ip": "127.0.0.1", "clicks": str(self.clicks[kw])}})
