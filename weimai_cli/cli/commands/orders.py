"""weimai orders: import platform exports, browse order lines, attribution, mappings."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import DryRunOpt, Fmt, ForceOpt, FormatOpt, JsonOpt, LimitOpt, SkuOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, _, lang, pgettext

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
    from weimai_cli.i18n import ngettext

    enc = f", {r.encoding}" if r.encoding else ""
    rows = ngettext("{n} row", "{n} rows", r.rows).format(n=r.rows)
    counts = dict(file=r.file, format=r.format, container=r.container, enc=enc, rows=rows, new=r.new,
                  changed=r.changed, unchanged=r.unchanged, stale=r.stale, rejected=r.rejected)
    if r.dry_run:
        text = _("would import {file} ({format}, {container}{enc}): {rows}: {new} new, {changed} changed, "
                 "{unchanged} unchanged, {stale} stale, {rejected} rejected").format(**counts)
    else:
        text = _("imported {file} ({format}, {container}{enc}): {rows}: {new} new, {changed} changed, "
                 "{unchanged} unchanged, {stale} stale, {rejected} rejected").format(**counts)
    if r.merged:
        text += _(", {n} merged").format(n=r.merged)
    if r.unmatched:
        text += _(", {n} unmatched").format(n=r.unmatched)
    return text + _("; {attributed} attributed, {unattributed} unattributed").format(
        attributed=r.attributed, unattributed=r.unattributed)


@app.command("import")
def import_cmd(
    files: Annotated[list[str], typer.Argument(help="Order exports: CSV/TSV (UTF-8, GB18030, UTF-16), XLSX, XLS, zip.")],
    input_format: Annotated[  # (the help names INPUT_FORMATS: a test checks it)
        str, typer.Option("--format", help="Input format: auto, taobao-union, taobao-union-legacy, taobao-refund, jd-union, amazon-earnings, amazon-orders, shopify, douyin, douyin-affiliate, generic.")
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
        raise UsageError(_("--format {value!r} is not one of: {names}").format(
            value=input_format, names=", ".join(INPUT_FORMATS)))
    conn = open_db()
    bars: list = []

    def progress(name):
        bar = output.Progress(_("importing {name}").format(name=name), 0)
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
                _("{file}: {n} line(s) carry a tracking code that does not verify "
                  "or names no share, not credited: {codes}").format(
                    file=r.file, n=r.bad_codes, codes=", ".join(r.bad_code_list))
            )
        if r.stale:
            output.warn(
                _("{file}: {n} stale line(s) left alone (older than what is stored): {keys}").format(
                    file=r.file, n=r.stale, keys=", ".join(r.stale_keys))
            )
        if r.unmatched:
            output.warn(_("{file}: {n} line(s) match no imported order; import the order report first").format(
                file=r.file, n=r.unmatched))
        if r.same_as_import:
            output.message(_("(same content as import #{id})").format(id=r.same_as_import))

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
        Col("platform", N_("platform")),
        Col("line_key", N_("line")),
        Col("sku", N_("SKU")),
        Col("title", N_("title")),
        Col("quantity", N_("qty"), "int"),
        Col("paid_fen", N_("paid"), "money"),
        Col("refunded_fen", N_("refunded"), "money"),
        Col("currency", N_("cur")),
        Col("status", N_("status"), "status"),
        Col("month", N_("month")),
        Col("share_code", N_("share")),
        Col("distributor", N_("distributor")),
        Col("reported_commission_fen", N_("commission"), "money"),
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
        output.rows(data, [output.Col(k, k) for k in keys], fmt.value, empty=_("no orders match"))
        return
    output.rows(data, _order_cols(), fmt.value,
                empty=_("no orders match"))


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
        elif k == "status":
            v = output.status_word(v)
        label = k.replace("_", " ")
        pairs.append((_(SHOW_LABELS[label]) if label in SHOW_LABELS else label, str(v)))
    output.fields(pairs)
    output.line()
    history = line["history"]
    if lang() != "en" and fmt.value in ("table", "md"):
        history = [_shown_event(e) for e in history]
    output.rows(
        history,
        [output.Col("at", N_("at")), output.Col("import_id", N_("import"), "int"),
         output.Col("file", N_("file")), output.Col("field", N_("field")),
         output.Col("old_value", N_("old")), output.Col("new_value", N_("new"))],
        fmt.value, title=N_("history"),
    )


def _shown_event(event: dict) -> dict:
    """A history row for people: its field's label, status words (the interface language)."""
    field = event["field"]
    label = field.removesuffix("_fen").replace("_", " ")
    if field == "created":
        label = pgettext("order event", "created")
    elif label not in SHOW_LABELS:
        label = field
    elif field.endswith("_fen"):  # (the values are in fen)
        label = _("{field} (fen)").format(field=_(SHOW_LABELS[label]))
    else:
        label = _(SHOW_LABELS[label])
    shown = {**event, "field": label}
    if field == "status":
        from weimai_cli.cli.output import status_word

        shown["old_value"] = status_word(event["old_value"])
        shown["new_value"] = status_word(event["new_value"])
    return shown


# the labels of `orders show` (an order line's columns, "_" as spaces)
SHOW_LABELS = {
    "platform": N_("platform"), "line key": N_("line key"), "order id": N_("order id"), "sku": N_("sku"),
    "title": N_("title"), "quantity": N_("quantity"), "unit price": N_("unit price"), "paid": N_("paid"),
    "refunded": N_("refunded"), "settled": N_("settled"), "currency": N_("currency"), "status": N_("status"),
    "raw status": N_("raw status"), "refund status": N_("refund status"), "created at": N_("created at"),
    "paid at": N_("paid at"), "confirmed at": N_("confirmed at"), "settled at": N_("settled at"),
    "month": N_("month"), "day": N_("day"), "tracking code": N_("tracking code"),
    "code share id": N_("code share id"), "code status": N_("code status"), "slot": N_("slot"),
    "share id": N_("share id"), "share code": N_("share code"), "distributor": N_("distributor"),
    "attribution": N_("attribution"), "reported commission": N_("reported commission"),
    "settled commission": N_("settled commission"), "reported rate": N_("reported rate"),
    "kind": N_("kind"), "extra": N_("extra"), "first import id": N_("first import id"),
    "last import id": N_("last import id"), "updated at": N_("updated at"), "seen valid": N_("seen valid"),
}


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
    verified = _("; {n} code(s) verified again").format(n=result["codes_verified"]) \
        if result["codes_verified"] else ""
    output.message(
        _("attributed {n} line(s); {left} still unattributed").format(
            n=result["attributed"], left=result["still_unattributed"])
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
    output.message(_("saved mapping {name}: {maps}").format(
        name=name, maps=", ".join(f"{c}={f}" for f, cs in parsed.items() for c in cs)))


@mapping_app.command("list")
def mapping_list(fmt: FormatOpt = Fmt.table):
    """List saved mappings."""
    from weimai_cli.cli import output
    from weimai_cli.orders.mappings import list_mappings

    output.rows(
        list_mappings(open_db()),
        [output.Col("name", N_("name")), output.Col("platform", N_("platform")),
         output.Col("mapping", N_("mapping")), output.Col("updated_at", N_("updated"))],
        fmt.value, empty=N_("no saved mappings"),
    )
