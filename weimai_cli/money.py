"""Money and rates: integer fen and integer basis points, parsed with Decimal.

One grammar for every amount weimai reads (goods prices, order amounts):

* optional sign (``-`` or ``+``), optionally after a currency symbol
  (``¥``, ``￥``, ``$``, ``€``) or a trailing ``元``;
* digits, optionally grouped in thousands with ``,`` (``1,234,567``);
* optionally ``.`` and one or two decimal places.

Anything else (``abc``, ``NaN``, ``1.234.5``, ``12,5``, ``1.234,50``,
``1.005``) is an error, never a guess. ``decimal_comma=True`` reads the EU
form (``1.234,50``, ``16,39``) instead, for exports that use it.

Rates are percent numbers, as the platforms write them: ``12.5%``,
``12.5 %`` and ``12.5`` all mean 12.5 % = 1250 basis points; ``0.45`` means
0.45 % = 45 bp. At most two decimals of a percent (one basis point).

Rounding happens in one place, :func:`commission_fen`: half-up to the fen.

Amounts go up to 999,999,999,999.99 (:data:`MAX_FEN`) and counts (stock,
quantity) up to 999,999,999,999 (:data:`MAX_COUNT`): far beyond any real price
or order, and 90,000 of the largest still add up inside SQLite's 64-bit INTEGER.
A larger value is an error naming it, never an overflow deep in the database.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from weimai_cli.i18n import _

_CURRENCY = "¥￥$€"
_DOT_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
_COMMA_NUMBER = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?")
_RATE = re.compile(r"\d+(?:\.\d+)?")
# the everyday forms (59.90, ¥1,299.00, 12.5%, 12.5 %) are read without the general
# grammar's steps, and give exactly what the general path gives
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_PLAIN_RATE = re.compile(r"(\d+)(?:\.(\d\d?))?\s*[%％]?")


MAX_YUAN_DIGITS = 12
MAX_FEN = 10 ** (MAX_YUAN_DIGITS + 2) - 1
MAX_COUNT = 10**12 - 1


class MoneyError(ValueError):
    """A value that is not money (or not a rate) by weimai's grammar."""


def _short(value: object) -> str:
    """repr() of a value for a message, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 40 else text[:36] + "…" + text[-3:]


def too_large(value: object, noun: str = "amount") -> MoneyError:
    if noun == "amount":
        return MoneyError(_("amount too large (at most {limit}): {value}").format(limit=format_fen(MAX_FEN), value=_short(value)))
    return MoneyError(_("number too large (at most {limit}): {value}").format(limit=MAX_COUNT, value=_short(value)))


def _strip_symbols(text: str) -> tuple[str, bool]:
    s = text.strip()
    negative = False
    # sign may stand before or after the currency symbol: -¥12, ¥-12
    for _i in range(2):
        if s[:1] and s[0] in "+-":
            negative = negative or s[0] == "-"
            s = s[1:].strip()
        if s[:1] and s[0] in _CURRENCY:
            s = s[1:].strip()
    if s.endswith("元"):
        s = s[:-1].strip()
    return s, negative


def parse_money(
    value: object,
    *,
    allow_negative: bool = False,
    decimal_comma: bool = False,
    empty: tuple[str, ...] = ("",),
) -> int | None:
    """Parse an amount into integer fen. Values listed in ``empty`` give None."""
    if type(value) is str and not decimal_comma and value not in empty:
        # plain ASCII digits, one optional leading currency symbol, 1-2 decimals
        whole, dot, frac = (value[1:] if value[:1] in _CURRENCY else value).partition(".")
        if "," in whole and _GROUPED.fullmatch(whole):
            whole = whole.replace(",", "")
        if whole.isdigit() and whole.isascii() and len(whole) <= MAX_YUAN_DIGITS:
            if not dot:
                return int(whole) * 100
            if len(frac) <= 2 and frac.isdigit() and frac.isascii():
                return int(whole + frac.ljust(2, "0"))
    if value is None:
        return None
    if isinstance(value, bool):
        raise MoneyError(_("not an amount: {value!r}").format(value=value))
    if isinstance(value, int):
        fen = value * 100
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MoneyError(_("not an amount: {value!r}").format(value=value))
        if abs(value) > MAX_FEN / 100:  # 1e308 would not even quantize
            raise too_large(value)
        d = Decimal(repr(value))
        if d != d.quantize(Decimal("0.01")):
            raise MoneyError(_("more than 2 decimals: {value!r}").format(value=value))
        fen = int(d * 100)
    else:
        text = str(value)
        if text.strip() in empty:
            return None
        s, negative = _strip_symbols(text)
        m = (_COMMA_NUMBER if decimal_comma else _DOT_NUMBER).fullmatch(s)
        if not m:
            raise MoneyError(_("not an amount: {value!r}").format(value=text.strip()))
        if decimal_comma:
            whole, _sep, frac = s.replace(".", "").partition(",")
        else:
            whole, _sep, frac = s.replace(",", "").partition(".")
        if len(whole.lstrip("0")) > MAX_YUAN_DIGITS:  # before int(): 5,000 digits would not even convert
            raise too_large(text.strip())
        fen = int(whole) * 100 + int((frac + "00")[:2])
        if negative:
            fen = -fen
    if fen < 0 and not allow_negative:
        raise MoneyError(_("negative amount: {value!r}").format(value=value))
    if abs(fen) > MAX_FEN:  # an int or a float cell (a JSON price of 1e308)
        raise too_large(value)
    return fen


def parse_rate(value: object, *, empty: tuple[str, ...] = ("",)) -> int | None:
    """Parse a percent rate (``12.5%``, ``12.5 %``, ``12.5``) into basis points."""
    if type(value) is str:
        plain = _PLAIN_RATE.fullmatch(value)
        if plain and value not in empty:
            whole, frac = plain.groups()
            bp = int(whole + (frac.ljust(2, "0") if frac else "00"))
            if bp <= 100_00:
                return bp
    if value is None:
        return None
    if isinstance(value, bool):
        raise MoneyError(_("not a rate: {value!r}").format(value=value))
    text = repr(value) if isinstance(value, float) else str(value)
    if text.strip() in empty:
        return None
    s = text.strip()
    if s.endswith("%") or s.endswith("％"):
        s = s[:-1].rstrip()
    if not _RATE.fullmatch(s):
        raise MoneyError(_("not a rate: {value!r}").format(value=text.strip()))
    try:
        d = Decimal(s) * 100
    except InvalidOperation:  # pragma: no cover - the regex already checked
        raise MoneyError(_("not a rate: {value!r}").format(value=text.strip())) from None
    if d != d.to_integral_value():
        raise MoneyError(_("rate finer than 0.01 %: {value!r}").format(value=text.strip()))
    bp = int(d)
    if bp > 100_00:
        raise MoneyError(_("rate over 100 %: {value!r}").format(value=text.strip()))
    return bp


def commission_fen(base_fen: int, rate_bp: int) -> int:
    """base × rate, rounded half-up to the fen (the one rounding point)."""
    d = (Decimal(base_fen) * Decimal(rate_bp) / Decimal(10_000)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(d)


def format_fen(fen: int | None) -> str:
    """12345 -> '123.45'; None -> ''."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, frac = divmod(abs(fen), 100)
    return f"{sign}{whole}.{frac:02d}"


def format_rate(bp: int | None) -> str:
    """1250 -> '12.50%'; None -> ''."""
    if bp is None:
        return ""
    whole, frac = divmod(bp, 100)
    return f"{whole}.{frac:02d}%"


# A goods price's currency: an ISO 4217 code, CNY unless a file or option says
# otherwise. Shape is checked (three letters, any case); no list of codes is
# kept, so a new code needs no release. RMB, the everyday name, means CNY.
DEFAULT_CURRENCY = "CNY"
_CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")
_CURRENCY_ALIASES = {"RMB": "CNY"}
# the sign posts and cards put before an amount; other codes are written out (SGD 12.00)
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$", "TWD": "NT$"}


def parse_currency(value: object) -> str:
    """``usd`` -> ``USD``; an empty value is CNY; anything else is a MoneyError."""
    text = "" if value is None else str(value).strip()
    if not text:
        return DEFAULT_CURRENCY
    if not _CURRENCY_CODE.fullmatch(text):
        raise MoneyError(_("not a currency code: {value!r}").format(value=text))
    code = text.upper()
    return _CURRENCY_ALIASES.get(code, code)


def currency_option(text: str | None, option: str = "--currency") -> str:
    """A currency given as an option (orders import, payouts, spend): the same
    codes as in files (``usd`` -> USD, RMB -> CNY), anything else a usage error."""
    from weimai_cli.errors import UsageError

    try:
        if text and text.strip():
            return parse_currency(text)
    except MoneyError:
        pass
    raise UsageError(
        _("{option} {text!r} is not a currency code").format(option=option, text=text), _("write three letters, e.g. CNY or USD")
    )


def format_price(fen: int | None, currency: str | None = None) -> str:
    """An amount with its currency's sign for posts and cards: ``¥59.90``,
    ``$34.99``, ``SGD 12.00``; None -> ''."""
    if fen is None:
        return ""
    cur = currency or DEFAULT_CURRENCY
    sign = CURRENCY_SIGNS.get(cur)
    return (sign if sign else cur + " ") + format_fen(fen)


def format_amount(fen: int | None, currency: str | None = None) -> str:
    """An amount for tables: ``59.90`` in CNY, ``34.99 USD`` in another currency."""
    if fen is None:
        return ""
    cur = currency or DEFAULT_CURRENCY
    return format_fen(fen) if cur == DEFAULT_CURRENCY else f"{format_fen(fen)} {cur}"


# Amazon stores (the Seller of a row Amazon shipped itself) -> their currency
MARKETPLACES = {
    "amazon.com": "USD", "amazon.ca": "CAD", "amazon.com.mx": "MXN", "amazon.com.br": "BRL",
    "amazon.co.uk": "GBP", "amazon.de": "EUR", "amazon.fr": "EUR", "amazon.it": "EUR",
    "amazon.es": "EUR", "amazon.nl": "EUR", "amazon.com.be": "EUR", "amazon.ie": "EUR",
    "amazon.se": "SEK", "amazon.pl": "PLN", "amazon.com.tr": "TRY", "amazon.ae": "AED",
    "amazon.sa": "SAR", "amazon.eg": "EGP", "amazon.in": "INR", "amazon.co.jp": "JPY",
    "amazon.com.au": "AUD", "amazon.sg": "SGD",
}


def marketplace_currency(seller: str | None) -> str | None:
    """The currency of the Amazon store a row names as its Seller (``Amazon.co.uk``)."""
    return MARKETPLACES.get(seller.strip().lower()) if seller else None


# the currency a goods is priced in when its file or option names none, by its
# platform: the Chinese platforms sell in CNY; ``amazon`` is amazon.com (USD),
# ``amazon.co.uk`` and the other stores their own (MARKETPLACES)
PLATFORM_CURRENCIES = {
    "taobao": "CNY", "tmall": "CNY", "jd": "CNY", "douyin": "CNY", "pinduoduo": "CNY",
    "weidian": "CNY", "kuaishou": "CNY", "xiaohongshu": "CNY", "amazon": "USD",
}


def platform_currency(platform: str | None) -> str | None:
    """The currency of a goods platform (``tmall`` -> CNY, ``amazon`` -> USD,
    ``amazon.de`` -> EUR), or None for a platform that does not imply one."""
    key = (platform or "").strip().lower()
    return PLATFORM_CURRENCIES.get(key) or MARKETPLACES.get(key)
