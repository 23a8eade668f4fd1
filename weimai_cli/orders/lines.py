"""Stage 2, rows to lines: a format's parser turns a table's rows into the
tuples the writers take (:mod:`weimai_cli.orders.write`).

:func:`from_rows` reads the rows a chunk at a time (the column-wise path of
a parser for clean text chunks, the row path otherwise), counts them, skips
totals and blanks (checking what a total row says), and sends bad rows to
an error or the rejects file (``--skip-bad``). It may run in a forked child
process (:mod:`weimai_cli.orders.forked`): it touches no database.
"""

from __future__ import annotations

import json
import re
from itertools import compress, islice, repeat
from operator import itemgetter, methodcaller, not_

from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _
from weimai_cli.money import format_fen
from weimai_cli.orders.values import LINE_FIELDS, FieldError, month_of
from weimai_cli.tables.headers import SUMMARY_START, is_summary_row

BATCH_ROWS = 2000  # rows per batch on the column-wise path
_ENDS_SHANGHAI = methodcaller("endswith", "+08:00")
_MONTH = itemgetter(slice(0, 7))
_TEXT_CONTAINERS = ("csv", "tsv", "zip")


def staged_fields(parser) -> tuple[str, ...]:
    """The staging columns a parser's lines fill (after line_key and row)."""
    return parser.fields if parser.fields is not None else LINE_FIELDS[1:]


FORMULA_HINT = N_("open and save the file in Excel, or export values")


def from_rows(table, fmt, parser, cols, res, skip_bad, rejects, bar, with_row=True, currency=None, totals=None):
    """Rows -> lists of staging tuples (line_key, row, *staged_fields,
    presale), or without ``with_row`` (line_key, *staged_fields), a list per
    chunk of rows read; bad rows raise, or go to the rejects file. A line
    whose parser gave no currency gets ``currency``; none at all is a bad
    row (a refund file's lines keep the currency of the lines they update).
    A total row (合计) whose amount is not what the lines above it add up to
    goes in ``totals`` as (row, message)."""
    qty_col = cols.index("quantity")
    fields = staged_fields(parser)
    dumps = json.dumps
    # a line's currency is never unknown (refund files update lines that have one)
    need_currency = fmt.mode != "refund" and "currency" in fields
    cur_col = next((cols.index(f) for f in _CURRENCY_COLUMNS if cols.has(f)), None)

    def bad(rownum, col, message, hint, values):
        column = None if col is None else str(col + 1)
        if col is not None and col < len(table.raw_header):
            message = f"{table.raw_header[col]}: {message}"
        if not skip_bad:
            raise BadInput(message, hint or _("fix the row, or use --skip-bad --rejects FILE"),
                           file=table.path, row=rownum, column=column)
        res.rejected += 1
        rejects.add(table.path, rownum, column, message, table.raw_header, values)

    def staged(rownum, line):
        extra = line.get("extra")
        if extra:
            extra = {k: v for k, v in extra.items() if v is not None}
            line["extra"] = dumps(extra, ensure_ascii=False, separators=(",", ":")) if extra else None
        if line.get("month") is None and line.get("status") is not None:
            line["month"] = _month(line.get("paid_at") or line.get("created_at"))
        if not with_row:
            return (line["line_key"], *map(line.get, fields))
        return (line["line_key"], rownum, *map(line.get, fields), line.get("presale", 0))

    def emit(out, values):
        for rownum, line in out:
            q = line.get("quantity")
            if q is not None and q <= 0 and not line.get("is_return"):
                bad(rownum, qty_col, _("quantity {n} on a sale").format(n=q), _("a sale needs a quantity of 1 or more"),
                    values)
                continue
            if need_currency and line.get("currency") is None:
                if currency is None:
                    bad(rownum, cur_col, _("the currency of this line is not known (the file names none)"),
                        _("use --currency CODE (e.g. --currency GBP for an amazon.co.uk report)"), values)
                    continue
                line["currency"] = currency
            yield staged(rownum, line)

    feed = parser.feed

    def one(rownum, values):
        try:
            out = feed(rownum, values)
        except FieldError as exc:
            bad(rownum, exc.col, str(exc), exc.hint, values)
            return ()
        return emit(out, values) if out else ()

    def batch(pending):
        """The column-wise path; a batch it cannot prove clean goes row by row."""
        rownums = [rownum for rownum, _ in pending]
        try:
            got = parser.batch([values for _, values in pending], *((rownums,) if grouped else ()))
        except FieldError:
            got = None
        if got is not None and grouped:
            # (lines of the rows before, those held back after: a grouped
            # parser gives only lines _with_currency and _batch_tuples take)
            got, rownums = got
        if got is not None and need_currency:
            got = _with_currency(got, currency, len(rownums))
        if got is not None:
            lines = _batch_tuples(got, rownums, fields, with_row)
            if lines is not None:
                return lines
        return [t for rownum, values in pending for t in one(rownum, values)]

    def lines_of(chunk):
        if by_batch and chunk:
            return batch(chunk)
        return [t for rownum, values in chunk for t in one(rownum, values)]

    uncached, money_cols = table.uncached, cols.money_columns

    def saved_values(chunk):
        """The rows whose amount cells hold values (a formula cell with no
        saved value reads as empty: that row is bad)."""
        out = []
        for rownum, values in chunk:
            cells = uncached.get(rownum, ())
            col = min((c for c in cells if c in money_cols), default=None)
            if col is None:
                out.append((rownum, values))
            else:
                bad(rownum, col, _("cell {cell} holds a formula with no saved value").format(cell=cells[col]),
                    _(FORMULA_HINT), values)
        return out

    # a total row's paid amount against the sum of the lines' (since the
    # last total row, or all above: subtotals, then a grand total)
    paid_col = cols.index("paid") if "paid_fen" in fields else None
    paid_at = (fields.index("paid_fen") + (2 if with_row else 1)) if paid_col is not None else None
    paid = cols.money("paid", negative=True) if paid_col is not None else None
    sums = [0, 0]  # since the last total row, all above
    last_total: list[int] = []

    def add(lines):
        if paid_at is not None and lines:
            n = sum(filter(None, map(itemgetter(paid_at), lines)))
            sums[0] += n
            sums[1] += n
        return lines

    def check_total(rownum, values):
        try:
            figure = paid(values)
        except FieldError:
            figure = None  # (not an amount: nothing to compare)
        if figure is not None and figure not in sums and totals is not None:
            # (what it says, not a message: history.total_message words it in the interface language)
            totals.append((rownum, {
                "column": table.raw_header[paid_col], "says": format_fen(figure), "all": format_fen(sums[1]),
                **({"since": last_total[-1], "sum": format_fen(sums[0])} if last_total else {}),
            }))
        sums[0] = 0
        last_total.append(rownum)

    text = table.container in _TEXT_CONTAINERS
    by_batch = parser.batch is not None
    grouped = parser.grouped
    rows = iter(table.rows)
    while True:
        chunk: list = []
        broken = None
        try:
            chunk.extend(islice(rows, BATCH_ROWS))  # (keeps the rows read before an error)
        except BadInput as exc:
            broken = exc
        if not chunk and broken is None:
            break
        total_rows = ()
        if not (text and _plain_first_cells(chunk)):
            if paid is not None:
                total_rows = [r for r in chunk if r[1] and is_summary_row(r[1])]
            chunk = [r for r in chunk if _counted(r[1])]
        res.rows += len(chunk)
        if uncached and chunk:
            chunk = saved_values(chunk)
        if bar and chunk:
            bar(table.bytes_read(), table.size)
        for rownum, values in total_rows:  # (rare: the lines before each come first)
            before = [r for r in chunk if r[0] < rownum]
            chunk = chunk[len(before):]
            yield add(lines_of(before))
            check_total(rownum, values)
        yield add(lines_of(chunk))
        if broken is not None:
            raise broken  # the rows before a broken one come first
    yield list(emit(parser.flush(), None))


# a text row whose first cell is not empty and cannot start a total (合计, Total…)
_PLAIN_FIRST = f"[^{re.escape(''.join(sorted(SUMMARY_START)))}\n][^\n]*"
_PLAIN_FIRSTS = re.compile(f"(?:{_PLAIN_FIRST}\n)*{_PLAIN_FIRST}")
_FIRST = itemgetter(0)


def _plain_first_cells(chunk: list) -> bool:
    """Every row of a text chunk counts (none is blank or a total), decided at once."""
    if not chunk:
        return True
    firsts = "\n".join(map(_FIRST, map(itemgetter(1), chunk)))
    return firsts.count("\n") == len(chunk) - 1 and _PLAIN_FIRSTS.fullmatch(firsts) is not None


def _counted(values: list) -> bool:
    """A row that counts: neither a total (合计, Total…) nor blank."""
    v0 = values[0] if values else None
    # a first cell that cannot start a total decides most rows at once
    if type(v0) is str and v0 and v0[0] not in SUMMARY_START:
        return True
    if is_summary_row(values):
        return False
    return any(v is not None and v != "" for v in values)


# the column a line's currency comes from (or the one it would), for an error
_CURRENCY_COLUMNS = ("currency", "seller", "paid", "revenue", "unit_price")


def _with_currency(got: dict, currency: str | None, n: int) -> dict | None:
    """A batch's columns with every line's currency set, as ``emit`` sets
    them; None (the row path, which names the row) when one is unknown."""
    col = got.get("currency")
    if col is None or None in col:
        if currency is None:
            return None
        got["currency"] = [currency] * n if col is None else [c or currency for c in col]
    return got


# a time with an offset whose day is the 3rd to the 26th: the Asia/Shanghai
# time is under two days away (offsets are within ±24 hours), the same month
_MIDMONTH = re.compile(r"[0-9]{4}-[0-9]{2}-(?:0[3-9]|1[0-9]|2[0-6])T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}").fullmatch


def _month(when: str | None) -> str | None:
    """values.month_of (the Asia/Shanghai month of an ISO time), at once for
    a Shanghai time or one far from a month's ends."""
    if when and (when.endswith("+08:00") or _MIDMONTH(when)):
        return when[:7]
    return month_of(when)


def _batch_tuples(got: dict, rownums: list[int], fields, with_row=True) -> list | None:
    """Staging tuples from a batch's columns, as ``staged`` makes them from lines;
    None when a line needs the row path (a quantity that is not a sale's)."""
    n = len(rownums)
    qty = got.get("quantity")
    if qty is not None and got.get("is_return") is not None:  # (a return's quantity is no sale's)
        qty = list(compress(qty, map(not_, got["is_return"])))
    # (filter(None, …) leaves out None and 0)
    if qty is not None and (0 in qty or min(filter(None, qty), default=1) < 0):
        return None
    if got.get("month") is None:
        status, paid_at, created = got.get("status"), got.get("paid_at"), got.get("created_at")
        whens = paid_at if paid_at is not None and None not in paid_at else [
            p or c for p, c in zip(paid_at or repeat(None, n), created or repeat(None, n))
        ]
        if status is not None and None not in status and None not in whens \
                and all(map(_ENDS_SHANGHAI, whens)):
            got["month"] = list(map(_MONTH, whens))
        else:
            got["month"] = [None if s is None else _month(w) for s, w in zip(status or repeat(None, n), whens)]
    columns = [got.get(f) or repeat(None, n) for f in fields]
    if not with_row:
        return list(zip(got["line_key"], *columns))
    return list(zip(got["line_key"], rownums, *columns, got.get("presale") or repeat(0, n)))


