"""Shopify Admin → Orders → Export CSV (FORMATS.md §4).

One row per line item; order-level fields (Financial Status, Paid at,
Discount Code, Refunded Amount, Id …) are on the order's first row only and
continuation rows inherit them. Rows of one order are consecutive (grouped
by ``Name``) and held until the order ends, so the order's Refunded Amount
can be shared out over its lines in proportion to their amounts. The line
key is ``Name:n``, n the line item's position in the order.

This is the one format that keeps a parser of its own rather than a
description for the column-wise converter (convert.py): its lines are
grouped rows. A line's order-level fields come from the order's first row,
which may lie in an earlier batch, and its refunded amount is a share of the
order's refund weighted by every line of the order, including lines in rows
after it (possibly in the next batch); a line is known only once its order
ends. So its column-wise path (``batch``) holds state: it converts a batch
of rows a column at a time, gives the lines of the orders that ended in it,
and carries the rows of the last order (converted again with the next
batch). Its row path (``feed``) is the reference the column-wise path
equals; a batch it cannot prove clean goes there, the carried rows first.

Status (FORMATS.md §7): a filled Cancelled at → cancelled; refunded and
voided → refunded; partially_refunded → paid with the refund recorded;
pending / authorized / partially_paid → pending. Attribution: a tracking
code in Discount Code, Note Attributes (``ref: wm…``) or Tags; else the
discount code itself is the slot.
"""

from __future__ import annotations

from itertools import accumulate, compress
from operator import ne

from weimai_cli.i18n import _
from weimai_cli.orders.columns import ColumnGetters
from weimai_cli.orders.formats import Format, Parser
from weimai_cli.orders.formats.convert import CODE_FIELDS, _json_objects
from weimai_cli.orders.rowgetters import Cols
from weimai_cli.orders.values import LINE_FIELDS, FieldError

STATUSES = {
    "pending": "pending",
    "authorized": "pending",
    "partially_paid": "pending",
    "paid": "paid",
    "partially_refunded": "paid",
    "refunded": "refunded",
    "voided": "refunded",
}

COLUMNS = {
    "name": ("Name",),
    "order_id": ("Id",),
    "status": ("Financial Status",),
    "paid_at": ("Paid at",),
    "fulfillment": ("Fulfillment Status",),
    "fulfilled_at": ("Fulfilled at", "Fulfillment Date"),
    "currency": ("Currency",),
    "discount_code": ("Discount Code",),
    "created_at": ("Created at",),
    "quantity": ("Lineitem quantity",),
    "title": ("Lineitem name",),
    "unit_price": ("Lineitem price",),
    "sku": ("Lineitem sku",),
    "line_discount": ("Lineitem discount",),
    "note_attributes": ("Note Attributes",),
    "notes": ("Notes",),
    "cancelled_at": ("Cancelled at",),
    "refunded": ("Refunded Amount",),
    "tags": ("Tags",),
    "source": ("Source",),
}
# the line fields a Shopify line sets (the others are always None)
FIELDS = tuple(f for f in LINE_FIELDS[1:] if f in {
    "order_id", "sku", "title", "quantity", "unit_price_fen", "paid_fen", "refunded_fen", "currency",
    "status", "raw_status", "created_at", "paid_at", "month", "slot", "extra", *CODE_FIELDS})
# order-level fields a continuation row inherits from the order's first row
ORDER_LEVEL = ("order_id", "status", "paid_at", "fulfilled_at", "currency", "discount_code",
               "created_at", "note_attributes", "cancelled_at", "refunded", "tags")


def _share(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over lines in proportion to ``weights`` (largest remainder)."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // whole for w in weights]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def build(c, ctx) -> Parser:
    name = c.text("name")
    name_col = c.index("name")
    get = {f: c.raw(f) for f in ORDER_LEVEL}
    order_id = c.id("order_id")
    status = c.status("status", STATUSES)
    paid_at = c.time("paid_at")
    created = c.time("created_at")
    cancelled = c.time("cancelled_at")
    currency = c.text("currency")
    refunded = c.money("refunded")
    code_text = (c.text("discount_code"), c.text("note_attributes"), c.text("tags"))
    discount = c.text("discount_code")
    qty = c.int("quantity")
    title = c.text("title")
    price = c.money("unit_price")
    sku = c.text("sku")
    line_disc = c.money("line_discount")
    codes = ctx.codes
    # the row path's order: its last row's status and refund, its lines, the
    # rows they came from (as read) and the rows of the order fed (``fed``:
    # as many as its lines when none was bad, so its rows read again give them)
    state: dict = {"name": None, "first": None, "lines": [], "rows": [], "fed": 0}

    def finish() -> list:
        lines = state["lines"]
        state["lines"], state["rows"], state["fed"] = [], [], 0
        if not lines:
            return []
        refund = state["refund"] or 0
        canon = state["status"]
        if canon == "refunded":
            for _, line in lines:
                line["refunded_fen"] = line["paid_fen"]
        elif refund:
            for (_, line), part in zip(lines, _share(refund, [ln["paid_fen"] for _, ln in lines]), strict=True):
                line["refunded_fen"] = part
        return lines

    def feed(rownum, v):
        order_name = name(v)
        if not order_name:
            raise FieldError(name_col, _("Name (the order) is empty"), _("every row needs its order's Name"))
        out = []
        row = (rownum, v)
        if order_name != state["name"]:
            out = finish()
            state["name"] = order_name
            state["first"] = list(v)
        else:
            first = state["first"]
            v = list(v)
            for f in ORDER_LEVEL:
                i = c.index(f)
                if i is not None and get[f](v) in ("", None):
                    v[i] = first[i]
        state["fed"] += 1
        canon, raw = status(v)
        if cancelled(v):
            canon = "cancelled"
        state["status"], state["refund"] = canon, refunded(v)
        n, unit = qty(v), price(v)
        amount = (unit or 0) * (n or 0) - (line_disc(v) or 0)
        disc = discount(v)
        found = codes(*(g(v) for g in code_text))
        state["lines"].append((rownum, {
            "line_key": f"{order_name}:{len(state['lines']) + 1}",
            "order_id": order_id(v) or order_name,
            "sku": sku(v),
            "title": title(v),
            "quantity": n,
            "unit_price_fen": unit,
            "paid_fen": amount,
            "refunded_fen": 0,
            "currency": currency(v) or ctx.currency,
            "status": canon,
            "raw_status": raw,
            "created_at": created(v),
            "paid_at": paid_at(v),
            "slot": disc.split(",")[0].strip() if disc and not found.get("tracking_code") else None,
            "extra": {"order_name": order_name, "cancelled_at": cancelled(v)},
            **found,
        }))
        state["rows"].append(row)
        return out

    columns = _Columns(c, ctx)
    carry: list = []  # (rownum, values) of the last order of the batch before, converted

    def restore(rows: list) -> None:
        """The row path's state as if it had read ``rows`` (one order's, clean)."""
        for rownum, values in rows:
            feed(rownum, values)

    def batch(rows: list, rownums: list):
        """(lines of the orders that end in ``rows``, as columns; their row
        numbers), or None to read ``rows`` row by row (the row path's state
        then as if it had read every row before them)."""
        nonlocal carry
        if state["fed"] != len(state["lines"]):
            return None  # (an order the row path read a bad row of: it goes on there)
        held = carry or state["rows"]
        carry = []
        state.update(name=None, first=None, lines=[], rows=[], fed=0)
        rows = [v for _, v in held] + rows
        rownums = [r for r, _ in held] + rownums
        try:
            got = columns.convert(rows)
        except FieldError:
            got = None
        if got is None:
            restore(held)
            return None
        got, last = got
        carry = list(zip(rownums[last:], rows[last:]))
        return {f: col[:last] for f, col in got.items()}, rownums[:last]

    def flush() -> list:
        nonlocal carry
        if carry:
            restore(carry)
            carry = []
        return finish()

    return Parser(feed, flush, fields=FIELDS, batch=batch, grouped=True)


def _starts(names: list) -> list[bool]:
    """Whether each row begins an order (its Name is not the row's before)."""
    return [True, *map(ne, names[1:], names[:-1])] if names else []


class _Columns:
    """The column-wise reading of a batch of Shopify rows, equal to ``feed``'s."""

    def __init__(self, c, ctx):
        self.ctx = ctx
        self.index = {f: c.index(f) for f in COLUMNS}

        def one(kind: str, field: str, **kw):
            """``field``'s column function over a column alone (None: no such column)."""
            if c.index(field) is None:
                return None
            alone = ColumnGetters(Cols({field: 0}, decimal_comma=c.decimal_comma, date_order=c.date_order,
                                       dates=c.dates))
            fn = getattr(alone, kind)(field, **kw)
            return lambda col: fn([col], ((v,) for v in col))

        self.get = {
            "name": one("text", "name"), "order_id": one("id", "order_id"),
            "status": one("status", "status", table=STATUSES), "paid_at": one("time", "paid_at"),
            "created_at": one("time", "created_at"), "cancelled_at": one("time", "cancelled_at"),
            "currency": one("text", "currency"), "refunded": one("money", "refunded"),
            "discount_code": one("text", "discount_code"), "note_attributes": one("text", "note_attributes"),
            "tags": one("text", "tags"), "quantity": one("int", "quantity"), "title": one("text", "title"),
            "unit_price": one("money", "unit_price"), "sku": one("text", "sku"),
            "line_discount": one("money", "line_discount"),
        }

    def convert(self, rows: list):
        """(the rows' lines as columns, the first row of the batch's last
        order), or None when the row path must decide (it names the error)."""
        n = len(rows)
        if not n:
            return None
        columns = list(zip(*rows))
        index, get = self.index, self.get

        def read(field: str):
            fn = get[field]
            return [None] * n if fn is None else fn(columns[index[field]])

        names = read("name")
        if None in names:
            return None  # (an empty Name: the row path says so)
        starts = _starts(names)
        firsts = list(accumulate((j if s else 0 for j, s in enumerate(starts)), max))  # (its order's first row)
        if not all(starts):
            # a continuation row's empty order-level cells are its order's first row's
            later = [j for j in range(n) if not starts[j]]
            for f in ORDER_LEVEL:
                i = index[f]
                if i is None:
                    continue
                col = columns[i] = list(columns[i])
                for j in later:
                    v = col[j]
                    if v == "" or v is None:
                        col[j] = col[firsts[j]]
        canon, raw = get["status"](columns[index["status"]])
        gone = read("cancelled_at")
        canon = ["cancelled" if g else s for s, g in zip(canon, gone)]
        refund = read("refunded")
        units, unit = read("quantity"), read("unit_price")
        if any(q is not None and q <= 0 for q in units):
            return None  # (a quantity no sale has: the row path rejects the line)
        line_disc = read("line_discount")
        paid = [(u or 0) * (q or 0) - (d or 0) for u, q, d in zip(unit, units, line_disc)]
        disc = read("discount_code")
        texts = [disc, read("note_attributes"), read("tags")]
        found = {f: [None] * n for f in CODE_FIELDS}
        codes = self.ctx.codes
        # (codes() looks only at texts holding "wm": the rows with one, found a column at a time)
        hits = [[t is not None and "wm" in t.lower() for t in col] for col in texts
                if "wm" in "\n".join(filter(None, col)).lower()]
        if hits:
            for j in compress(range(n), hits[0] if len(hits) == 1 else map(any, zip(*hits))):
                for f, value in codes(*(t[j] for t in texts)).items():
                    found[f][j] = value
        default = self.ctx.currency
        cur = [v or default for v in read("currency")]
        if None in cur:
            return None  # (a line of no known currency: the row path names it)
        order_ids = [v or nm for v, nm in zip(read("order_id"), names)]
        # each order's refund, shared over its lines (by its last row's status and refund)
        refunded = [0] * n
        ends = [*compress(range(1, n), starts[1:]), n]  # (one past each order's last row)
        begin = 0
        for end in ends:
            last_canon, total = canon[end - 1], refund[end - 1] or 0
            if last_canon == "refunded":
                refunded[begin:end] = paid[begin:end]
            elif total:
                refunded[begin:end] = _share(total, paid[begin:end])
            begin = end
        tracking = found["tracking_code"]
        got = {
            "line_key": [f"{nm}:{j - f + 1}" for j, (nm, f) in enumerate(zip(names, firsts))],
            "order_id": order_ids, "sku": read("sku"), "title": read("title"), "quantity": units,
            "unit_price_fen": unit, "paid_fen": paid, "refunded_fen": refunded, "currency": cur,
            "status": canon, "raw_status": raw, "created_at": read("created_at"), "paid_at": read("paid_at"),
            "slot": [d.split(",")[0].strip() if d and not t else None for d, t in zip(disc, tracking)],
            "extra": _json_objects(("order_name", "cancelled_at"), [names, gone], n),
            **found,
        }
        return got, max(compress(range(n), starts))


FORMAT = Format(
    name="shopify",
    platform="shopify",
    kind="shop",
    title="Shopify orders export CSV",
    columns=COLUMNS,
    required=("name", "status", "quantity", "unit_price"),
    build=build,
    statuses=STATUSES,
    currency=None,
    priority=1,
)
