"""weimai orders: import platform exports, browse order lines, attribution, mappings."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import DryRunOpt, Fmt, ForceOpt, FormatOpt, JsonOpt, LimitOpt, SkuOpt
from weimai_cli.db.store import open_db

app = typer.Typer(
    help="Orders: import platform exports (Taobao Union, JD, Amazon, Shopify, Douyin, generic), "
    "list, show, attribute.",
    no_args_is_help=True,
)
mapping_app = typer.Typer(help="Saved column mappings for generic order files.", no_args_is_help=True)
app.add_typer(mapping_app, name="mapping")

INPUT_FORMATS = (
    "auto", "taobao-union", "taobao-union-legacy", "taobao-refund", "jd-union", "amazon-earnings",
    "amazon-orders", "shopify", "douyin", "douyin-affiliate", "generic",
)
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="Map a column to a field: COLUMN=field (repeatable; generic files).",
                 show_default=False),
]


def _summary(r) -> str:
    from weimai_cli.cli import output

    verb = "would import" if r.dry_run else "imported"
    enc = f", {r.encoding}" if r.encoding else ""
    text = (
        f"{verb} {r.file} ({r.format}, {r.container}{enc}): {output.count(r.rows, 'row')}: {r.new} new, "
        f"{r.changed} changed, {r.unchanged} unchanged, {r.stale} stale, {r.rejected} rejected"
    )
    if r.merged:
        text += f", {r.merged} merged"
    if r.unmatched:
        text += f", {r.unmatched} unmatched"
    return text + f"; {r.attributed} attributed, {r.unattributed} unattributed"


@app.command("import")
def import_cmd(
    files: Annotated[list[str], typer.Argument(help="Order exports: CSV/TSV (UTF-8, GB18030, UTF-16), XLSX, XLS, zip.")],
    input_format: Annotated[
        str, typer.Option("--format", help=f"Input format: {', '.join(INPUT_FORMATS)}.")
    ] = "auto",
    maps: MapOpt = None,
    mapping: Annotated[str | None, typer.Option("--mapping", help="Use a saved mapping (see `orders mapping save`).")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Platform name for generic files.")] = None,
    dry_run: DryRunOpt = False,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Import the good rows; bad rows go to --rejects.")] = False,
    rejects: Annotated[str | None, typer.Option("--rejects", help="CSV file for rejected rows, with reasons.")] = None,
    force: ForceOpt = False,
    as_distributor: Annotated[str | None, typer.Option("--as", help="Affiliate reports: whose earnings these are (default me).")] = None,
    allow_any_date: Annotated[bool, typer.Option("--allow-any-date", help="Accept times before 2000 or more than a year from now.")] = False,
    currency: Annotated[str | None, typer.Option("--currency", help="Currency of lines whose file names none (GBP, USD …; default: the marketplace's, CNY for Chinese platforms).")] = None,
    as_json: JsonOpt = False,
):
    """Import order exports: each file is one transaction, all or nothing.

    The same file twice changes nothing; a later export updates statuses,
    amounts and refunds (each change is kept); an older export never moves a
    status back. Lines are attributed to shares by tracking code, else by
    slot (推广位ID, Amazon tracking id) and SKU.
    """
    from weimai_cli.cli import output
    from weimai_cli.errors import UsageError
    from weimai_cli.orders.importer import ImportRequest, import_files
    from weimai_cli.orders.mappings import parse_maps

    if input_format not in INPUT_FORMATS:
        raise UsageError(f"--format {input_format!r} is not one of: {', '.join(INPUT_FORMATS)}")
    conn = open_db()
    bars: list = []

    def progress(name):
        bar = output.Progress(f"importing {name}", 0)
        bars.append(bar)
        return bar  # (called with done, total; closed when the importer gives up an attempt)

    def done(r):
        while bars:
            bars.pop().close()
        if as_json:
            return
        output.message(_summary(r))
        if r.bad_codes:
            output.warn(
                f"{r.file}: {r.bad_codes} line(s) carry a tracking code that does not verify "
                f"or names no share, not credited: {', '.join(r.bad_code_list)}"
            )
        if r.stale:
            output.warn(
                f"{r.file}: {r.stale} stale line(s) left alone (older than what is stored): "
                f"{', '.join(r.stale_keys)}"
            )
        if r.unmatched:
            output.warn(f"{r.file}: {r.unmatched} line(s) match no imported order; import the order report first")
        if r.same_as_import:
            output.message(f"(same content as import #{r.same_as_import})")

    try:
        request = ImportRequest(
            format=input_format, maps=parse_maps(maps or []), mapping=mapping, platform=platform,
            distributor=as_distributor, dry_run=dry_run, skip_bad=skip_bad, rejects=rejects,
            force=force, allow_any_date=allow_any_date, currency=currency, warn=output.warn,
            progress=progress, done=done,
        )
        results = import_files(conn, files, request)
    finally:
        while bars:
            bars.pop().close()
    if as_json:
        output.json_out([r.as_dict() for r in results])


def _order_cols():
    from weimai_cli.cli.output import Col

    return [
        Col("platform", "platform"),
        Col("line_key", "line"),
        Col("sku", "SKU"),
        Col("title", "title"),
        Col("quantity", "qty", "int"),
        Col("paid_fen", "paid", "money"),
        Col("refunded_fen", "refunded", "money"),
        Col("currency", "cur"),
        Col("status", "status"),
        Col("month", "month"),
        Col("share_code", "share"),
        Col("distributor", "distributor"),
        Col("reported_commission_fen", "commission", "money"),
    ]


@app.command("list")
def list_cmd(
    month: Annotated[str | None, typer.Option("--month", help="Only this month (YYYY-MM, Asia/Shanghai).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only these statuses (comma separated).")] = None,
    sku: SkuOpt = None,
    share: Annotated[str | None, typer.Option("--share", help="Only lines of this share (code or id).")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform.")] = None,
    unattributed: Annotated[bool, typer.Option("--unattributed", help="Only lines matched to no share.")] = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Fmt.table,
):
    """List order lines with filters."""
    from weimai_cli.cli import output
    from weimai_cli.orders.query import LIST_COLUMNS, list_orders

    data = list_orders(
        open_db(), month=month, status=status, sku=sku, share=share, platform=platform,
        unattributed=unattributed, limit=limit,
    )
    if fmt in (Fmt.json, Fmt.nl):
        keys = [c.split(" AS ")[-1].split(".")[-1] for c in LIST_COLUMNS.split(", ")]
        output.rows(data, [output.Col(k, k) for k in keys], fmt.value, empty="no orders match")
        return
    output.rows(data, _order_cols(), fmt.value, empty="no orders match")


@app.command("show")
def show_cmd(
    line_key: Annotated[str, typer.Argument(help="The line key (sub-order id, …).")],
    platform: Annotated[str | None, typer.Option("--platform", help="When the key exists on several platforms.")] = None,
    fmt: FormatOpt = Fmt.table,
):
    """Show one order line and its history (the import that made it, every change)."""
    from weimai_cli.cli import output
    from weimai_cli.money import format_fen, format_rate
    from weimai_cli.orders.query import show_order

    line = show_order(open_db(), line_key, platform)
    if fmt == Fmt.json:
        output.json_out(line)
        return
    money = ("unit_price_fen", "paid_fen", "refunded_fen", "settled_fen",
             "reported_commission_fen", "settled_commission_fen")
    pairs = []
    for k, v in line.items():
        if k == "history" or v is None:
            continue
        # formatted values get plain labels: paid_fen 36800 shows as "paid 368.00"
        if k in money:
            k, v = k.removesuffix("_fen"), format_fen(v)
        elif k == "reported_rate_bp":
            k, v = "reported_rate", format_rate(v)
        pairs.append((k.replace("_", " "), str(v)))
    output.fields(pairs)
    output.line()
    output.rows(
        line["history"],
        [output.Col("at", "at"), output.Col("import_id", "import", "int"), output.Col("file", "file"),
         output.Col("field", "field"), output.Col("old_value", "old"), output.Col("new_value", "new")],
        fmt.value, title="history",
    )


@app.command("attribute")
def attribute_cmd(as_json: JsonOpt = False):
    """Attribute unattributed lines again, e.g. after shares were recorded late.

    Codes that did not verify are verified again (e.g. after config.toml was restored)."""
    from weimai_cli.cli import output
    from weimai_cli.orders.attribution import attribute

    result = attribute(open_db())
    if as_json:
        output.json_out(result)
        return
    verified = f"; {result['codes_verified']} code(s) verified again" if result["codes_verified"] else ""
    output.message(
        f"attributed {result['attributed']} line(s); {result['still_unattributed']} still unattributed"
        + verified
    )


@mapping_app.command("save")
def mapping_save(
    name: Annotated[str, typer.Argument(help="Name for the mapping.")],
    maps: MapOpt = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Platform name the mapped files come from.")] = None,
):
    """Save a column mapping for generic files: --map COLUMN=field …"""
    from weimai_cli.cli import output
    from weimai_cli.orders.mappings import parse_maps, save_mapping

    parsed = parse_maps(maps or [])
    save_mapping(open_db(), name, parsed, platform)
    output.message(f"saved mapping {name}: " + ", ".join(f"{c}={f}" for f, cs in parsed.items() for c in cs))


@mapping_app.command("list")
def mapping_list(fmt: FormatOpt = Fmt.table):
    """List saved mappings."""
    from weimai_cli.cli import output
    from weimai_cli.orders.mappings import list_mappings

    output.rows(
        list_mappings(open_db()),
        [output.Col("name", "name"), output.Col("platform", "platform"),
         output.Col("mapping", "mapping"), output.Col("updated_at", "updated")],
        fmt.value, empty="no saved mappings",
    )
