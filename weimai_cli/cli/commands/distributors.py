"""weimai distributors add|list|show|edit|deactivate|rate."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import Fmt, FormatOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import ngettext, tr

app = typer.Typer(
    help="Distributors (达人): their rates (also per SKU or category), status and delivery target.",
    no_args_is_help=True,
)

HandleArg = Annotated[str, typer.Argument(help="The distributor's handle.")]


def _rate(value: str, option: str) -> int:
    from weimai_cli.errors import BadInput
    from weimai_cli.money import MoneyError, parse_rate

    try:
        bp = parse_rate(value)
    except MoneyError as exc:
        raise BadInput(f"{option}: {exc}", tr("write a percent from 0 to 100, like {a} or {b}").format(a="25%", b="25")) from None
    if bp is None:
        raise BadInput(tr("{option} is empty").format(option=option), tr("write a percent from 0 to 100, like {a} or {b}").format(a="25%", b="25"))
    return bp


@app.command("add")
def add_cmd(
    handle: Annotated[str, typer.Argument(help="Short handle, e.g. xiaohong (used with `share --as`).")],
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the handle).")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="WeChat id, phone or e-mail.")] = None,
    rate: Annotated[
        str | None, typer.Option("--rate", help="Their rate in percent (12.5%, 12.5); wins over the goods' terms.")
    ] = None,
):
    """Add a distributor."""
    from weimai_cli.cli import output
    from weimai_cli.money import format_rate
    from weimai_cli.sharing.distributors import add_distributor

    rate_bp = _rate(rate, "--rate") if rate is not None else None
    d = add_distributor(open_db(), handle, name=name, contact=contact, rate_bp=rate_bp)
    rate_text = tr(", rate {rate}").format(rate=format_rate(d["rate_bp"])) if d["rate_bp"] is not None else ""
    output.message(tr("added distributor {handle} ({name}{rate})").format(handle=d["handle"], name=d["name"],
                                                                         rate=rate_text))


@app.command("list")
def list_cmd(
    fmt: FormatOpt = Fmt.table,
    everyone: Annotated[bool, typer.Option("--all", "-a", help="Deactivated distributors too.")] = False,
):
    """List active distributors with their rate, status, delivery target and shares."""
    from weimai_cli.cli import output
    from weimai_cli.cli.render.distributors import list_cols, list_rows
    from weimai_cli.sharing.distributors import inactive_count, list_distributors

    conn = open_db()
    output.rows(list_rows(list_distributors(conn, include_inactive=everyone), fmt.value), list_cols(), fmt.value,
                empty=tr("no rows"))
    hidden = 0 if everyone else inactive_count(conn)
    if hidden:
        output.message(ngettext("{n} deactivated distributor not listed (--all lists them)",
                                "{n} deactivated distributors not listed (--all lists them)", hidden).format(n=hidden))


@app.command("show")
def show_cmd(handle: HandleArg, fmt: FormatOpt = Fmt.table):
    """Show one distributor: fields, status, delivery target and per-SKU / per-category rates."""
    from weimai_cli.cli import output
    from weimai_cli.cli.render import distributors as render
    from weimai_cli.sharing.distributors import distributor_summary

    d = distributor_summary(open_db(), handle)
    if fmt == Fmt.json:
        output.json_out(d)
        return
    output.fields(render.distributor_fields(d))
    if d["rates"]:
        output.line()
        output.rows(render.rate_rows(d["rates"], fmt.value), render.rate_cols(), fmt.value,
                    title=tr("rates ({precedence})").format(precedence=tr(render.PRECEDENCE)))


@app.command("edit")
def edit_cmd(
    handle: HandleArg,
    rate: Annotated[str | None, typer.Option("--rate", help="The distributor's rate in percent (12.5%, 12.5).")] = None,
    no_rate: Annotated[bool, typer.Option("--no-rate", help="Drop the distributor's rate: goods' terms apply.")] = False,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="WeChat id, phone or e-mail ('' clears it).")] = None,
    notify: Annotated[
        str | None, typer.Option("--notify", help="Delivery target (`weimai notify list`) for their statements.")
    ] = None,
    no_notify: Annotated[bool, typer.Option("--no-notify", help="Drop the delivery target.")] = False,
    active: Annotated[bool, typer.Option("--active", help="Reactivate a deactivated distributor.")] = False,
):
    """Change a distributor's fields. Shares made before keep the rate they were made with."""
    from weimai_cli.cli import output
    from weimai_cli.errors import UsageError
    from weimai_cli.money import format_rate
    from weimai_cli.sharing.distributors import edit_distributor

    if rate is not None and no_rate:
        raise UsageError(tr("--rate and --no-rate exclude each other"))
    if notify is not None and no_notify:
        raise UsageError(tr("--notify and --no-notify exclude each other"))
    changes: dict = {}
    if rate is not None or no_rate:
        changes["rate_bp"] = None if no_rate else _rate(rate, "--rate")
    if name is not None:
        changes["name"] = name
    if contact is not None:
        changes["contact"] = contact
    if notify is not None or no_notify:
        changes["notify_target"] = None if no_notify else _notify_target(notify)
    if active:
        changes["active"] = 1
    if not changes:
        raise UsageError(
            tr("nothing to change"), tr("give --rate, --no-rate, --name, --contact, --notify, --no-notify or --active")
        )
    d, changed = edit_distributor(open_db(), handle, changes)
    if not changed:
        output.message(tr("unchanged {handle}").format(handle=d["handle"]))
        return
    none = tr("(none)")
    shown = {
        "name": lambda: tr("name {name}").format(name=d["name"]),
        "contact": lambda: tr("contact {contact}").format(contact=d["contact"] or none),
        "rate_bp": lambda: tr("rate {rate}").format(
            rate=format_rate(d["rate_bp"]) if d["rate_bp"] is not None else tr("(goods terms)")),
        "notify_target": lambda: tr("notify {target}").format(target=d["notify_target"] or none),
        "active": lambda: tr("reactivated"),
    }
    output.message(tr("changed {handle}: {changes}").format(
        handle=d["handle"], changes=tr(", ").join(shown[k]() for k in changed)))


def _notify_target(name: str) -> str:
    from weimai_cli.errors import BadInput, NotFound
    from weimai_cli.notify.targets import get_target

    name = name.strip()
    if not name:
        raise BadInput(tr("--notify is empty"), tr("give a target of `weimai notify list`, or use --no-notify"))
    try:
        return get_target(name).name
    except NotFound as exc:
        raise NotFound(f"--notify: {exc}", exc.hint) from None


@app.command("deactivate")
def deactivate_cmd(handle: HandleArg):
    """Deactivate a distributor: no new shares; shares, orders and ledger entries stay."""
    from weimai_cli.cli import output
    from weimai_cli.sharing.distributors import deactivate_distributor, get_distributor

    conn = open_db()
    if not deactivate_distributor(conn, handle):
        output.message(tr("{handle} was already deactivated").format(handle=handle))
        return
    d = get_distributor(conn, handle)
    output.message(
        tr("deactivated {handle}: their shares, orders and ledger entries are kept; "
          "`weimai distributors edit {handle} --active` reactivates").format(handle=d["handle"])
    )


@app.command("rate", context_settings={"ignore_unknown_options": True})
def rate_cmd(
    handle: HandleArg,
    rate: Annotated[str | None, typer.Argument(help="Rate in percent (12.5%, 12.5); leave out to list.")] = None,
    sku: Annotated[str | None, typer.Option("--sku", help="The rate applies to this SKU.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="The rate applies to this category.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Drop the rate for --sku or --category.")] = False,
    fmt: FormatOpt = Fmt.table,
):
    """Set, remove or list a distributor's per-SKU and per-category rates.

    A share takes the first of: the distributor's per-SKU rate, per-category
    rate, the distributor's rate (`edit --rate`), the goods' own terms.
    Shares made before keep their rate. Without --sku/--category: list them.
    """
    from weimai_cli.cli import output
    from weimai_cli.errors import UsageError
    from weimai_cli.money import format_rate
    from weimai_cli.sharing import distributors as dist

    if rate is not None and rate.startswith("--"):  # unknown options reach RATE (so that -1 is a rate to refuse)
        raise UsageError(tr("No such option: {option}").format(option=rate.split("=")[0]),
                         tr("see `weimai distributors rate --help`"))
    if sku is not None and category is not None:
        raise UsageError(tr("--sku and --category exclude each other"), tr("set one rate at a time"))
    scope, key = ("sku", sku) if sku is not None else ("category", category) if category is not None else (None, None)
    conn = open_db()
    if scope is None:
        if rate is not None or remove:
            raise UsageError(
                tr("say what the rate is for: --sku SKU or --category CATEGORY"),
                tr("the distributor's own rate: weimai distributors edit {handle} --rate {rate}").format(
                    handle=handle, rate=rate or "RATE"),
            )
        from weimai_cli.cli.render.distributors import rate_cols, rate_rows

        handle = dist.get_distributor(conn, handle)["handle"]
        output.rows(rate_rows(dist.rates_of(conn, handle), fmt.value), rate_cols(), fmt.value,
                    empty=tr("{handle} has no per-SKU or per-category rates").format(handle=handle))
        return
    what = tr("{scope} rate of {handle} for {key!r}").format(
        scope=tr(dist.SCOPE_NAMES[scope]), handle=handle, key=(key or "").strip())
    if remove:
        if rate is not None:
            raise UsageError(tr("a RATE and --remove exclude each other"))
        old = dist.remove_rate(conn, handle, scope, key)
        output.message(tr("removed the {what} ({rate})").format(what=what, rate=format_rate(old)))
        return
    if rate is None:
        raise UsageError(tr("give a RATE or --remove"), tr("e.g. weimai distributors rate {handle} --{scope} {key} 25%").format(
            handle=handle, scope=scope, key=key))
    bp = _rate(rate, "RATE")
    outcome = dist.set_rate(conn, handle, scope, key, bp)
    done = {"added": tr("added the {what}: {rate}"), "changed": tr("changed the {what}: {rate}")}
    output.message(done[outcome].format(what=what, rate=format_rate(bp)) if outcome != "unchanged"
                   else tr("unchanged: {what}").format(what=what))
