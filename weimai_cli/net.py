"""Outbound HTTP for delivery and feeds: one policy, one session, one redactor.

* **URL policy** (:func:`check_url`): ``https`` only, and the host must not
  resolve to a loopback, private, link-local, reserved, multicast or
  unspecified address (127.0.0.1, 10.x, 169.254.169.254, ``[::1]`` …).
  ``allow_private`` lifts both rules, for testing against local servers.
  The check runs before anything is sent, and again on the socket that is
  actually connected (:class:`_GuardedAdapter`), so a name that changes its
  answer between the check and the connection (DNS rebinding) is still
  refused.
* **Session** (:func:`session`): TLS verification on (``WEIMAI_CA_BUNDLE``
  may name an extra CA file), no proxies from the environment (a proxy would
  make the address check meaningless), connect and read timeouts from
  :func:`timeouts` (``WEIMAI_HTTP_TIMEOUT``: ``"5,20"`` or one number).
* **Redaction** (:class:`Redactor`): the secret parts of a URL — every query
  value and every ``;name=value`` path parameter except those of the harmless
  names in :data:`HARMLESS_PARAMS`, tokens in paths, user info — and any extra
  secrets are replaced by ``***`` in every message weimai shows or stores.
* **Failures** (:func:`classify`): a requests exception becomes a one-line
  reason without the URL, and says whether the request certainly did not
  reach the server (safe to retry) or may have (never retried).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _

# query and path-parameter names whose values are shown; every other value is
# redacted, whatever its name (``sendkey=``, ``t=``, ``;jsessionid=`` …): a
# secret under an unknown name must not leak, a harmless value hidden costs nothing
HARMLESS_PARAMS = {
    "format", "type", "lang", "locale", "v", "version", "page", "page_size", "per_page", "pagesize",
    "limit", "offset", "sort", "order", "category", "charset", "encoding", "output",
}
_TOKENISH = re.compile(r"[A-Za-z0-9_\-.~]{20,}")
# path segments after these are secrets (Slack /services/T/B/X, Feishu /hook/<token>)
_SECRET_PATH_AFTER = {"services", "hook", "hooks", "webhooks"}
RESPONSE_CAP = 64 * 1024
MAYBE_ARRIVED = N_(" (the message may have arrived)")
# what check_url callers name (``what=``), in the catalog so check_url can translate them
_WHATS = (N_("URL"), N_("SMTP URL"), N_("shortener"), N_("feed URL"))


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise BadInput(
            _("{name}={raw!r} is not a number").format(name=name, raw=raw),
            _("unset {name} or give seconds").format(name=name),
        ) from None


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds: ``WEIMAI_HTTP_TIMEOUT`` = "connect,read" or one number."""
    raw = os.environ.get("WEIMAI_HTTP_TIMEOUT")
    if not raw:
        return (5.0, 20.0)
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadInput(
            _("WEIMAI_HTTP_TIMEOUT={raw!r} is not seconds").format(raw=raw), _("write e.g. 5,20 (connect, read)")
        ) from None
    return (values[0], values[-1])


def backoff_base() -> float:
    """Seconds before the first retry (doubled each time): ``WEIMAI_HTTP_BACKOFF``, default 1."""
    return _env_float("WEIMAI_HTTP_BACKOFF", 1.0)


def verify_setting() -> str | bool:
    return os.environ.get("WEIMAI_CA_BUNDLE") or True


# ---------------------------------------------------------------- redaction


@dataclass
class Redactor:
    """Replaces known secrets by ``***`` in any text."""

    secrets: list[str] = field(default_factory=list)

    def add(self, *values: str | None) -> Redactor:
        for v in values:
            if v and len(v) >= 3 and v not in self.secrets:
                self.secrets.append(v)
                for form in (quote_plus(v, safe=""), quote(v, safe="")):
                    if form != v and form not in self.secrets:
                        self.secrets.append(form)
        # longest first, so a secret that contains another is replaced whole
        self.secrets.sort(key=len, reverse=True)
        return self

    def __call__(self, text: object) -> str:
        s = str(text)
        for secret in self.secrets:
            s = s.replace(secret, "***")
        return s


def redact_url(url: str) -> tuple[str, list[str]]:
    """(URL safe to show, the secret pieces it had)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***", [url]
    found: list[str] = []
    try:
        port = str(parts.port or "")
    except ValueError:  # a port out of range or not a number: shown as written, for the error
        port = parts.netloc.rpartition("@")[2].rpartition(":")[2]
    netloc = parts.hostname or ""
    if port:
        netloc += f":{port}"
    if ":" in (parts.hostname or ""):
        netloc = f"[{parts.hostname}]" + (f":{port}" if port else "")
    if parts.username or parts.password:
        found += [p for p in (parts.username, parts.password) if p]
        netloc = "***@" + netloc

    def value(name: str, v: str) -> str:
        if not v or (name.lower() in HARMLESS_PARAMS and not _TOKENISH.fullmatch(v)):
            return v
        found.append(v)
        return "***"

    segments = parts.path.split("/")
    after_secret = False
    for i, seg in enumerate(segments):
        if not seg:
            continue
        seg, *params = seg.split(";")  # /path;name=value;other=value (RFC 3986 path parameters)
        if after_secret or _TOKENISH.fullmatch(seg):
            found.append(seg)
            segments[i] = "***"
        else:
            segments[i] = seg
        for param in params:
            name, eq, v = param.partition("=")
            segments[i] += f";{name}={value(name, v)}" if eq else f";{value('', name)}"
        if seg.lower() in _SECRET_PATH_AFTER:
            after_secret = True
    query = [f"{k}={value(k, v)}" for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    shown = f"{parts.scheme}://{netloc}{'/'.join(segments)}"
    if query:
        shown += "?" + "&".join(query)
    return shown, found


def redactor_for(url: str, *extra: str | None) -> tuple[str, Redactor]:
    shown, found = redact_url(url)
    return shown, Redactor().add(*found, *extra)


# ---------------------------------------------------------------- URL policy


def blocked_reason(ip: str) -> str | None:
    """What kind of non-public address ``ip`` is ("a loopback address"), or None if public."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    for attr, word in (
        ("is_unspecified", N_("an unspecified address")),
        ("is_loopback", N_("a loopback address")),
        ("is_link_local", N_("a link-local address")),
        ("is_private", N_("a private address")),
        ("is_multicast", N_("a multicast address")),
        ("is_reserved", N_("a reserved address")),
    ):
        if getattr(addr, attr):
            return _(word)
    if not addr.is_global:
        return _("a non-public address")
    return None


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BadInput(
            _("cannot resolve host {host!r} ({error})").format(host=host, error=exc.strerror),
            _("check the URL and your DNS"),
        ) from None
    return sorted({info[4][0] for info in infos})


def check_url(url: str, *, allow_private: bool = False, what: str = "URL",
              schemes: tuple[str, ...] = ("https",)) -> None:
    """Refuse a URL that is not https or whose host resolves to a non-public address."""
    shown, _found = redact_url(url)
    what = _(what)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadInput(
            _("{what} {url} is not a valid URL ({error})").format(what=what, url=shown, error=exc), _("check the URL")
        ) from None
    allowed = schemes if not allow_private else (*schemes, "http")
    if parts.scheme not in allowed or not parts.hostname:
        raise BadInput(
            _("{what} {url} must start with {scheme}://").format(what=what, url=shown, scheme=schemes[0]),
            _("use the https address the service gave you (--allow-private also allows http, "
              "for testing against a local server)"),
        )
    if allow_private:
        return
    default_port = {"https": 443, "http": 80, "smtp": 587, "smtps": 465}.get(parts.scheme, 443)
    for ip in resolve(parts.hostname, port or default_port):
        reason = blocked_reason(ip)
        if reason:
            raise BadInput(
                _("{what} {url} refused: {host} is {reason}").format(
                    what=what, url=shown, host=parts.hostname, reason=reason) if parts.hostname == ip
                else _("{what} {url} refused: {host} resolves to {reason} ({ip})").format(
                    what=what, url=shown, host=parts.hostname, reason=reason, ip=ip),
                _("weimai only sends to public addresses; --allow-private is for testing "
                  "against a local server"),
            )


class BlockedAddress(OSError):
    """The connected socket's peer is not a public address."""


def check_peer(sock: socket.socket) -> None:
    ip = sock.getpeername()[0]
    reason = blocked_reason(ip)
    if reason:
        sock.close()
        raise BlockedAddress(_("refused: connected to {ip}, {reason}").format(ip=ip, reason=reason))


def _guarded_pools():
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self):
            sock = super()._new_conn()
            check_peer(sock)
            return sock

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self):
            sock = super()._new_conn()
            check_peer(sock)
            return sock

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


def session(*, allow_private: bool = False):
    """A requests session: no env proxies, TLS verification on, address guard unless allowed."""
    import requests
    from requests.adapters import HTTPAdapter

    s = requests.Session()
    s.trust_env = False
    s.verify = verify_setting()
    s.headers["User-Agent"] = "weimai"
    if not allow_private:
        adapter = HTTPAdapter(max_retries=0)
        adapter.poolmanager.pool_classes_by_scheme = _guarded_pools()
        s.mount("https://", adapter)
        s.mount("http://", adapter)
    return s


class TooManyRedirects(Exception):
    """A GET that kept redirecting past its limit."""


def get_checked(sess, url: str, *, allow_private: bool, what: str, timeout: tuple[float, float],
                max_redirects: int, headers: dict | None = None):
    """A streamed GET that follows redirects itself, checking every hop's URL
    (:func:`check_url`, which raises BadInput); raises TooManyRedirects past the limit."""
    from urllib.parse import urljoin

    for _hop in range(max_redirects + 1):
        check_url(url, allow_private=allow_private, what=what)
        resp = sess.get(url, headers=headers, timeout=timeout, stream=True, allow_redirects=False)
        if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
            resp.close()
            url = urljoin(url, resp.headers["Location"])
            continue
        return resp
    raise TooManyRedirects(_("more than {n} redirects").format(n=max_redirects))


def read_capped(resp, cap: int = RESPONSE_CAP) -> bytes:
    """At most ``cap`` bytes of a streamed response body."""
    out = bytearray()
    for chunk in resp.iter_content(chunk_size=8192):
        out += chunk
        if len(out) >= cap:
            break
    resp.close()
    return bytes(out[:cap])


# ---------------------------------------------------------------- failures


@dataclass
class NetFailure:
    reason: str
    safe_to_retry: bool  # certainly not received by the server
    maybe_received: bool  # the server may have got the request


def _chain(exc: BaseException):
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([e.__cause__, e.__context__, getattr(e, "reason", None)])
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))


def without_maybe_arrived(reason: str) -> str:
    """A reason without its " (the message may have arrived)", in English or
    in the interface language (classify appends the translated one)."""
    return reason.replace(_(MAYBE_ARRIVED), "").replace(MAYBE_ARRIVED, "")


def classify(exc: BaseException, timeout: tuple[float, float]) -> NetFailure:
    """A requests exception as a reason without the URL (callers still redact)."""
    import requests

    chain = list(_chain(exc))
    for e in chain:
        if isinstance(e, BlockedAddress):
            return NetFailure(_("{error} (the address check runs on every connection)").format(error=e), False, False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return NetFailure(_("no connection within {seconds:g} s").format(seconds=timeout[0]), True, False)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return NetFailure(
            _("no answer within {seconds:g} s").format(seconds=timeout[1]) + _(MAYBE_ARRIVED), False, True
        )
    names = {e.__class__.__name__ for e in chain}
    if "ReadTimeoutError" in names:
        return NetFailure(
            _("no data within {seconds:g} s").format(seconds=timeout[1]) + _(MAYBE_ARRIVED), False, True
        )
    if isinstance(exc, requests.exceptions.SSLError):
        detail = next(
            (getattr(e, "verify_message", None) or getattr(e, "reason", None)
             for e in chain if e.__class__.__name__ == "SSLCertVerificationError"),
            None,
        )
        text = (_("TLS certificate verification failed ({detail})").format(detail=detail) if detail
                else _("TLS handshake failed"))
        return NetFailure(text, False, False)
    if "NameResolutionError" in names or any(isinstance(e, socket.gaierror) for e in chain):
        return NetFailure(_("cannot resolve the host name"), True, False)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return NetFailure(_("connection refused"), True, False)
    if "NewConnectionError" in names:
        return NetFailure(_("cannot connect"), True, False)
    if any(isinstance(e, ConnectionResetError) for e in chain) or "RemoteDisconnected" in names:
        return NetFailure(_("the server closed or reset the connection") + _(MAYBE_ARRIVED), False, True)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return NetFailure(_("the answer broke off midway"), False, True)
    if isinstance(exc, requests.exceptions.RequestException):
        return NetFailure(_("network error ({name})").format(name=exc.__class__.__name__), False, True)
    return NetFailure(f"{exc.__class__.__name__}", False, True)
