"""weimai goods …  and  weimai list-goods."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.cli.options import DryRunOpt, Fmt, FormatOpt, JsonOpt, LimitOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, _, ngettext

app = typer.Typer(help="Keep the goods catalogue: add, import, show, edit, archive.", no_args_is_help=True)
list_app = typer.Typer()



TitleOpt = Annotated[str | None, typer.Option("--title", help="Product title.")]
PriceOpt = Annotated[str | None, typer.Option("--price", help="Price in yuan: 12.50, ¥12.50, 1,299.")]
OrigOpt = Annotated[str | None, typer.Option("--original-price", help="Original (struck-through) price.")]
RateOpt = Annotated[str | None, typer.Option("--rate", help="Commission rate in percent: 12.5%, 12.5.")]
CommOpt = Annotated[str | None, typer.Option("--commission", help="Fixed commission per unit (yuan), instead of a rate.")]
SupplierOpt = Annotated[str | None, typer.Option("--supplier", help="Supplier or shop name.")]
CategoryOpt = Annotated[str | None, typer.Option("--category", help="Category.")]
PlatformOpt = Annotated[str | None, typer.Option("--platform", help="Where it sells: taobao, jd, amazon, shopify, douyin, weidian…")]
UrlOpt = Annotated[str | None, typer.Option("--url", help="Product page URL.")]
ImageOpt = Annotated[str | None, typer.Option("--image", help="Image URL.")]
StockOpt = Annotated[str | None, typer.Option("--stock", help="Units in stock.")]
TagsOpt = Annotated[str | None, typer.Option("--tags", help="Tags, comma separated.")]
PointsOpt = Annotated[str | None, typer.Option("--selling-points", help="Selling points for posts.")]
CurrencyOpt = Annotated[
    str | None, typer.Option("--currency", help="Currency of the prices, an ISO code: CNY (default), USD, EUR…")
]


def _fields(**kw) -> dict:
    from weimai_cli.catalog.goods import parse_fields

    names = {"image": "image_url"}
    return parse_fields({names.get(k, k): v for k, v in kw.items()})


def _item_command(kind: str):
    """`goods add` and `goods edit` take the same options; one body serves both."""

    def command(
        sku: Annotated[str, typer.Argument(help="The SKU (kept as text).")],
        title: TitleOpt = None,
        price: PriceOpt = None,
        rate: RateOpt = None,
        commission: CommOpt = None,
        original_price: OrigOpt = None,
        supplier: SupplierOpt = None,
        category: CategoryOpt = None,
        platform: PlatformOpt = None,
        url: UrlOpt = None,
        image: ImageOpt = None,
        stock: StockOpt = None,
        tags: TagsOpt = None,
        selling_points: PointsOpt = None,
        currency: CurrencyOpt = None,
    ):
        from weimai_cli.catalog import goods as catalog
        from weimai_cli.cli import output

        if currency is not None:  # an option's value, as for orders import, payouts, spend: exit 2
            from weimai_cli.money import currency_option

            currency = currency_option(currency)
        fields = _fields(
            title=title, price=price, rate=rate, commission=commission, original_price=original_price,
            supplier=supplier, category=category, platform=platform, url=url, image=image, stock=stock,
            tags=tags, selling_points=selling_points, currency=currency,
        )
        conn = open_db()
        if kind == "add":
            item = catalog.add_goods(conn, sku, fields)
            output.message(_("added {sku}: {title}").format(sku=item["sku"], title=item["title"]))
        else:
            changed = catalog.edit_goods(conn, sku, fields)
            output.message((_("changed {sku}") if changed else _("unchanged {sku}")).format(sku=sku))

    command.__doc__ = {
        "add": N_("Add one item to the catalogue."),
        "edit": N_("Change fields of one item; price and rate changes go into its history."),
    }[kind]
    return command


app.command("add")(_item_command("add"))
app.command("edit")(_item_command("edit"))


@app.command("archive")
def archive_cmd(sku: Annotated[str, typer.Argument(help="The SKU to archive.")]):
    """Archive an item: hidden from lists and shares, kept for history."""
    from weimai_cli.catalog import goods as catalog
    from weimai_cli.cli import output

    changed = catalog.archive_goods(open_db(), sku)
    output.message((_("archived {sku}") if changed else _("{sku} was already archived")).format(sku=sku))


@app.command("show")
def show_cmd(sku: Annotated[str, typer.Argument(help="The SKU.")], fmt: FormatOpt = Fmt.table):
    """Show one item: its coupon (券后价, dates, valid or expired), its affiliate
    links per slot (expired ones marked), and its price and rate history."""
    from weimai_cli.catalog import goods as catalog
    from weimai_cli.catalog.offers import coupon_price_fen, links_of
    from weimai_cli.cli import output
    from weimai_cli.cli.render import goods as render
    from weimai_cli.clock import today

    conn = open_db()
    day = today()
    item = catalog.get_goods(conn, sku)
    history = catalog.goods_history(conn, item["sku"])
    from weimai_cli.sharing.distributors import rates_for_goods

    dist_rates = rates_for_goods(conn, item)
    text_format = fmt in (Fmt.table, Fmt.md)
    links = render.link_rows(links_of(conn, item["sku"]), day, text_format=text_format)
    if fmt == Fmt.json:
        output.json_out({
            **item, "coupon_price_fen": coupon_price_fen(item, day), "coupon_state": render.coupon_state(item, day),
            "links": [{**link, "slot": link["slot"] if link["slot"] != "(any)" else ""} for link in links],
            "history": history, "distributor_rates": dist_rates,
        })
        return
    pairs = [*render.item_pairs(item), *render.coupon_pairs(item, day), *render.item_tail(item)]
    output.fields([(k, v) for k, v in pairs if v])
    history_cols = render.history_cols(any(h["currency"] != "CNY" for h in history))
    if links:
        output.line()
        output.rows(links, render.LINK_COLS, fmt.value, title=N_("links"))
    output.line()
    output.rows(history, history_cols, fmt.value, title=N_("history"))
    from weimai_cli.cli.render.distributors import show_goods_rates

    show_goods_rates(dist_rates, fmt.value)


@app.command("link")
def link_cmd(
    sku: Annotated[str, typer.Argument(help="The SKU.")],
    value: Annotated[str, typer.Argument(help="The 联盟's link (s.click / uland / m.tb.cn / u.jd.com …) or a 淘口令.")],
    slot: Annotated[
        str | None,
        typer.Option("--slot", help="The 推广位 (adzone id) the link was made for (default: the PID's adzone in it, else none)."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="coupon_link, link, short or tkl (default: from the value)."),
    ] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="Last day the link works, YYYY-MM-DD.")] = None,
):
    """Record one affiliate link or 淘口令 of an item for a slot (replaces that slot's
    link of the same kind). A link not of the item's platform, or the item's own
    page (it earns nothing), is refused."""
    from weimai_cli.catalog.picks import add_link
    from weimai_cli.cli import output

    link = add_link(open_db(), sku, value, slot=slot, kind=kind, expires_on=expires)
    where = _("slot {slot}").format(slot=link["slot"]) if link["slot"] else _("any slot")
    name = f"{link['kind_name']} ({link['kind']})" if link["platform"] in ("taobao", "tmall") else link["kind"]
    if link["expires_on"]:
        text = _("{sku}: {name} for {where}, until {day}").format(
            sku=link["sku"], name=name, where=where, day=link["expires_on"])
    else:
        text = _("{sku}: {name} for {where}").format(sku=link["sku"], name=name, where=where)
    output.message(text)


@app.command("import")
def import_cmd(
    files: Annotated[list[str], typer.Argument(help="CSV/TSV (UTF-8, BOM or GBK/GB18030, also named .xls), JSON, JSON lines, XLSX or XLS.")],
    dry_run: DryRunOpt = False,
    archive_missing: Annotated[
        bool,
        typer.Option("--archive-missing", help="Archive active goods of this source that are not in the file."),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Name the goods' source (default: the file's name), e.g. supplier."),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=field for a column the importer does not know, e.g. 货号=sku (repeat)."),
    ] = None,
    slot: Annotated[
        str | None,
        typer.Option("--slot", help="The 推广位 (adzone id) a 选品库 export's links were made for (default: their PID's)."),
    ] = None,
    as_json: JsonOpt = False,
):
    """Import goods from files: upsert by SKU, record price and rate changes.

    Each file is its own transaction: a bad row stops that file with nothing
    written. Rates are percent: 12.5%, 12.5 % and 12.5 all mean 12.5 %. A
    淘宝联盟 选品库 export (XLS/XLSX/CSV as downloaded) is known by its headers:
    its coupons and affiliate links come in too (see docs/taoke.md).
    """
    from weimai_cli.catalog import goods_import as catalog
    from weimai_cli.catalog.feeds import parse_map
    from weimai_cli.cli import output
    from weimai_cli.errors import UsageError

    column_map = parse_map(maps)

    if source is not None:
        source = catalog.check_source(source)
        if archive_missing and len(files) > 1:
            # one source, several files: each file would archive the others' goods
            raise UsageError(
                _("--archive-missing with --source takes one file"),
                _("import the files one at a time, or join them into one file"),
            )
    conn = open_db()
    results = []
    for f in files:
        bar = output.Progress(_("importing {file}").format(file=f), 0)
        try:
            s = catalog.import_goods(
                conn, f, dry_run=dry_run, archive_missing=archive_missing,
                warn=output.warn, progress=bar.update, source=source, column_map=column_map,
                slot=slot.strip() if slot is not None else None,
            )
        finally:
            bar.close()
        results.append(s)
        if not as_json:
            output.message(import_line(s, dry_run))
    if as_json:
        output.json_out([r.as_dict() for r in results])


def import_line(s, dry_run: bool) -> str:
    """The summary of one imported file: ``imported a.csv (csv, utf-8): 3 rows: 2 added, …``."""
    what = s.container + (", " + s.encoding if s.encoding else "") + (", 淘宝联盟 选品库" if s.kind == "taobao-picks" else "")
    text = (
        _("would import {file} ({what}): {rows}: {added} added, {changed} changed, {unchanged} unchanged, "
          "{archived} archived") if dry_run
        else _("imported {file} ({what}): {rows}: {added} added, {changed} changed, {unchanged} unchanged, "
               "{archived} archived")
    )
    links = ngettext("; {n} link", "; {n} links", s.links).format(n=s.links) if s.links else ""
    return text.format(
        file=s.file, what=what, rows=ngettext("{n} row", "{n} rows", s.rows).format(n=s.rows),
        added=s.added, changed=s.changed, unchanged=s.unchanged, archived=s.archived,
    ) + links


def list_goods(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Substring of SKU or title (any script, Latin case-insensitive).")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    supplier: Annotated[str | None, typer.Option("--supplier", help="Only this supplier.")] = None,
    min_rate: Annotated[str | None, typer.Option("--min-rate", help="Only rates at or above this percent.")] = None,
    include_archived: Annotated[bool, typer.Option("--include-archived", help="Show archived goods too.")] = False,
    with_coupon: Annotated[bool, typer.Option("--with-coupon", help="Only goods with a coupon valid today.")] = False,
    sort: Annotated[
        str,
        typer.Option("--sort", help="price, coupon_price (券后价), rate, commission, sales, title, updated or sku."),
    ] = "sku",
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Fmt.table,
    skus_only: Annotated[bool, typer.Option("--quiet", "-q", help="Print SKUs only, one a line.")] = False,
):
    from weimai_cli.catalog import goods as catalog
    from weimai_cli.cli import output
    from weimai_cli.cli.render import goods as render
    from weimai_cli.clock import today
    from weimai_cli.errors import UsageError
    from weimai_cli.money import MoneyError, parse_rate

    if sort not in catalog.SORTS:
        raise UsageError(_("--sort {sort!r} is not one of: {sorts}").format(sort=sort, sorts=", ".join(catalog.SORTS)))
    try:
        min_bp = parse_rate(min_rate) if min_rate else None
    except MoneyError as exc:
        raise UsageError(f"--min-rate: {exc}", _("write a percent like 10 or 10%")) from None
    day = today()
    data = catalog.query_goods(
        open_db(), search=search, category=category, supplier=supplier, min_rate_bp=min_bp,
        include_archived=include_archived, with_coupon=with_coupon, sort=sort, desc=desc, limit=limit, day=day,
    )
    if not data:
        output.message(_("no goods match"))
        return
    if skus_only:
        for r in data:
            output.line(output.shown(r["sku"]))  # one SKU a line, even with a newline in it
        return
    # JSON always carries the currency (price_fen means nothing without it); the
    # text formats show a cur column only when something is not priced in CNY
    json_like = fmt in (Fmt.json, Fmt.nl)
    foreign = json_like or any(r["currency"] != "CNY" for r in data)
    # 券后价 and the coupon: in the text formats only when a coupon lowers the price
    # of some listed goods today
    couponed = json_like or any(r["coupon_price_fen"] < r["price_fen"] for r in data)
    cols = render.list_cols(
        with_status=include_archived, with_currency=foreign, with_coupon=couponed, json_like=json_like
    )
    text_format = fmt in (Fmt.table, Fmt.md)  # JSON and CSV keep English values
    output.rows(render.list_rows(data, day, text_format=text_format), cols, fmt.value)


# (registered twice below, so its help is marked here for the catalog)
list_goods.__doc__ = N_("List the catalogue with the commission per unit (price × rate), and 券后价\n"
                        "and the coupon where goods have one.")
app.command("list")(list_goods)
list_app.command("list-goods")(list_goods)


@app.command("sync")
def sync_cmd(
    names: Annotated[list[str] | None, typer.Argument(help="Feeds to sync (default: all).")] = None,
    as_json: JsonOpt = False,
):
    """Fetch supplier feeds and import them: a feed's own goods gone from it are archived.

    ETag / If-Modified-Since make an unchanged feed cost one request. A failed
    or garbage fetch leaves the catalogue unchanged (exit 1); other feeds still sync.
    """
    from weimai_cli.catalog import feeds
    from weimai_cli.cli import output
    from weimai_cli.cli.failures import show as show_failure
    from weimai_cli.errors import WeimaiError

    conn = open_db()
    names = names or feeds.feed_names(conn)
    if not names:
        output.message(_("no feeds; add one with `weimai feeds add NAME URL`"))
        return
    results, failures = [], []
    for name in names:
        try:
            r = feeds.sync_feed(conn, name, warn=output.warn)
        except WeimaiError as exc:
            if len(names) == 1:
                raise
            show_failure(exc)
            failures.append(exc)
            continue
        results.append(r)
        if not as_json:
            if r.status == "not modified":
                output.message(_("{feed}: not modified since the last sync").format(feed=r.feed))
            else:
                output.message(
                    _("{feed}: {items}: {added} added, {changed} changed, {unchanged} unchanged, "
                      "{archived} archived").format(
                        feed=r.feed, items=ngettext("{n} item", "{n} items", r.rows).format(n=r.rows),
                        added=r.added, changed=r.changed, unchanged=r.unchanged, archived=r.archived)
                )
    if as_json:
        output.json_out([r.as_dict() for r in results])
    if failures:
        raise typer.Exit(max(f.exit_code for f in failures))
