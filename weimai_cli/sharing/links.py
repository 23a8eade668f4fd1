"""Trackable links: the product URL plus the share's code, by link template.

A link template is chosen by the goods' ``platform``. Built-ins:

* ``default`` adds ``wm=<code>`` and ``utm_source=<channel>``,
  ``utm_medium=social``, ``utm_campaign=<campaign>``, ``utm_content=<code>``;
* ``jd`` carries the code as ``subUnionId`` (JD Union's sub-id);
* ``amazon`` carries the slot (your Associates tracking id) as ``tag`` and
  the code as ``ascsubtag``.

A template is either a table of query parameters whose values may use the
placeholders ``{code} {channel} {campaign} {slot} {sku}`` (a parameter whose
value comes out empty is left out), or a whole-URL string that also has
``{url}`` (the product URL, percent-encoded), for redirectors. User templates
live in the config file and win over built-ins of the same platform name::

    [share.links.taobao]
    wm = "{code}"
    pid = "{slot}"

    [share.links]
    shopify = "https://go.example.com/r?u={url}&c={code}"

The product URL's own query string is kept byte for byte (parameters that the
template sets are replaced, not repeated) and so is its ``#fragment``.
Values are percent-encoded as UTF-8 (Chinese campaign names included);
non-ASCII characters already in the product URL are encoded, existing
``%XX`` escapes are left alone, and an internationalised host name is
IDNA-encoded.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from weimai_cli.errors import BadInput
from weimai_cli.i18n import tr

LINK_FIELDS = ("code", "channel", "campaign", "slot", "sku")

DEFAULT_TEMPLATE: dict[str, str] = {
    "wm": "{code}",
    "utm_source": "{channel}",
    "utm_medium": "social",
    "utm_campaign": "{campaign}",
    "utm_content": "{code}",
}

BUILTIN_TEMPLATES: dict[str, dict[str, str] | str] = {
    "default": DEFAULT_TEMPLATE,
    "jd": {"subUnionId": "{code}"},
    "amazon": {"tag": "{slot}", "ascsubtag": "{code}"},
}

# characters left as they are when encoding a path / query / fragment that
# may already hold %XX escapes (RFC 3986 unreserved + sub-delims + : @ / ?)
_KEEP_PATH = "/%:@!$&'()*+,;=-._~"
_KEEP_QUERY = _KEEP_PATH + "?"
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/%:@!$&'()*+,;=._~?-]*")


def _quote(text: str, safe: str = "") -> str:
    """quote(), skipping the work when there is nothing to encode."""
    plain = _PLAIN_PATH if safe else _PLAIN
    return text if plain.fullmatch(text) else quote(text, safe=safe)


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a template text (``{{``/``}}`` are literal)."""
    try:
        return [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise BadInput(tr("template {text!r}: {error}").format(text=text, error=exc),
                       tr("write literal braces as {{ and }}")) from None


def check_template(name: str, template: Mapping[str, str] | str) -> None:
    """Refuse a link template with an unknown placeholder (exit 1)."""
    allowed = LINK_FIELDS if isinstance(template, Mapping) else ("url", *LINK_FIELDS)
    texts = list(template.values()) if isinstance(template, Mapping) else [template]
    for text in texts:
        if not isinstance(text, str):
            raise BadInput(
                tr("link template {name!r}: value {value!r} is not text").format(name=name, value=text),
                tr("write each parameter as name = \"{code}\" in [share.links.<platform>]"),
            )
        for f in placeholders(text):
            if f not in allowed:
                raise BadInput(
                    tr("link template {name!r}: unknown placeholder {{{field}}}").format(name=name, field=f),
                    tr("use one of: {names}").format(names=", ".join("{" + a + "}" for a in allowed)),
                )


def choose_template(
    platform: str | None, user: Mapping[str, Mapping[str, str] | str] | None = None
) -> tuple[str, Mapping[str, str] | str]:
    """(name, template) for a goods platform: user templates first, then built-ins."""
    key = (platform or "").strip().lower()
    user = user or {}
    for table in (user, BUILTIN_TEMPLATES):
        if key and key in table:
            return key, table[key]
    if "default" in user:
        return "default", user["default"]
    return "default", DEFAULT_TEMPLATE


@lru_cache(maxsize=4096)
def _split(url: str):
    return urlsplit(url)


def check_product_url(url: str | None, sku: str) -> str:
    """The goods URL, or a clear error asking to set it."""
    hint = tr("set the product's url: weimai goods edit {sku} --url https://…").format(sku=sku)
    if not url or not url.strip():
        raise BadInput(tr("goods {sku!r} has no product url").format(sku=sku), hint)
    url = url.strip()
    parts = _split(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadInput(tr("goods {sku!r} has url {url!r}, which is not an http(s) link").format(sku=sku, url=url), hint)
    return url


def _encode_host(netloc: str) -> str:
    if netloc.isascii():
        return netloc
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    host = host.encode("idna").decode("ascii")
    return f"{userinfo}{at}{host}{colon}{port}"


def build_link(
    url: str,
    template: Mapping[str, str] | str,
    values: Mapping[str, str | None],
) -> str:
    """The product URL with the template applied to ``values`` (code, channel, …)."""
    clean = {k: (values.get(k) or "") for k in LINK_FIELDS}
    parts = _split(url)
    netloc = _encode_host(parts.netloc)
    path = _quote(parts.path, _KEEP_PATH)
    query = _quote(parts.query, _KEEP_QUERY)
    fragment = _quote(parts.fragment, _KEEP_QUERY)
    if isinstance(template, str):
        product = urlunsplit((parts.scheme, netloc, path, query, fragment))
        enc = {k: _quote(v) for k, v in clean.items()}
        return template.format(url=quote(product, safe=""), **enc)
    ours = []
    for key, text in template.items():
        value = text.format(**clean)
        if value:
            ours.append(f"{_quote(key)}={_quote(value)}")
    names = {_quote(k) for k in template} | set(template)
    kept = [
        pair for pair in query.split("&")
        if pair and unquote(pair.partition("=")[0]) not in names
    ]
    return urlunsplit((parts.scheme, netloc, path, "&".join(kept + ours), fragment))
