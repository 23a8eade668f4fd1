"""Short links through a self-hosted shortener: Shlink or YOURLS.

Configured in the config file (mode 0600, it holds the API key)::

    [shortener]
    service = "shlink"                 # or "yourls"
    url = "https://s.example.com"      # the shortener's base URL
    api_key = "…"                      # Shlink: sent as the X-Api-Key header
    # token = "…"                      # YOURLS: the signature token
    timeout = 5                        # seconds, connect and read
    # domain = "s.example.com"         # Shlink: which of its domains to use
    # ca_bundle = "/path/to/ca.pem"    # a private CA; verification stays on
    # allow_private = true             # a shortener on 127.0.0.1 / the LAN (also allows http://)

* Shlink: ``POST {url}/rest/v3/short-urls`` with ``{"longUrl", "title",
  "findIfExists": true}``; the answer's ``shortUrl`` is the short link.
* YOURLS: ``POST {url}/yourls-api.php`` with ``action=shorturl``,
  ``format=json`` and a time-limited signature
  (``timestamp`` + ``signature = sha256(timestamp + token)``, ``hash=sha256``),
  so the token itself never travels. A repeat of a known long URL
  (``error:url``) returns the existing short link, which is used.

One request, no retries (creating a short URL is not idempotent everywhere),
a timeout, TLS verification always on, and the answer capped at 1 MiB. The
request goes through :mod:`weimai_cli.net` like deliveries and feeds: https
only, public addresses only (checked again on the connected socket), and no
proxy or ``.netrc`` from the environment — a proxy would see the API key.
``allow_private = true`` lifts the address rule and allows ``http://``, for a
shortener on the local network or a test server. Failures raise
:class:`ShortenError` with a message that never holds the key or token.

:func:`call`, :func:`shlink_headers` and :func:`yourls_auth` are shared with
:mod:`weimai_cli.sharing.clicks`, which reads the links' visit counts.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

from weimai_cli.errors import BadInput
from weimai_cli.i18n import tr

SERVICES = ("shlink", "yourls")
MAX_ANSWER = 1 << 20
DEFAULT_TIMEOUT = 5.0
CONFIG_EXAMPLE = '[shortener] service = "shlink", url = "https://s.example.com", api_key = "…"'


class ShortenError(Exception):
    """The shortener failed or answered something unusable (message is safe to show).

    ``endpoint`` is the URL asked (None when nothing was sent), ``reason`` the
    failure without it, ``status`` the HTTP status when one came back."""

    def __init__(self, reason: str, endpoint: str | None = None, status: int | None = None):
        super().__init__(f"{endpoint}: {reason}" if endpoint else reason)
        self.reason, self.endpoint, self.status = reason, endpoint, status


@dataclass(frozen=True)
class Shortener:
    service: str
    url: str
    secret: str = ""
    timeout: float = DEFAULT_TIMEOUT
    domain: str = ""
    ca_bundle: str = ""
    allow_private: bool = False

    def __repr__(self) -> str:  # keep the key out of tracebacks and logs
        return f"Shortener(service={self.service!r}, url={self.url!r})"


def from_config(section: Mapping | None, command: str = "--shorten") -> Shortener:
    """The configured shortener, or exit 1 saying what to put in the config
    (``command`` names what needs it: ``--shorten``, ``clicks sync``)."""
    section = section or {}
    service = str(section.get("service", "")).strip().lower()
    url = str(section.get("url", "")).strip().rstrip("/")
    if not service or not url:
        raise BadInput(
            tr("{command} needs a shortener in the config file").format(command=command),
            tr("add to config.toml: {example}").format(example=CONFIG_EXAMPLE),
        )
    if service not in SERVICES:
        raise BadInput(
            tr("[shortener] service {service!r} is not supported").format(service=service), tr("use shlink or yourls")
        )
    allow_private = section.get("allow_private", False) is True
    if not url.startswith("https://") and not (allow_private and url.startswith("http://")):
        raise BadInput(
            tr("[shortener] url {url!r} must start with https://").format(url=url),
            tr("e.g. https://s.example.com (allow_private = true also allows http://, for a local server)"),
        )
    key = "api_key" if service == "shlink" else "token"
    secret = str(section.get(key, "")).strip()
    if not secret:
        raise BadInput(tr("[shortener] needs {key} for {service}").format(key=key, service=service),
                       tr("add {key} = \"…\" under [shortener]").format(key=key))
    try:
        timeout = float(section.get("timeout", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        raise BadInput(tr("[shortener] timeout must be a number of seconds")) from None
    if timeout <= 0:
        raise BadInput(tr("[shortener] timeout must be more than 0 seconds"))
    return Shortener(
        service, url, secret, timeout,
        str(section.get("domain", "")).strip(), str(section.get("ca_bundle", "")).strip(), allow_private,
    )


def service_name(sh: Shortener) -> str:
    """The shortener's product name, as messages name it: Shlink, YOURLS."""
    return {"shlink": "Shlink", "yourls": "YOURLS"}[sh.service]


def shlink_headers(sh: Shortener) -> dict[str, str]:
    return {"X-Api-Key": sh.secret, "Accept": "application/json"}


def yourls_auth(sh: Shortener) -> dict[str, str]:
    """The form fields of a time-limited YOURLS signature (the token itself never travels)."""
    stamp = str(int(time.time()))
    return {"timestamp": stamp, "signature": hashlib.sha256((stamp + sh.secret).encode()).hexdigest(),
            "hash": "sha256"}


def _read_capped(resp, endpoint: str) -> bytes:
    chunks, size = [], 0
    for chunk in resp.iter_content(65536):
        size += len(chunk)
        if size > MAX_ANSWER:
            raise ShortenError(tr("answer larger than {n} bytes").format(n=MAX_ANSWER), endpoint)
        chunks.append(chunk)
    return b"".join(chunks)


def call(sh: Shortener, method: str, endpoint: str, **kw) -> tuple[int, object]:
    """One request to the shortener through :mod:`weimai_cli.net` (its address
    policy, no proxies, TLS verification, the configured timeout, the answer
    capped at :data:`MAX_ANSWER`, no redirects, no retries): (HTTP status,
    the answer's JSON). Raises :class:`ShortenError` when nothing usable came
    back (refused address, network failure, an answer that is not JSON)."""
    import requests

    from weimai_cli import net

    refused = None
    try:
        net.check_url(endpoint, allow_private=sh.allow_private, what="shortener")
    except BadInput as exc:
        refused = exc.message
    if refused:  # raised outside the except block: no exception context to leak
        raise ShortenError(refused)
    timeout = (sh.timeout, sh.timeout)
    try:
        with net.session(allow_private=sh.allow_private) as sess, sess.request(
            method, endpoint, timeout=timeout, verify=sh.ca_bundle or sess.verify, stream=True,
            allow_redirects=False, **kw
        ) as resp:
            body = _read_capped(resp, endpoint)
            status = resp.status_code
    except requests.RequestException as exc:
        reason = net.classify(exc, timeout).reason.replace(net.MAYBE_ARRIVED, "")
        raise ShortenError(reason, endpoint) from None
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ShortenError(tr("HTTP {status}, answer is not JSON").format(status=status), endpoint, status) from None
    return status, data


def _checked(endpoint: str, short: object) -> str:
    if not isinstance(short, str) or not short.startswith(("http://", "https://")):
        raise ShortenError(tr("answer has no short URL"), endpoint)
    return short


def shorten(sh: Shortener, long_url: str, title: str = "") -> str:
    """The short link for ``long_url``; raises ShortenError on any failure."""
    if sh.service == "shlink":
        endpoint = f"{sh.url}/rest/v3/short-urls"
        body = {"longUrl": long_url, "findIfExists": True, "tags": ["weimai"]}
        if title:
            body["title"] = title
        if sh.domain:
            body["domain"] = sh.domain
        status, data = call(sh, "POST", endpoint, json=body, headers=shlink_headers(sh))
        if status == 200 and isinstance(data, dict):
            return _checked(endpoint, data.get("shortUrl"))
        detail = data.get("detail") or data.get("title") if isinstance(data, dict) else None
        raise ShortenError(f"HTTP {status}" + (f": {detail}" if detail else ""), endpoint, status)
    endpoint = f"{sh.url}/yourls-api.php"
    form = {"action": "shorturl", "url": long_url, "format": "json", **yourls_auth(sh)}
    if title:
        form["title"] = title
    status, data = call(sh, "POST", endpoint, data=form)
    if isinstance(data, dict) and data.get("shorturl") and (
        data.get("status") == "success" or data.get("code") == "error:url"
    ):
        return _checked(endpoint, data["shorturl"])
    message = data.get("message") if isinstance(data, dict) else None
    raise ShortenError(f"HTTP {status}" + (f": {message}" if message else ""), endpoint, status)
