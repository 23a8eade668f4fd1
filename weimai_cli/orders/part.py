"""One file part (a CSV, a zip member, a workbook sheet) through the stages.

Stage 1 reads the rows (:func:`weimai_cli.tables.table.open_table`, the format
detected from the header or given), stage 2 turns them into lines
(:func:`weimai_cli.orders.lines.from_rows`, in a forked child process for a
large file: forked.py), stage 3 writes them (:mod:`~weimai_cli.orders.write`:
straight into ``orders`` for a platform's first lines, else staged), then
merge (:mod:`~weimai_cli.orders.merge`), attribution
(:mod:`~weimai_cli.orders.attribution`) and booking
(:mod:`~weimai_cli.orders.book`). The caller holds the transaction.
"""

from __future__ import annotations

from weimai_cli.clock import now_iso
from weimai_cli.errors import BadInput, UsageError
from weimai_cli.i18n import _
from weimai_cli.orders import attribution, book, forked, lines, merge, paired, write
from weimai_cli.orders import formats as fmts
from weimai_cli.orders.history import (
    record_import,
    record_outcome,
    warn_repeated_headers,
    warn_totals,
)
from weimai_cli.orders.request import ImportResult, Run, Target
from weimai_cli.orders.rowgetters import Cols
from weimai_cli.tables.table import open_table


def _is_header(norm: list[str], fmt, extra) -> bool:
    if fmt is None:
        return fmts.looks_like_header(norm)
    _, missing = fmt.match(norm, extra)
    return len(fmt.required) - len(missing) >= min(2, len(fmt.required))


def import_part(conn, run: Run, path: str, part, digest: str, *, several: bool,
                direct: bool) -> ImportResult | None:
    """One part of a file (None: a part of several that is no order report).
    With ``direct``, a platform's first lines go straight into ``orders``
    (see :class:`write.Direct`); a key seen twice raises :class:`write.Restage`
    with the part rolled back."""
    req = run.request
    chosen = None if req.format == "auto" else fmts.get(req.format)
    table = open_table(
        path, part=part, ragged="error", skip_repeated_header=True,
        is_header=lambda norm: _is_header(norm, chosen, req.maps),
    )
    with table:
        if chosen is None:
            try:
                chosen = fmts.detect(table.header, table.raw_header, table.path, table.header_row)
            except BadInput:
                if several:
                    if req.warn:
                        req.warn(_("{file}: not an order report, skipped").format(file=table.path))
                    return None
                raise
        fmt = chosen
        mapping, missing = fmt.match(table.header, req.maps)
        if missing:
            found = ", ".join(h for h in table.raw_header if h) or _("(none)")
            raise BadInput(
                _("missing required column(s) for {format}: {missing}; found: {found}").format(
                    format=fmt.name, missing=", ".join(fmt.label(f) for f in missing), found=found),
                _("export the full report, or map columns with --map COLUMN=field"),
                file=table.path, row=table.header_row,
            )
        kind = fmt.kind
        if req.distributor is not None and kind == "shop":
            raise UsageError(
                _("--as applies to affiliate reports; {file} is a {format} shop export").format(
                    file=table.path, format=fmt.name),
                _("shop lines earn for the distributor of the share they are attributed to"),
            )
        plat = (req.platform or fmt.platform) if fmt.name == "generic" else fmt.platform
        # the currency of lines whose row names none (a Currency column, an Amazon
        # store): --currency, else the marketplace the header tells, else the
        # format's (CNY for the Chinese platforms); none at all is an error per line
        currency = req.currency or (fmt.currency_of(table.raw_header) if fmt.currency_of else None) \
            or fmt.currency
        cols = Cols(mapping, decimal_comma=fmt.decimal_comma(table.header), date_order=fmt.date_order,
                    dates=run.dates)
        parser = fmt.build(cols, fmts.Context(codes=run.codes, platform=plat, currency=currency))
        res = ImportResult(
            file=table.path, format=fmt.name, platform=plat, kind=kind,
            container=table.container, encoding=table.encoding, sha256=digest,
        )
        # a platform's first lines, none rejected: straight into orders (a
        # report with presale pairs too: they are staged apart, paired.py)
        direct = direct and fmt.mode != "refund" and not req.skip_bad and conn.execute(
            "SELECT 1 FROM orders WHERE platform = ? LIMIT 1", (plat,)
        ).fetchone() is None
        if direct:
            conn.execute("SAVEPOINT direct")
        owner = (req.distributor or "me") if kind == "affiliate" else None
        import_id = record_import(conn, path, part, digest, fmt.name, table.container,
                                  table.encoding, plat, kind, owner)
        res.import_id = import_id
        target = Target(plat, kind, owner, import_id)
        writer = (paired.Paired if fmt.pairs else write.Direct)(conn, plat, kind, req.distributor, import_id) \
            if direct else write.Staged(conn)
        try:
            totals: list[tuple[int, str | dict]] = []  # (row, message) of total rows that disagree
            bar = None
            try:
                bar = _read_and_write(run, table, fmt, parser, cols, res, writer, currency, totals)
            except write.Restage:
                writer.drop()
                conn.execute("ROLLBACK TO direct")
                conn.execute("RELEASE direct")
                raise
            if direct:
                conn.execute("RELEASE direct")
            if bar:
                bar(table.size, table.size)
            warn_repeated_headers(res, table.repeated_header_rows, req.warn)
            warn_totals(res, totals, req.warn)
            writer.check_conflicts(table, res, req.skip_bad, run.rejects)
            now = now_iso()
            fresh = merge.merge(conn, writer, fmt.mode, res, target, now)
            since = attribution.attribute_lines(conn, res, target, writer.bad_codes, now)
            book.book(conn, res, target, total=writer.total, inserted=writer.inserted, fresh=fresh,
                      refunds=fmt.mode == "refund", attributed_since=since)
        finally:
            writer.drop()
        record_outcome(conn, res, run.key, table.repeated_header_rows, totals)
        return res


def _read_and_write(run: Run, table, fmt, parser, cols, res: ImportResult, writer: write.Writer,
                    currency: str | None, totals: list):
    """Stages 2 and 3: the table's lines into ``writer`` (read in a child
    process for a large file); returns the progress bar, if any. Counts go
    in ``res``, disagreeing total rows in ``totals``."""
    req = run.request
    fields = lines.staged_fields(parser)

    def packed(bar):
        return writer.pack(lines.from_rows(table, fmt, parser, cols, res, req.skip_bad, run.rejects, bar,
                                           with_row=writer.with_row, currency=currency, totals=totals),
                           fields)

    # a large file is read and checked in a child process while this one writes
    child = forked.start(
        packed, lambda: (res.rows, res.rejected, table.repeated_header_rows, writer.bad_codes, totals),
        reports=req.progress is not None, batch=1,
    ) if forked.usable(table.container, table.size) and not req.skip_bad else None
    bar = None
    try:
        if child is None:
            bar = req.progress(table.path) if req.progress else None
            writer.load(packed(bar), fields)
        else:
            with child:
                bar = child.progress = req.progress(table.path) if req.progress else None
                writer.load(child, fields)
            res.rows, res.rejected, table.repeated_header_rows[:], writer.bad_codes, totals[:] = \
                child.state
    except write.Restage:
        # this attempt's bar goes (the staging attempt forks its reader anew)
        getattr(bar, "close", lambda: None)()
        raise
    return bar
