"""weimai distributors add|list."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import Fmt, FormatOpt
from weimai_cli.db.store import open_db

app = typer.Typer(help="Distributors (达人) and their rate overrides.", no_args_is_help=True)


@app.command("add")
def add_cmd(
    handle: Annotated[str, typer.Argument(help="Short handle, e.g. xiaohong (used with `share --as`).")],
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the handle).")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="WeChat id, phone or e-mail.")] = None,
    rate: Annotated[
        str | None, typer.Option("--rate", help="Rate override in percent (12.5%, 12.5); wins over goods rates.")
    ] = None,
):
    """Add a distributor."""
    from weimai_cli.cli import output
    from weimai_cli.errors import BadInput
    from weimai_cli.money import MoneyError, format_rate, parse_rate
    from weimai_cli.sharing.distributors import add_distributor

    try:
        rate_bp = parse_rate(rate) if rate is not None else None
    except MoneyError as exc:
        raise BadInput(f"--rate: {exc}", "write a percent like 25% or 25") from None
    d = add_distributor(open_db(), handle, name=name, contact=contact, rate_bp=rate_bp)
    rate_text = f", rate {format_rate(d['rate_bp'])}" if d["rate_bp"] is not None else ""
    output.message(f"added distributor {d['handle']} ({d['name']}{rate_text})")


@app.command("list")
def list_cmd(fmt: FormatOpt = Fmt.table):
    """List distributors with their rate override and number of shares."""
    from weimai_cli.cli import output
    from weimai_cli.sharing.distributors import list_distributors

    output.rows(
        list_distributors(open_db()),
        [
            output.Col("handle", "handle"),
            output.Col("name", "name"),
            output.Col("contact", "contact"),
            output.Col("rate_bp", "rate", "rate"),
            output.Col("shares", "shares", "int"),
            output.Col("last_share", "last share"),
            output.Col("created_at", "created"),
        ],
        fmt.value,
    )
