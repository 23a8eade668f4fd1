"""weimai share SKU,  weimai shares list|show|render,  weimai codes verify."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperCommand

from weimai_cli.cli.options import (
    Fmt,
    ForceOpt,
    FormatOpt,
    LimitOpt,
    SkuOpt,
    TextFmt,
    TextFormatOpt,
)
from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, tr

share_app = typer.Typer(add_completion=False)
shares_app = typer.Typer(help="The history of shares: list, show and render again.", no_args_is_help=True)
codes_app = typer.Typer(help="Tracking codes: verify one.", no_args_is_help=True)


@codes_app.callback()
def codes_group():
    """Tracking codes: verify one (more subcommands may join `verify`)."""

ChannelHelp = N_(
    "weibo, wechat, moments, xiaohongshu, douyin, qq or link (default: share.channel in the config file, else weibo)."
)


QR_TERMINAL = "-"


class OptionalQrValue(TyperCommand):
    """Lets ``--qr`` go without a value: ``--qr`` draws the QR code in the
    terminal, ``--qr FILE.png`` / ``--qr FILE.svg`` saves it. The next word
    is taken as the file only if it has a file extension and does not start
    with ``-``, so ``weimai share --qr SKU`` also works."""

    def parse_args(self, ctx, args):
        from pathlib import PurePath

        out = []
        for i, arg in enumerate(args):
            out.append(arg)
            if arg == "--qr":
                nxt = args[i + 1] if i + 1 < len(args) else ""
                if not nxt or nxt.startswith("-") or not PurePath(nxt).suffix:
                    out.append(QR_TERMINAL)
        return super().parse_args(ctx, out)


@share_app.command("share", cls=OptionalQrValue)
def share_cmd(
    sku: Annotated[str, typer.Argument(help="The SKU to share.")],
    channel: Annotated[str | None, typer.Option("--channel", "-c", help=ChannelHelp, show_default=False)] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="Campaign name (any script), e.g. 双11.")] = None,
    distributor: Annotated[str, typer.Option("--as", help="Share as this distributor.")] = "me",
    slot: Annotated[
        str | None,
        typer.Option("--slot", help="The platform's own id for this share (Taobao 推广位ID, Amazon tracking id)."),
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", "-t", help="Post template: a NAME or a FILE (see docs/sharing.md).")
    ] = None,
    qr: Annotated[
        str | None,
        typer.Option(
            "--qr", metavar="[FILE]",
            help="Draw the QR code in the terminal, or save it to FILE (.png or .svg).",
        ),
    ] = None,
    card: Annotated[str | None, typer.Option("--card", help="Write a product card: FILE.svg or FILE.png.")] = None,
    font: Annotated[str | None, typer.Option("--font", help="Font file for a PNG card (with Chinese characters).")] = None,
    shorten: Annotated[bool, typer.Option("--shorten", help="Also make a short link (Shlink or YOURLS, see config).")] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show the link, post, QR code and card without recording a share or writing files."),
    ] = False,
    force: ForceOpt = False,
    fmt: TextFormatOpt = TextFmt.text,
):
    """Share a product: a tracked link, a ready-to-paste post, QR code and card.

    Records the share with its signed tracking code and the price and rate in
    force now. A goods with affiliate links (选品库 import, `goods link`) shares
    its slot's link unchanged, and WeChat, Moments and QQ posts of Taobao goods
    carry its 淘口令; --slot is needed when it has links for several slots (exit 2).
    Exit 4 if --shorten failed (the share is kept with its long link) or a
    --qr/--card file could not be written after the share was recorded (the
    message says which); a path refused up front (exists without --force, a
    link, a folder, no such folder) records nothing.
    """
    from weimai_cli.cli import output
    from weimai_cli.sharing.notes import shown
    from weimai_cli.sharing.service import create_share

    result = create_share(
        open_db(), sku, channel=channel, campaign=campaign, distributor=distributor,
        slot=slot, template=template, shorten=shorten, qr_file=None if qr in (None, QR_TERMINAL) else qr,
        card=card, font=font, force=force, dry_run=dry_run,
    )
    s = result.share
    for w in result.warnings:
        output.warn(shown(w))  # JSON keeps the English
    if fmt == TextFmt.json:
        output.json_out(result.as_dict())
    else:
        labels = _labels()
        output.line(labels["link"] + result.link)
        if result.tkl:
            output.line(labels["tkl"] + result.tkl)
        output.line(labels["code"] + s["code"] + (tr(" (dry run: not recorded)") if dry_run else ""))
        output.line()
        output.line(result.post.text)
        if output.is_terminal() or "card" in result.planned:
            from weimai_cli.sharing.cards import card_text

            output.line()
            output.line(card_text(result.card_info()))
        if qr == QR_TERMINAL or "qr" in result.planned:
            from weimai_cli.sharing.cards import qr_text

            output.line()
            output.line(qr_text(result.link))
    cut = tr(", shortened {fields}").format(fields=", ".join(result.post.shortened)) if result.post.shortened else ""
    budget = tr(" ({length}/{limit}{cut})").format(
        length=result.post.length, limit=result.post.limit, cut=cut) if result.post.limit else ""
    who = {"sku": s["sku"], "channel": s["channel"], "distributor": s["distributor"], "code": s["code"],
           "budget": budget}
    if dry_run:
        output.message(tr("dry run: would share {sku} on {channel} as {distributor}: {code}{budget}").format(**who))
        for kind, path in result.planned.items():
            output.message(tr("dry run: would write {kind}: {path}").format(kind=_file_kind(kind), path=path))
        if shorten:
            output.message(tr("dry run: no short link made (the shortener would record one)"))
        output.message(tr("dry run: nothing recorded"))
        return
    output.message(tr("shared {sku} on {channel} as {distributor}: {code}{budget}").format(**who))
    _report_files_and_failures(result, tr("or share without --shorten"), tr("share again"))


# the files a share writes, as messages name them
FILE_KINDS = {"qr": N_("qr"), "card": N_("card")}


def _file_kind(kind: str) -> str:
    return tr(FILE_KINDS[kind]) if kind in FILE_KINDS else kind


def _labels() -> dict[str, str]:
    """The labels of the text output's first lines (link, 淘口令, code), padded
    to one width (CJK-aware): ``link  ``, ``tkl   ``, ``code  `` in English."""
    from rich.cells import cell_len

    names = {"link": tr("link"), "tkl": tr("tkl"), "code": tr("code")}
    width = max(cell_len(n) for n in names.values())
    return {k: n + " " * (width - cell_len(n) + 2) for k, n in names.items()}


def _report_files_and_failures(result, retry: str, again: str) -> None:
    """The files written, then exit 4 when a short link or a file could not be
    made after the share was recorded."""
    from weimai_cli.cli import output
    from weimai_cli.errors import DeliveryFailed

    s = result.share
    for kind, path in result.files.items():
        output.message(tr("wrote {kind}: {path}").format(kind=_file_kind(kind), path=path))
    failed, hints = [], []
    if result.shorten_error:
        failed.append(tr("shortening failed: {error}; the share is recorded with its long link").format(
            error=result.shorten_error))
        hints.append(tr("check [shortener] in the config file, {retry}").format(retry=retry))
    if result.unwritten:
        failed += [tr("{kind} not written: {why}").format(kind=_file_kind(kind), why=why)
                   for kind, why in result.unwritten.items()]
        written = tr(" ({files} written)").format(files=", ".join(map(_file_kind, result.files))) if result.files else ""
        failed.append(tr("the share {code} is recorded{written}").format(code=s["code"], written=written))
        hints.append(tr("free the path or fix the folder, then {again}").format(again=again))
    if failed:
        raise DeliveryFailed(tr("; ").join(failed), tr("; ").join(hints))


@shares_app.command("render", cls=OptionalQrValue)
def render_cmd(
    code: Annotated[str, typer.Argument(help="The share's tracking code.")],
    qr: Annotated[
        str | None,
        typer.Option("--qr", metavar="[FILE]", help="Draw the QR code in the terminal, or save it to FILE (.png or .svg)."),
    ] = None,
    card: Annotated[str | None, typer.Option("--card", help="Write the product card again: FILE.svg or FILE.png.")] = None,
    font: Annotated[str | None, typer.Option("--font", help="Font file for a PNG card (with Chinese characters).")] = None,
    shorten: Annotated[
        bool, typer.Option("--shorten", help="Make the short link a share lacks (e.g. after a failed --shorten).")
    ] = False,
    force: ForceOpt = False,
):
    """Redo a recorded share's QR code, card or short link.

    The files hold the share's link (the short one when it has one). A new short
    link is stored and replaces the long link in the recorded post. Exit 4 if
    shortening failed or a file could not be written (the short link, when made,
    is kept).
    """
    from weimai_cli.cli import output
    from weimai_cli.errors import UsageError
    from weimai_cli.sharing.notes import shown
    from weimai_cli.sharing.rerender import render_share

    if not (qr or card or shorten):
        raise UsageError(tr("nothing to render"), tr("give --qr [FILE], --card FILE or --shorten"))
    result = render_share(
        open_db(), code, qr_file=None if qr in (None, QR_TERMINAL) else qr, card=card, font=font,
        shorten=shorten, force=force,
    )
    for w in result.warnings:
        output.warn(shown(w))  # JSON keeps the English
    labels = _labels()
    output.line(labels["link"] + result.link)
    output.line(labels["code"] + result.share["code"])
    if qr == QR_TERMINAL:
        from weimai_cli.sharing.cards import qr_text

        output.line()
        output.line(qr_text(result.link))
    if shorten and not result.shorten_error and not result.warnings:
        output.message(tr("short link of {code}: {link}").format(
            code=result.share["code"], link=result.share["short_link"]))
    _report_files_and_failures(result, tr("then run it again"), tr("run it again"))


def _share_cols(with_currency: bool = False):
    from weimai_cli.cli.output import Col

    return [
        Col("code", N_("code")),
        Col("created_at", N_("created")),
        Col("sku", N_("SKU")),
        Col("title", N_("title")),
        Col("distributor", N_("as")),
        Col("channel", N_("channel")),
        Col("campaign", N_("campaign")),
        Col("price_fen", N_("price"), "money"),
        *([Col("currency", N_("cur"))] if with_currency else []),
        Col("commission_bp", N_("rate"), "rate"),
        Col("link", N_("link")),
    ]


@shares_app.command("list")
def list_cmd(
    sku: SkuOpt = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="Only this campaign.")] = None,
    distributor: Annotated[str | None, typer.Option("--as", help="Only this distributor's shares.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From: 2026-11, 2026-11-01 or an ISO time.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to and including: 2026-11, 2026-11-30, ISO time.")] = None,
    limit: LimitOpt = None,
    with_earnings: Annotated[
        bool, typer.Option("--with-earnings", help="Add clicks (all time), orders, conversion, GMV, commission, commission per click, reversals, spend and ROI.")
    ] = False,
    fmt: FormatOpt = Fmt.table,
):
    """List shares, oldest first."""
    from weimai_cli.cli import output
    from weimai_cli.sharing.lookup import list_shares

    conn = open_db()
    data = list_shares(
        conn, sku=sku, channel=channel, campaign=campaign, distributor=distributor,
        since=since, until=until, limit=limit,
    )
    # the snapshot's currency: always in JSON, in the text formats when one is not CNY
    cols = _share_cols(fmt in (Fmt.json, Fmt.nl) or any(r["currency"] != "CNY" for r in data))
    if with_earnings:
        from weimai_cli.ledger.funnel import FUNNEL_COLS, share_funnel

        funnel = share_funnel(conn, [r["id"] for r in data])
        empty = dict.fromkeys(c[0] for c in FUNNEL_COLS)
        data = [{**r, **empty, **funnel.get(r["id"], {})} for r in data]
        cols = [c for c in cols if c.key != "link"] + [output.Col(*c) for c in FUNNEL_COLS]
    output.rows(data, cols, fmt.value, empty=tr("no shares match"))


@shares_app.command("show")
def show_cmd(code: Annotated[str, typer.Argument(help="The share's tracking code.")], fmt: FormatOpt = Fmt.table):
    """Show one share: its terms, link and post, and what came of it."""
    from weimai_cli.cli import output
    from weimai_cli.money import format_amount, format_rate
    from weimai_cli.reports.shares import share_sections
    from weimai_cli.sharing.lookup import get_share

    conn = open_db()
    share = get_share(conn, code)
    sections = share_sections(conn, share)
    if fmt == Fmt.json:
        output.json_out({**share, "sections": {s.title: s.rows for s in sections}})
        return
    pairs = [
        (tr("code"), share["code"]),
        (tr("created"), share["created_at"]),
        (tr("SKU"), share["sku"]),
        (tr("title"), share["title"]),
        (tr("as"), share["distributor"]),
        (tr("channel"), share["channel"]),
        (tr("campaign"), share["campaign"] or ""),
        (tr("slot"), share["slot"] or ""),
        (tr("price"), format_amount(share["price_fen"], share["currency"])),
        (tr("rate"), format_rate(share["commission_bp"])),
        (tr("fixed commission"), format_amount(share["commission_fen"], share["currency"])),
        (tr("link"), share["link"]),
        (tr("short link"), share["short_link"] or ""),
        (tr("template"), share["template"] or ""),
    ]
    output.fields([(k, v) for k, v in pairs if v])
    output.line()
    output.line(share["post"] or "")
    for section in sections:
        # a section's title and empty text are marked N_() where they are made;
        # JSON (above) keeps the English title as the key
        title = tr(section.title)
        if not section.rows:
            output.message(tr("{title}: {empty}").format(title=title, empty=tr(section.empty)))
            continue
        output.line()
        cols = [output.Col(*c) for c in section.cols]
        rows = [{**r, "when": tr(r["when"])} if r.get("when") else r for r in section.rows]  # the terms' rows
        output.rows(rows, cols, fmt.value, title=title)


@codes_app.command("verify")
def verify_cmd(code: Annotated[str, typer.Argument(help="A tracking code, e.g. wm0001K7QX.")], fmt: TextFormatOpt = TextFmt.text):
    """Say whether a code is genuine and which share it belongs to (exit 1 if not genuine)."""
    from weimai_cli.cli import output
    from weimai_cli.sharing.lookup import REASONS, check_code

    check = check_code(open_db(), code)
    if fmt == TextFmt.json:
        output.json_out(check.as_dict())
    elif not check.genuine:
        output.line(tr("{code}: NOT genuine: {reason}").format(code=check.code, reason=tr(REASONS[check.reason])))
    elif check.share is None:
        output.line(tr("{code}: genuine, but share {id} is not in this database").format(
            code=check.code, id=check.share_id))
    else:
        s = check.share
        campaign = tr(", campaign {campaign}").format(campaign=s["campaign"]) if s["campaign"] else ""
        output.line(
            tr("{code}: genuine: share {id}: {sku} {title}, {channel}{campaign}, as {distributor}, {created}").format(
                code=check.code, id=s["id"], sku=s["sku"], title=s["title"], channel=s["channel"],
                campaign=campaign, distributor=s["distributor"], created=s["created_at"])
        )
    if not check.genuine:
        raise typer.Exit(1)
