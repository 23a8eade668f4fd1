"""Shares: create one (code, link, post, QR, card, short link).

:func:`create_share` is the one function ``weimai share`` calls. It checks
everything first (goods active, url, channel, distributor active, link and
post templates, the affiliate link, 淘口令 and coupon of the slot — see
affiliate.py —, card prerequisites, shortener config), so bad input records
nothing. Then, in one ``BEGIN IMMEDIATE`` transaction, it takes the next
share id, makes the signed code, the link (the slot's affiliate link
unchanged, else the product link with the code) and the post, and inserts
the share with the price and rate in force now (distributors.terms_for
picks the rate). Network and files come after the
commit (:func:`deliver`): a short link that fails leaves the share with its
long link and sets ``ShareResult.shorten_error`` (the CLI exits 4).

``dry_run`` makes the same checks and the same share (with the next id's
code) without inserting it, writing files or asking the shortener.
Warnings (a link that will not earn, …) are returned in
``ShareResult.warnings``; the CLI prints them.

Share ids are never reused (shares are not deleted), so a code handed out
once always names the same share. Listing, showing and verifying shares is
in lookup.py; redoing a share's files or short link in rerender.py.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weimai_cli.catalog import offers
from weimai_cli.clock import now_iso, today
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound, did_you_mean
from weimai_cli.i18n import tr
from weimai_cli.sharing import affiliate, codes, links, posts
from weimai_cli.sharing.notes import note

DEFAULT_CHANNEL = "weibo"
SHARE_COLUMNS = (
    "id", "code", "sku", "distributor", "channel", "campaign", "link", "short_link",
    "post", "slot", "template", "price_fen", "currency", "commission_bp", "commission_fen", "created_at",
)


@dataclass
class ShareSettings:
    """What create_share reads from the config file, loaded once."""

    secret: bytes
    channel: str = DEFAULT_CHANNEL
    links: dict = field(default_factory=dict)  # [share.links]
    budgets: dict = field(default_factory=dict)  # [share.budget]
    templates: dict = field(default_factory=dict)  # [share.templates]: channel -> NAME|FILE
    shortener: dict = field(default_factory=dict)  # [shortener]
    home: Path | None = None

    def __repr__(self) -> str:  # the secret never shows in a traceback
        return f"ShareSettings(channel={self.channel!r})"


def load_settings() -> ShareSettings:
    from weimai_cli.config import home_dir, load_config

    secret = codes.get_secret()
    cfg = load_config()
    share = cfg.get("share", {})
    return ShareSettings(
        secret=secret,
        channel=str(share.get("channel") or DEFAULT_CHANNEL),
        links=dict(share.get("links", {})),
        budgets=dict(share.get("budget", {})),
        templates=dict(share.get("templates", {})),
        shortener=dict(cfg.get("shortener", {})),
        home=home_dir(),
    )


def check_channel(channel: str) -> str:
    ch = (channel or "").strip().lower()
    if ch not in posts.CHANNELS:
        close = did_you_mean(ch, posts.CHANNELS)
        hint = tr("channels: {names}").format(names=", ".join(posts.CHANNELS))
        raise BadInput(tr("unknown channel {channel!r}").format(channel=channel), f"{close} {hint}" if close else hint)
    return ch


def template_names(home: Path | None) -> list[str]:
    names = list(posts.BUILTIN_TEMPLATES)
    if home and (home / "templates").is_dir():
        names += sorted(p.stem for p in (home / "templates").glob("*.txt"))
    return names


def resolve_template(spec: str | None, channel: str, settings: ShareSettings) -> posts.Template:
    """A post template: a FILE (a path with a folder or an extension), a NAME in
    <home>/templates/NAME.txt, or a built-in (the channel names)."""
    spec = spec or settings.templates.get(channel) or channel
    if any(sep in spec for sep in "/\\") or os.path.splitext(spec)[1]:
        path = Path(spec).expanduser()
        if not path.is_file():
            raise BadInput(tr("{file}: template file not found").format(file=spec),
                           tr("give an existing file or a template name"))
        return posts.parse_template(_read_template(path), str(spec))
    if settings.home:
        home_file = os.path.join(settings.home, "templates", spec + ".txt")
        if os.path.isfile(home_file):
            return posts.parse_template(_read_template(Path(home_file)), spec)
    if spec in posts.BUILTIN_TEMPLATES:
        return posts.parse_template(posts.BUILTIN_TEMPLATES[spec], spec)
    names = template_names(settings.home)
    close = did_you_mean(spec, names)
    hint = tr("templates: {names}, or a file path").format(names=", ".join(names))
    raise BadInput(tr("unknown template {name!r}").format(name=spec), f"{close} {hint}" if close else hint)


def _read_template(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(tr("{file}: template is not UTF-8 text").format(file=path), tr("save it as UTF-8")) from None


def _active_goods(conn: sqlite3.Connection, sku: str) -> dict:
    from weimai_cli.catalog.goods import close_matches_hint

    row = conn.execute("SELECT * FROM goods WHERE sku = ?", (sku,)).fetchone()
    if row is None:
        raise NotFound(tr("no goods with SKU {sku!r}").format(sku=sku), close_matches_hint(conn, sku, active_only=True))
    if row["status"] != "active":
        raise BadInput(
            tr("goods {sku!r} is archived and cannot be shared").format(sku=sku),
            close_matches_hint(conn, sku, active_only=True),
        )
    return dict(row)


def _fit_template(tmpl: posts.Template, goods: dict, choice: affiliate.Choice, day: str) -> posts.Template:
    """The template for this post: a built-in's 淘口令 form in a 淘口令 post; refuses
    a template that lacks what the post needs ({tkl} in a 淘口令 post, else {link})
    and a template of the user's own that asks for an expired coupon."""
    builtin = posts.is_builtin(tmpl)
    if choice.tkl_post:
        if builtin and tmpl.name in posts.TKL_FORMS:
            tmpl = posts.parse_template(posts.TKL_FORMS[tmpl.name], tmpl.name)
        if "tkl" not in tmpl.fields:
            raise posts.TemplateError(
                tr("template has no {tkl}, and this post carries the 淘口令 (WeChat blocks Taobao links)"),
                tr("put {tkl} where the 淘口令 goes"), file=tmpl.name,
            )
    elif "link" not in tmpl.fields:
        raise posts.TemplateError(
            tr("template has no {link}"),
            tr("put {link} where the tracked link goes ({tkl} alone serves only WeChat, Moments "
              "and QQ posts of Taobao/Tmall goods with a 淘口令)"), file=tmpl.name,
        )
    coupon = offers.coupon_of(goods)
    asked = sorted({"coupon", "coupon_end"} & tmpl.fields)
    if asked and not builtin and coupon is not None and not coupon.valid_on(day):
        if coupon.end is not None and coupon.end < day:
            why = tr("expired on {day}").format(day=coupon.end)
        elif coupon.start is not None and day < coupon.start:
            why = tr("starts on {day}").format(day=coupon.start)
        else:
            why = tr("has none left")
        raise BadInput(
            tr("the coupon of {sku!r} {why} and is never posted, but template {name} uses {fields}").format(
                sku=goods["sku"], why=why, name=tmpl.name, fields=tr(" and ").join("{" + f + "}" for f in asked)),
            tr("{refresh}, or share with a template without {{coupon}} and {{coupon_end}}").format(
                refresh=tr(affiliate.REFRESH_HINT)),
        )
    return tmpl


def plan_files(
    qr_file: str | None, card: str | None, font: str | None, force: bool, title: str, currency: str | None,
):
    """(qr path, card plan): the output files checked now (weimai_cli.files: exists
    without --force, link, folder; a PNG card's font) so that a refused path
    records nothing."""
    qr_path = card_plan = None
    if qr_file:
        from weimai_cli.sharing.cards import check_qr_path

        qr_path = check_qr_path(qr_file, force)
    if card:
        from weimai_cli.money import format_price
        from weimai_cli.sharing.cards import plan_card

        sign = format_price(0, currency)  # ¥, $, SGD…: the font must draw it too
        card_text = f"{title}{sign}.0123456789{codes.ALPHABET}wm原价推广码扫码购买"
        card_plan = plan_card(card, card_text, font, force)
        if qr_path is not None and os.path.abspath(qr_path) == os.path.abspath(card_plan.path):
            raise BadInput(tr("{file}: --qr and --card name the same file").format(file=qr_path),
                           tr("give each its own file name"))
    return qr_path, card_plan


@dataclass
class ShareResult:
    share: dict
    title: str
    post: posts.Post | None  # None from render_share (the recorded post is share["post"])
    original_price_fen: int | None = None
    warnings: list[str] = field(default_factory=list)
    shorten_error: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # "qr"/"card" -> path
    unwritten: dict[str, str] = field(default_factory=dict)  # "qr"/"card" -> why not (after the commit)
    tkl: str = ""  # the 淘口令 the post carries instead of the link ('' when it carries the link)
    dry_run: bool = False  # nothing recorded, no file written, no short link made
    planned: dict[str, str] = field(default_factory=dict)  # dry run: "qr"/"card" -> the path it would write

    @property
    def link(self) -> str:
        """The link to hand out: the short one when there is one."""
        return self.share["short_link"] or self.share["link"]

    def card_info(self):
        from weimai_cli.money import format_price
        from weimai_cli.sharing.cards import CardInfo

        orig = self.original_price_fen
        price = self.share["price_fen"]
        cur = self.share["currency"]  # the snapshot's, as the post

        return CardInfo(
            title=self.title,
            price=format_price(price, cur),
            original_price=format_price(orig, cur) if orig and orig > price else "",
            code=self.share["code"],
            link=self.link,
        )

    def as_dict(self) -> dict[str, Any]:
        out = {
            **self.share,
            "title": self.title,
            "post_length": self.post.length if self.post else None,
            "post_limit": self.post.limit if self.post else None,
            "post_counter": self.post.counter if self.post else None,
            "shortened": list(self.post.shortened) if self.post else [],
            "shorten_error": self.shorten_error,
            "files": self.files,
            "files_not_written": self.unwritten,
            "warnings": self.warnings,
        }
        if self.tkl:
            out["tkl"] = self.tkl
        if self.dry_run:
            out.update(dry_run=True, would_write=self.planned)
        return out


def create_share(
    conn: sqlite3.Connection,
    sku: str,
    *,
    channel: str | None = None,
    campaign: str | None = None,
    distributor: str = "me",
    slot: str | None = None,
    template: str | None = None,
    shorten: bool = False,
    qr_file: str | None = None,
    card: str | None = None,
    font: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    settings: ShareSettings | None = None,
) -> ShareResult:
    """Check, record and return one share (see the module docstring); with
    ``dry_run`` the same checks and the same share, post and files' content,
    but nothing recorded, written or shortened."""
    settings = settings or load_settings()
    sku = (sku or "").strip()
    ch = check_channel(channel or settings.channel)
    campaign = (campaign or "").strip() or None
    slot = (slot or "").strip() or None
    goods = _active_goods(conn, sku)
    from weimai_cli.sharing.distributors import get_distributor

    dist = get_distributor(conn, distributor)
    if not dist.get("active", 1):
        handle = dist["handle"]
        raise BadInput(tr("distributor {handle!r} is deactivated").format(handle=handle),
                       tr("reactivate with `weimai distributors edit {handle} --active`").format(handle=handle))
    day = today()
    choice = affiliate.choose(conn, goods, ch, slot, day)
    slot = choice.slot
    # the product url is needed only when there is no affiliate link to hand out
    url = goods.get("url") if choice.link else links.check_product_url(goods.get("url"), sku)
    link_name, link_template = links.choose_template(goods.get("platform"), settings.links)
    links.check_template(link_name, link_template)
    tmpl = _fit_template(resolve_template(template, ch, settings), goods, choice, day)
    limit, counter = posts.budget(ch, settings.budgets)
    warnings = []
    if link_name == "amazon" and not slot:
        warnings.append(note(lambda lang: tr("Amazon credits you through your tracking id: give it with --slot", lang)))
    warnings += choice.warnings
    qr_path, card_plan = plan_files(qr_file, card, font, force, goods["title"], goods["currency"])
    shortener = None
    if shorten:
        from weimai_cli.sharing.shorten import from_config

        shortener = from_config(settings.shortener)

    from weimai_cli.sharing.distributors import terms_for

    # per-SKU > per-category > distributor's rate > goods' terms
    rate_bp, rate_fen, _source = terms_for(conn, dist["handle"], goods)
    link_values = {"channel": ch, "campaign": campaign, "slot": slot, "sku": sku}

    def compose(code: str, link: str) -> posts.Post:
        values = posts.values_for(
            goods, channel=ch, link="" if choice.tkl_post else link, code=code, campaign=campaign,
            tkl=choice.tkl, day=day,
        )
        return posts.compose(tmpl, values, limit, counter)

    def make(share_id: int) -> tuple[dict, posts.Post]:
        code = codes.make_code(share_id, settings.secret)
        # an affiliate link goes out unchanged (the share is tracked through its slot)
        link = choice.link or links.build_link(url, link_template, {**link_values, "code": code})
        post = compose(code, link)
        return {
            "id": share_id, "code": code, "sku": sku, "distributor": dist["handle"],
            "channel": ch, "campaign": campaign, "link": link, "short_link": None,
            "post": post.text, "slot": slot, "template": tmpl.name,
            "price_fen": goods["price_fen"], "currency": goods["currency"], "commission_bp": rate_bp,
            "commission_fen": rate_fen, "created_at": now_iso(),
        }, post

    if dry_run:  # the next id, as the share would take it; nothing inserted
        share, post = make(_next_id(conn))
        result = ShareResult(share, goods["title"], post, goods.get("original_price_fen"), warnings,
                             tkl=choice.tkl if choice.tkl_post else "", dry_run=True)
        result.planned = {k: str(p) for k, p in (("qr", qr_path), ("card", card_plan and card_plan.path)) if p}
        _warn_over_budget(result)
        return result
    with transaction(conn):
        share, post = make(_next_id(conn))
        conn.execute(
            f"INSERT INTO shares ({', '.join(SHARE_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in SHARE_COLUMNS)})",
            [share[c] for c in SHARE_COLUMNS],
        )
    result = ShareResult(share, goods["title"], post, goods.get("original_price_fen"), warnings,
                         tkl=choice.tkl if choice.tkl_post else "")

    def repost(short: str) -> str:
        result.post = compose(share["code"], short)
        return result.post.text

    deliver(conn, result, shortener, repost, qr_path, card_plan, force)
    return result


def _next_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM shares").fetchone()[0]


def _warn_over_budget(result: ShareResult) -> None:
    if result.post is not None and result.post.over_budget:
        post = result.post
        result.warnings.append(note(lambda lang: tr(
            "post is {length}/{limit} even shortened; edit it before posting", lang,
        ).format(length=post.length, limit=post.limit)))


def deliver(conn, result: ShareResult, shortener, repost, qr_path, card_plan, force: bool) -> None:
    """After the commit: the short link (stored with the post ``repost`` gives
    for it), then the files. The share is committed: a short link or a file that
    cannot be made now (disk full, a file or link that appeared since the check)
    does not undo it; it is reported in ``shorten_error`` / ``unwritten`` and
    the CLI exits 4. Each file is tried; none is left half-written
    (weimai_cli.files)."""
    share = result.share
    if shortener:
        from weimai_cli.sharing.shorten import ShortenError
        from weimai_cli.sharing.shorten import shorten as make_short

        try:
            short = make_short(shortener, share["link"], result.title)
        except ShortenError as exc:
            result.shorten_error = str(exc)
        else:
            post_text = repost(short)
            with transaction(conn):
                conn.execute(
                    "UPDATE shares SET short_link = ?, post = ? WHERE id = ?", (short, post_text, share["id"])
                )
            share.update(short_link=short, post=post_text)
    _warn_over_budget(result)
    from weimai_cli.errors import WeimaiError

    writers = []
    if qr_path is not None:
        from weimai_cli.sharing.cards import save_qr

        writers.append(("qr", lambda: save_qr(result.link, qr_path, force)))
    if card_plan:
        from weimai_cli.sharing.cards import write_card

        writers.append(("card", lambda: write_card(card_plan, result.card_info(), force)))
    for kind, write in writers:
        try:
            result.files[kind] = str(write())
        except WeimaiError as exc:
            result.unwritten[kind] = str(exc)
