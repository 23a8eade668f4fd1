"""weimai earnings (statements, close), weimai payouts, weimai spend."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from weimai_cli.cli.options import AllDistributorsOpt, AsOpt, LangOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, _

app = typer.Typer(
    help="Commission statements: weimai earnings [--month YYYY-MM]; close a month.",
    invoke_without_command=True,
)
payouts_app = typer.Typer(help="Money paid out to distributors.", no_args_is_help=True)
spend_app = typer.Typer(help="Promotion spend (boosts, paid promotion) per share or campaign.", no_args_is_help=True)


class StatementFmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


MonthOpt = Annotated[str | None, typer.Option("--month", "-m", help="The month, YYYY-MM (default: this month).")]
CurrencyOpt = Annotated[str, typer.Option("--currency", help="The currency of the amount (default CNY), e.g. USD.")]


@app.callback()
def earnings(
    ctx: typer.Context,
    month: MonthOpt = None,
    from_: Annotated[str | None, typer.Option("--from", help="First month of a range, YYYY-MM.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last month of a range, YYYY-MM.")] = None,
    as_: AsOpt = None,
    all_distributors: AllDistributorsOpt = False,
    by: Annotated[str | None, typer.Option("--by", help="Breakdown: sku, share, channel, campaign, platform, day or distributor.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only estimated, confirmed or settled commission.")] = None,
    fmt: Annotated[StatementFmt, typer.Option("--format", "-f", help="table, json, csv or md.")] = StatementFmt.table,
    lang: LangOpt = None,
    verify: Annotated[bool, typer.Option("--verify", help="Recompute a closed month; exit 1 if anything drifted.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows of a ranked breakdown; the rest are summed in one row (0: all).", min=0)] = 50,
):
    """The commission statement for a month (or --from/--to), with a breakdown."""
    if ctx.invoked_subcommand:
        return
    from weimai_cli.cli import output
    from weimai_cli.cli.render import statements as rendered
    from weimai_cli.cli.render.labels import default_lang
    from weimai_cli.errors import UsageError
    from weimai_cli.ledger import statements

    if by is not None and by not in statements.BY:
        raise UsageError(_("--by {by!r} is not one of: {choices}").format(by=by, choices=", ".join(statements.BY)))
    if status is not None and status not in statements.STATUSES:
        raise UsageError(_("--status {status!r} is not one of: {choices}").format(
            status=status, choices=", ".join(statements.STATUSES)))
    if as_ and all_distributors:
        raise UsageError(_("--as and --all-distributors exclude each other"))
    if month and (from_ or to):
        raise UsageError(_("--month and --from/--to exclude each other"))
    trend = not (month or from_ or to)
    if from_ or to:
        start = statements.check_month(from_ or to, "--from")
        end = statements.check_month(to or from_, "--to")
        months = statements.months_between(start, end)
    else:
        months = [statements.check_month(month) if month else statements.current_month()]
    distributor = None if all_distributors else (as_ or "me")
    conn = open_db()
    if distributor is not None:
        statements.known_distributor(conn, distributor)
    if verify:
        if len(months) != 1:
            raise UsageError(_("--verify checks one --month"))
        from weimai_cli.ledger import closing

        problems = closing.verify(conn, months[0], distributor)
        for p in problems:
            output.line(p)
        if problems:
            output.error(_("the closed statement for {month} drifted").format(month=months[0]),
                         _("restore a backup, or investigate the ledger"))
            raise typer.Exit(1)
        output.message(_("ok: {month} recomputes identically to its closed statement").format(month=months[0]))
        return
    data = statements.compute(conn, months=months, distributor=distributor, by=by, status=status, trend=trend,
                                limit=limit)
    # the interface language, or --lang; CSV for scripts is English unless --lang asks
    language = (lang.value if lang else default_lang())
    if fmt == StatementFmt.json:
        output.json_out(data)
    elif fmt == StatementFmt.csv:
        header, rows = rendered.statement_csv_rows(data, lang.value if lang else "en")
        output.csv_rows(header, rows)
    elif fmt == StatementFmt.md:
        output.text(rendered.statement_md(data, language))
    else:
        output.text(rendered.statement_text(data, language))


@app.command("close")
def close_cmd(
    month: Annotated[str, typer.Option("--month", "-m", help="The month to close, YYYY-MM.")],
    force: Annotated[bool, typer.Option("--force", help="Close the current (unfinished) month anyway.")] = False,
):
    """Freeze a month's statement; later changes go to the next open month as adjustments."""
    from weimai_cli.cli import output
    from weimai_cli.ledger import closing, statements

    result = closing.close(open_db(), month, force=force)
    output.message(_("closed {month}: {n} order lines frozen").format(month=result["period"], n=result["lines"]))
    for s in result["statements"]:
        output.message(_("  {who}: net {net}, checksum {checksum}").format(
            who=s["distributor"], net=statements.format_fen(s["net_fen"]), checksum=s["checksum"][:16]))


@payouts_app.command("record")
def payouts_record(
    month: Annotated[str, typer.Option("--month", "-m", help="The statement month this pays, YYYY-MM.")],
    amount: Annotated[str, typer.Option("--amount", help="Amount paid (yuan), e.g. 1,200.00.")],
    as_: Annotated[str, typer.Option("--as", help="The distributor paid (default: me).")] = "me",
    ref: Annotated[str | None, typer.Option("--ref", help="Your reference (transfer id…).")] = None,
    currency: CurrencyOpt = "CNY",
):
    """Record money paid to a distributor for a month (a USD payout reduces the USD balance only)."""
    from weimai_cli.cli import output
    from weimai_cli.ledger import payouts
    from weimai_cli.money import format_amount

    conn = open_db()
    p = payouts.record_payout(conn, distributor=as_, month=month, amount=amount, ref=ref, currency=currency)
    paid = format_amount(p["amount_fen"], p["currency"])
    output.message(_("recorded payout {id}: {amount} to {who} for {month}").format(
        id=p["id"], amount=paid, who=p["distributor"], month=p["period"]))
    owed = payouts.owed_after(conn, as_, month, p["currency"])
    if owed < 0:
        output.warn(_("{who} has now been paid {amount} more than earned up to {month}; it carries forward "
                      "as a negative balance").format(who=p["distributor"], amount=format_amount(-owed, p["currency"]),
                                                     month=month))


@payouts_app.command("list")
def payouts_list(
    as_: AsOpt = None,
    fmt: Annotated[StatementFmt, typer.Option("--format", "-f", help="table, json, csv or md.")] = StatementFmt.table,
):
    """List payouts."""
    from weimai_cli.cli import output
    from weimai_cli.ledger import payouts

    data = payouts.list_payouts(open_db(), as_)
    output.rows(data, [
        output.Col("id", N_("id"), "int"), output.Col("distributor", N_("distributor")),
        output.Col("period", N_("month")), output.Col("amount_fen", N_("amount"), "money"),
        output.Col("currency", N_("cur")), output.Col("ref", N_("ref")), output.Col("paid_at", N_("recorded")),
    ], fmt.value, empty=_("no payouts"))


@spend_app.command("add")
def spend_add(
    args: Annotated[list[str], typer.Argument(help="CODE AMOUNT, or AMOUNT with --campaign.")],
    campaign: Annotated[str | None, typer.Option("--campaign", help="The campaign the money was spent on.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="When (YYYY-MM-DD; default today).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What it was (粉丝头条, boost…).")] = None,
    as_: AsOpt = None,
    currency: CurrencyOpt = "CNY",
):
    """Record promotion spend for a share (by its code) or a campaign."""
    from weimai_cli.cli import output
    from weimai_cli.errors import UsageError
    from weimai_cli.ledger import payouts, statements
    from weimai_cli.money import format_amount

    if campaign:
        if len(args) != 1:
            raise UsageError(_("with --campaign give just the AMOUNT"), "weimai spend add --campaign 双11 200")
        code, amount = None, args[0]
    else:
        if len(args) != 2:
            raise UsageError(_("give CODE AMOUNT, or --campaign NAME AMOUNT"), "weimai spend add wm0001K7QX 50")
        code, amount = args
    currency = statements.check_currency(currency)  # before any warning
    conn = open_db()
    if campaign and not conn.execute("SELECT 1 FROM shares WHERE campaign = ? LIMIT 1", (campaign,)).fetchone():
        output.warn(_("no share has the campaign {campaign!r} yet (a typo?); the spend is recorded anyway").format(
            campaign=campaign))
    s = payouts.add_spend(conn, code=code, campaign=campaign, amount=amount, date=date,
                             note=note, distributor=as_, currency=currency)
    what = code or _("campaign {campaign}").format(campaign=campaign)
    output.message(_("recorded spend {id}: {amount} on {what} ({date})").format(
        id=s["id"], amount=format_amount(s["amount_fen"], s["currency"]), what=what, date=s["date"]))


@spend_app.command("list")
def spend_list(
    fmt: Annotated[StatementFmt, typer.Option("--format", "-f", help="table, json, csv or md.")] = StatementFmt.table,
):
    """List promotion spend."""
    from weimai_cli.cli import output
    from weimai_cli.ledger import payouts

    output.rows(payouts.list_spend(open_db()), [
        output.Col("id", N_("id"), "int"), output.Col("date", N_("date")), output.Col("share_code", N_("share")),
        output.Col("campaign", N_("campaign")), output.Col("distributor", N_("as")),
        output.Col("amount_fen", N_("amount"), "money"), output.Col("currency", N_("cur")),
        output.Col("note", N_("note")),
    ], fmt.value, empty=_("no spend recorded"))
