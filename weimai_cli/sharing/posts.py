"""Ready-to-paste posts: per-channel templates, hashtags and a length budget.

A template is plain text with ``{placeholder}`` fields (write a literal
brace as ``{{`` or ``}}``):

==================  ==========================================================
``{title}``          the goods title (shortened with … when the post is too long)
``{short_title}``    the title's first word, at most 10 characters
``{price}``          the price now, ``¥59.90`` (in the goods' currency: ``$34.99``)
``{original_price}`` the struck-through price, ``¥89.00`` (empty if none)
``{discount}``       price ÷ original price in 折, ``6.7折`` (empty if none)
``{selling_points}`` the goods' selling points
``{hashtags}``       the goods' tags (else category) in the channel's syntax:
                     Weibo ``#枸杞# #养生#``, others ``#枸杞 #养生``
``{coupon_price}``   券后价, the price less a valid coupon, ``¥49.90`` (in the goods'
                     currency; the price when the threshold is not met; empty
                     without a valid coupon)
``{coupon}``         the valid coupon's 满减 text, ``满50元减10元`` (empty if none)
``{coupon_end}``     the valid coupon's last day, ``2026-11-30`` (empty if none or open)
``{link}``           the tracked link (the short link with ``--shorten``); empty in
                     a post that carries the 淘口令 instead (below)
``{tkl}``            the 淘口令 of the share's slot, ``￥AbCd1234XyZ￥`` (empty if none
                     usable)
``{code}``           the share's tracking code
``{sku}``            the SKU
``{campaign}``       the campaign name (empty if none)
==================  ==========================================================

A line whose placeholders all come out empty is left out, so optional parts
(original price, coupon, selling points) go on lines of their own. A template
needs ``{link}``, or ``{tkl}`` for the posts that carry a 淘口令 (WeChat, Moments
and QQ posts of Taobao/Tmall goods: WeChat blocks Taobao links, so there
``{link}`` is empty and ``{tkl}`` holds the 淘口令). An expired coupon is never
posted (its placeholders are empty); the service refuses a template of the
user's own that asks for it. Trailing spaces are trimmed. Rendering is a
pure function of the share, so the same share always gives the same text.
A built-in template whose plain form would be wrong in a 淘口令 post has a
form for it in :data:`TKL_FORMS`.

Each channel has a length budget (``[share.budget]`` in the config
overrides it). Weibo counts 字: each character counts 2 units if above
U+00FF (CJK, full-width, emoji halves) and 1 otherwise, 字 = ⌈units / 2⌉,
so a CJK character is 1 字 and two ASCII characters are 1 字. Links are
counted by their literal length, which is never less than Weibo's own count,
so a post that fits here fits there. Other channels count characters. When
a post is over budget, weimai shortens, in order: the title (to 8
characters), the selling points, the hashtags, then the title again (to 1
character), each with ``…``; the link and the code are never cut.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from weimai_cli.catalog import offers
from weimai_cli.errors import BadInput
from weimai_cli.i18n import tr
from weimai_cli.money import format_fen, format_price

CHANNELS = ("weibo", "wechat", "moments", "xiaohongshu", "douyin", "qq", "link")

PLACEHOLDERS = (
    "title", "short_title", "price", "original_price", "discount",
    "selling_points", "hashtags", "link", "code", "sku", "campaign",
    "coupon_price", "coupon", "coupon_end", "tkl",
)

# (limit, counter): "weibo" = 字 as Weibo counts them, "chars" = characters
BUDGETS: dict[str, tuple[int | None, str]] = {
    "weibo": (140, "weibo"),
    "wechat": (2000, "chars"),
    "moments": (1500, "chars"),
    "xiaohongshu": (1000, "chars"),
    "douyin": (1000, "chars"),
    "qq": (2000, "chars"),
    "link": (None, "chars"),
}

BUILTIN_TEMPLATES: dict[str, str] = {
    "weibo": (
        "{hashtags}\n"
        "【{title}】\n"
        "到手价{price}\n"
        "原价{original_price} {discount}\n"
        "券后价{coupon_price} {coupon}\n"
        "领券截止{coupon_end}\n"
        "{selling_points}\n"
        "👉{link}\n"
        "推广码 {code}\n"
    ),
    "wechat": (
        "{title}\n"
        "到手价 {price}\n"
        "原价 {original_price}（{discount}）\n"
        "券后价 {coupon_price}（{coupon}）\n"
        "领券截止 {coupon_end}\n"
        "{selling_points}\n"
        "下单链接：{link}\n"
        "复制 {tkl} 打开手机淘宝\n"
        "推广码：{code}\n"
    ),
    "moments": (
        "✨{title}\n"
        "{selling_points}\n"
        "💰 到手价 {price}\n"
        "原价 {original_price}，{discount}\n"
        "🎫 券后价 {coupon_price}（{coupon}）\n"
        "领券截止 {coupon_end}\n"
        "👇 戳链接\n"
        "{link}\n"
        "推广码 {code}\n"
    ),
    "xiaohongshu": (
        "{short_title}｜{price}入手，真的值！\n"
        "\n"
        "{title}\n"
        "✅ {selling_points}\n"
        "💰 到手价 {price}\n"
        "原价 {original_price}，{discount}\n"
        "🎫 券后价 {coupon_price}（{coupon}）\n"
        "领券截止 {coupon_end}\n"
        "🔗 {link}\n"
        "推广码 {code}\n"
        "\n"
        "{hashtags}\n"
    ),
    "douyin": (
        "{short_title} 到手价{price} {discount}\n"
        "券后价{coupon_price} {coupon}\n"
        "{selling_points}\n"
        "链接 {link}\n"
        "推广码 {code}\n"
        "{hashtags}\n"
    ),
    "qq": (
        "{title}\n"
        "到手价 {price}\n"
        "原价 {original_price}（{discount}）\n"
        "券后价 {coupon_price}（{coupon}）\n"
        "领券截止 {coupon_end}\n"
        "{selling_points}\n"
        "{link}\n"
        "复制 {tkl} 打开手机淘宝\n"
        "推广码 {code}\n"
    ),
    "link": "{link}\n",
}

# The form a built-in template takes in a post that carries the 淘口令 instead
# of the link, where the plain form would be wrong: Moments' "戳链接" line has no
# placeholder, so it would stay above a link that is not there.
TKL_FORMS: dict[str, str] = {
    "moments": BUILTIN_TEMPLATES["moments"].replace("👇 戳链接\n{link}\n", "👇 复制口令打开手机淘宝\n{tkl}\n"),
}

_TAG_SPLIT = re.compile(r"[|,，;；、/\s]+")
TITLE_FIRST_CUT = 8
SHORT_TITLE_MAX = 10
ELLIPSIS = "…"


class TemplateError(BadInput):
    pass


def weibo_length(text: str) -> int:
    """Length in 字 as Weibo counts it (SERVICES.md §7): each UTF-16 unit
    counts 1, plus 1 if above U+00FF; 字 = ⌈units / 2⌉."""
    utf16 = len(text.encode("utf-16-le", "surrogatepass")) // 2
    narrow = len(text.encode("latin-1", "ignore"))  # characters up to U+00FF
    units = 2 * utf16 - narrow
    return (units + 1) // 2


def measure(text: str, counter: str) -> int:
    return weibo_length(text) if counter == "weibo" else len(text)


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    # per line: (a str.format pattern with named fields only, the fields in it)
    lines: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def fields(self) -> frozenset[str]:
        """Every placeholder the template uses."""
        return frozenset(f for _, fields in self.lines for f in fields)


@lru_cache(maxsize=64)
def parse_template(text: str, name: str = "template") -> Template:
    """Parse and check a post template; unknown placeholders are exit 1."""
    lines = []
    for lineno, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        try:
            parts = list(string.Formatter().parse(line))
        except ValueError as exc:
            raise TemplateError(
                f"{exc}", tr("write a literal brace as {{ or }}"), file=name, row=lineno
            ) from None
        pattern, fields = [], []
        for literal, field, spec, conv in parts:
            if field is not None and field not in PLACEHOLDERS:
                raise TemplateError(
                    tr("unknown placeholder {{{field}}}").format(field=field),
                    tr("placeholders are: {names}").format(names=" ".join("{" + p + "}" for p in PLACEHOLDERS)),
                    file=name, row=lineno,
                )
            if spec or conv:
                raise TemplateError(
                    tr("{{{field}}}: format specs and conversions are not supported").format(field=field),
                    tr("write just {{{field}}}").format(field=field), file=name, row=lineno,
                )
            pattern.append(literal.replace("{", "{{").replace("}", "}}"))
            if field is not None:
                pattern.append("{" + field + "}")
                fields.append(field)
        lines.append(("".join(pattern), tuple(fields)))
    if not any({"link", "tkl"} & set(fields) for _, fields in lines):
        raise TemplateError(
            tr("template has no {link}"), tr("put {link} where the tracked link goes"), file=name
        )
    return Template(name, text, tuple(lines))


def is_builtin(template: Template) -> bool:
    """True for a built-in template (or a file holding the same text)."""
    return template.text in BUILTIN_TEMPLATES.values() or template.text in TKL_FORMS.values()


def render(template: Template, values: Mapping[str, str]) -> str:
    """The template with ``values`` filled in (every placeholder must be in ``values``)."""
    out = []
    for pattern, fields in template.lines:
        if fields and not any(values[f] for f in fields):
            continue
        out.append(pattern.format_map(values).rstrip())
    return "\n".join(out).strip("\n")


def hashtags(tags: str | None, channel: str) -> str:
    words = [w.strip("#") for w in _TAG_SPLIT.split(tags or "") if w.strip("#")]
    seen = list(dict.fromkeys(words))
    if channel == "weibo":
        return " ".join(f"#{w}#" for w in seen)
    return " ".join(f"#{w}" for w in seen)


def discount_text(price_fen: int | None, original_fen: int | None) -> str:
    if not price_fen or not original_fen or original_fen <= price_fen:
        return ""
    tenths = (Decimal(price_fen) * 10 / Decimal(original_fen)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if tenths >= 10:
        return ""
    text = str(tenths)
    return (text[:-2] if text.endswith(".0") else text) + "折"


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + ELLIPSIS


def short_title(title: str) -> str:
    first = title.split()[0] if title.split() else title
    return _cut(first, SHORT_TITLE_MAX)


def coupon_values(goods: Mapping, day: str | None = None) -> dict[str, str]:
    """``{coupon_price}``, ``{coupon}`` and ``{coupon_end}``: empty unless the
    goods' coupon is valid on ``day`` (an expired coupon is never posted)."""
    coupon = offers.valid_coupon(goods, day)
    if coupon is None:
        return {"coupon_price": "", "coupon": "", "coupon_end": ""}
    return {
        "coupon_price": format_price(offers.coupon_price_fen(goods, day), goods.get("currency")),
        "coupon": coupon.text.strip() or coupon_text(coupon.off_fen, coupon.threshold_fen),
        "coupon_end": coupon.end or "",
    }


def coupon_text(off_fen: int, threshold_fen: int) -> str:
    """The 面额 text of a coupon known by its figures: 满50元减10元, 10元无条件券."""
    def yuan(fen: int) -> str:
        return format_fen(fen).removesuffix(".00")

    return f"满{yuan(threshold_fen)}元减{yuan(off_fen)}元" if threshold_fen else f"{yuan(off_fen)}元无条件券"


def values_for(
    goods: Mapping, *, channel: str, link: str, code: str, campaign: str | None,
    tkl: str = "", day: str | None = None,
) -> dict[str, str]:
    """The placeholder values of one share (coupons as valid on ``day``, default today)."""
    price = goods["price_fen"]
    currency = goods.get("currency")  # CNY when absent
    original = goods.get("original_price_fen")
    has_original = bool(original and original > price)
    title = (goods.get("title") or "").strip()
    return {
        **coupon_values(goods, day),
        "tkl": tkl or "",
        "title": title,
        "short_title": short_title(title),
        "price": format_price(price, currency),
        "original_price": format_price(original, currency) if has_original else "",
        "discount": discount_text(price, original),
        "selling_points": (goods.get("selling_points") or "").strip(),
        "hashtags": hashtags(goods.get("tags") or goods.get("category"), channel),
        "link": link,
        "code": code,
        "sku": goods["sku"],
        "campaign": campaign or "",
    }


@dataclass(frozen=True)
class Post:
    text: str
    length: int
    limit: int | None
    counter: str
    shortened: tuple[str, ...]  # which placeholders were cut

    @property
    def over_budget(self) -> bool:
        return self.limit is not None and self.length > self.limit


def _shorter(key: str, full: str, floor: int) -> list[str]:
    """Shorter versions of a value, longest first: titles and text cut with …,
    hashtags dropped whole from the end."""
    if key == "hashtags":
        tags = full.split(" ")
        return [" ".join(tags[:k]) for k in range(len(tags) - 1, floor - 1, -1)]
    return [_cut(full, n) if n else "" for n in range(len(full) - 1, floor - 1, -1)]


def _fit(fits: Callable[[dict], bool], values: dict, key: str, floor: int) -> tuple[dict, bool]:
    """The longest shorter version of values[key] that fits (else the shortest)."""
    options = _shorter(key, values.get(key, ""), floor)
    if not options:
        return values, False
    lo, hi, best = 0, len(options) - 1, len(options) - 1
    while lo <= hi:  # fits() is monotone: shorter options fit if longer ones do
        mid = (lo + hi) // 2
        if fits({**values, key: options[mid]}):
            best, hi = mid, mid - 1
        else:
            lo = mid + 1
    return {**values, key: options[best]}, True


def compose(
    template: Template, values: Mapping[str, str], limit: int | None, counter: str
) -> Post:
    """Render within the budget, shortening title, selling points, hashtags, title."""
    vals = dict(values)

    def fits(v):
        return limit is None or measure(render(template, v), counter) <= limit

    shortened: list[str] = []
    steps = (("title", TITLE_FIRST_CUT), ("selling_points", 0), ("hashtags", 0), ("title", 1))
    for key, floor in steps:
        if fits(vals):
            break
        vals, cut = _fit(fits, vals, key, floor)
        if cut and key not in shortened:
            shortened.append(key)
    text = render(template, vals)
    return Post(text, measure(text, counter), limit, counter, tuple(shortened))


def budget(channel: str, overrides: Mapping[str, int] | None = None) -> tuple[int | None, str]:
    limit, counter = BUDGETS[channel]
    if overrides and channel in overrides:
        limit = int(overrides[channel])
    return limit, counter
