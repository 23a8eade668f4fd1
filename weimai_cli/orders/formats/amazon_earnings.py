"""Amazon Associates Fee-Earnings report (FORMATS.md §3).

A title line (``Fee-Earnings reports from …``) may stand above the header;
US headers carry ``($)``, UK ones do not, Italian ones are translated and use
comma decimals. There is no order id: one row per ASIN × Tracking ID × ship
date × device, so that is the line key (with ``return`` for return rows).
Returned items come as negative Revenue / Ad Fees, often in a later report;
such a row is its own line with negative amounts, so a month's sum nets out.
Rows are shipped items: status ``confirmed``. Attribution: the Tracking ID
is the slot.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser

COLUMNS = {
    "category": ("Category", "Categoria"),
    "title": ("Name", "Nome", "Product Name"),
    "sku": ("ASIN",),
    "seller": ("Seller", "Venditore"),
    "slot": ("Tracking ID", "Tracking Id", "Monitoraggio ID", "ID di monitoraggio"),
    "shipped_at": ("Date Shipped", "Data spedizione"),
    "unit_price": ("Price($)", "Price", "Prezzo", "Prezzo(€)"),
    "quantity": ("Items Shipped", "Articoli spediti"),
    "returns": ("Returns", "Resi"),
    "revenue": ("Revenue($)", "Revenue", "Entrate", "Entrate(€)"),
    "fees": ("Ad Fees($)", "Ad Fees", "Commissioni pubblicitarie", "Commissioni pubblicitarie(€)"),
    "device": ("Device Type Group", "Gruppo tipo di dispositivo"),
    "direct": ("Direct Sale", "Direct", "Vendita diretta"),
}
DECIMAL_COMMA = ("Data spedizione", "Commissioni pubblicitarie", "Monitoraggio ID", "Entrate")


def currency(header: list[str]) -> str | None:
    """USD when the money columns say ($), EUR for (€), else unknown."""
    text = "".join(header)
    if "($)" in text:
        return "USD"
    if "(€)" in text:
        return "EUR"
    return None


def build(c, ctx) -> Parser:
    title = c.text("title")
    asin = c.id("sku", required=True)
    seller = c.text("seller")
    slot = c.id("slot")
    shipped = c.time("shipped_at")
    price = c.money("unit_price", negative=True)
    qty = c.int("quantity", negative=True)
    returns = c.int("returns", negative=True)
    revenue = c.money("revenue", negative=True)
    fees = c.money("fees", negative=True)
    device = c.text("device")
    cur = ctx.currency

    def feed(rownum, v):
        shipped_n, returned_n = qty(v) or 0, returns(v) or 0
        rev, fee = revenue(v), fees(v)
        is_return = returned_n > 0 or (rev is not None and rev < 0)
        when, item, tag, dev = shipped(v), asin(v), slot(v), device(v)
        line = {
            "line_key": "|".join(
                ("E", (when or "")[:10], tag or "", item, dev or "", seller(v) or "",
                 "return" if is_return else "sale")
            ),
            "sku": item,
            "title": title(v),
            "quantity": shipped_n - returned_n if is_return else shipped_n,
            "unit_price_fen": price(v),
            "paid_fen": rev,
            "currency": cur,
            "status": "confirmed",
            "raw_status": "return" if is_return else "shipped",
            "created_at": when,
            "paid_at": when,
            "confirmed_at": when,
            "slot": tag,
            "reported_commission_fen": fee,
            "is_return": is_return,
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="amazon-earnings",
    platform="amazon",
    kind="affiliate",
    title="Amazon Associates Fee-Earnings (CSV, TSV, zip or XLSX sheet)",
    columns=COLUMNS,
    required=("sku", "slot", "shipped_at", "fees"),
    build=build,
    currency=None,
    decimal_comma_columns=DECIMAL_COMMA,
    priority=1,
    currency_of=currency,
)
