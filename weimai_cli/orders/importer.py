"""Importing order exports: validate, upsert, attribute, record history.

One file is one ``BEGIN IMMEDIATE`` transaction (all its parts: zip members,
workbook sheets): it is entirely in or entirely out. Rows stream from
:mod:`weimai_cli.tables` through the format's parser into a temporary
staging table with ``executemany`` (duplicate keys in the file merge there:
identical rows fold, presale pairs add up, conflicting rows are reported
with both row numbers). Set-based SQL then classifies each line against
``orders`` (new / changed / unchanged / stale), writes the order_events for
changes, applies them and attributes lines to shares. Memory stays flat: the
file is never held, only the staging table grows, on disk.

A later export updates a line; an older one never moves its status back or
lowers its refunded amount (the line is counted as stale and left alone);
fields a file does not carry keep their values.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import chain, compress, islice, repeat
from operator import itemgetter, methodcaller, not_
from pathlib import Path

from weimai_cli.clock import DAY_SQL, now_iso
from weimai_cli.db.store import plain_indexes_dropped, transaction
from weimai_cli.errors import BadInput, UsageError, WeimaiError
from weimai_cli.ledger import booking as ledger
from weimai_cli.ledger.commission import STATUS_BUCKET
from weimai_cli.money import currency_option, format_fen
from weimai_cli.orders import forked, replay
from weimai_cli.orders import formats as fmts
from weimai_cli.orders.values import LINE_FIELDS, RANK_SQL, STATUSES, Cols, FieldError, month_of
from weimai_cli.tables import SUMMARY_START, cell_text, is_summary_row, open_table, parts

# the valid statuses as SQL (a line that earns: commission.STATUS_BUCKET)
_VALID_NOW = "(" + ", ".join(f"'{s}'" for s in STATUS_BUCKET) + ")"

# fields of the staging table besides LINE_FIELDS
_STAGE_EXTRA = ("presale",)
# fields an import may change on an existing line (all but the key)
UPDATABLE = LINE_FIELDS[1:]
# fields whose changes are order_events (month and code bookkeeping follow the others)
EVENT_FIELDS = tuple(
    f for f in UPDATABLE if f not in ("month", "code_share_id", "code_status", "extra")
)
CACHE_KIB = 8192  # per schema (main and temp): peak memory stays under 100 MiB


@dataclass
class ImportResult:
    file: str
    format: str
    platform: str
    kind: str
    container: str | None = None
    encoding: str | None = None
    sha256: str = ""
    import_id: int | None = None
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    stale: int = 0
    merged: int = 0
    rejected: int = 0
    unmatched: int = 0
    attributed: int = 0
    unattributed: int = 0
    bad_codes: int = 0
    ledger_entries: int = 0
    adjustments: int = 0
    dry_run: bool = False
    same_as_import: int | None = None
    warnings: list[str] = field(default_factory=list)
    bad_code_list: list[str] = field(default_factory=list)
    stale_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _DryRun(Exception):
    pass


# sqlite3 binds None only after a failed adapter search (a protocol lookup and
# two attribute probes per value: the larger part of a staging insert's cost,
# as most fields of most lines are empty). An adapter that returns None binds
# the same NULL without the search; it is registered for the import only.
_NONE_KEY = (type(None), sqlite3.PrepareProtocol)


@contextmanager
def _fast_null_binding():
    if _NONE_KEY in sqlite3.adapters:
        yield
        return
    sqlite3.register_adapter(type(None), {}.get)  # {}.get(None) is None
    try:
        yield
    finally:
        sqlite3.adapters.pop(_NONE_KEY, None)


# ---- tracking codes -----------------------------------------------------------


def code_reader(secret: bytes | None, problem: Exception | None = None) -> Callable[..., dict]:
    """``codes(*texts)``: the first code-shaped token, verified against the secret.

    ``problem`` (the config could not be read, see :func:`_secret`) is raised
    at the first code: a file that needs the secret fails (exit 5, nothing
    written) rather than reporting genuine codes as forged; a file without
    codes imports as usual. (In a forked reader it is raised in the child and
    re-raised here, as every error there.)"""
    from weimai_cli.sharing.codes import find_codes, normalise, verify

    empty: dict = {}

    def codes(*texts) -> dict:
        for t in texts:
            if not t or "wm" not in t.lower():
                continue
            found = find_codes(t)
            if not found:
                continue
            if problem is not None:
                raise problem
            if secret is None:
                return {"tracking_code": normalise(found[0]), "code_status": "signature"}
            verdict = verify(found[0], secret)
            return {
                "tracking_code": verdict.code,
                "code_share_id": verdict.share_id,
                "code_status": verdict.reason,
            }
        return empty

    return codes


def _secret(conn) -> tuple[bytes | None, Exception | None]:
    """(the code secret or None, the problem that keeps it from being read).

    No secret yet (nothing was ever shared) is no problem: codes then verify
    against nothing. A config that cannot be read or holds a broken secret
    is one, and so is a missing secret while shares exist (they were made
    with one: the config was lost or replaced)."""
    from weimai_cli.config import config_path, load_config
    from weimai_cli.errors import EnvironmentProblem
    from weimai_cli.sharing.codes import get_secret

    try:
        codes = load_config().get("codes", {})
        if not isinstance(codes, dict):
            return None, EnvironmentProblem(f"{config_path()}: [codes] is not a table",
                                            "restore config.toml from a backup")
        if codes.get("secret"):
            return get_secret(create=False), None
    except EnvironmentProblem as exc:
        return None, exc
    if conn.execute("SELECT 1 FROM shares LIMIT 1").fetchone() is None:
        return None, None
    return None, EnvironmentProblem(
        f"{config_path()}: no tracking-code secret, but the shares were made with one",
        "restore config.toml (its [codes] secret) from a backup, then run the command again",
    )


# ---- mappings -------------------------------------------------------------------


def parse_maps(items: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``COLUMN=field`` options -> {field: (column, …)}."""
    from weimai_cli.orders.formats.generic import FIELDS

    out: dict[str, list[str]] = {}
    for item in items:
        column, sep, fieldname = item.rpartition("=")
        column, fieldname = column.strip(), fieldname.strip()
        if not sep or not column or not fieldname:
            raise UsageError(f"--map {item!r}: write COLUMN=field", f"fields: {', '.join(FIELDS)}")
        if fieldname not in FIELDS:
            raise UsageError(
                f"--map {item!r}: unknown field {fieldname!r}", f"fields: {', '.join(FIELDS)}"
            )
        out.setdefault(fieldname, []).append(column)
    return {f: tuple(cols) for f, cols in out.items()}


def save_mapping(conn, name: str, maps: dict, platform: str | None = None) -> None:
    if not maps:
        raise UsageError("give at least one --map COLUMN=field")
    now = now_iso()
    with transaction(conn):
        conn.execute(
            "INSERT INTO order_mappings (name, platform, mapping, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET platform = excluded.platform, "
            "mapping = excluded.mapping, updated_at = excluded.updated_at",
            (name, platform, json.dumps(maps, ensure_ascii=False), now, now),
        )


def load_mapping(conn, name: str) -> tuple[dict, str | None]:
    row = conn.execute(
        "SELECT mapping, platform FROM order_mappings WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        names = [r[0] for r in conn.execute("SELECT name FROM order_mappings ORDER BY name")]
        raise BadInput(
            f"no saved mapping {name!r}",
            "save one with `weimai orders mapping save NAME --map COLUMN=field`"
            + (f"; saved: {', '.join(names)}" if names else ""),
        )
    return {f: tuple(c) for f, c in json.loads(row[0]).items()}, row[1]


def list_mappings(conn) -> list[dict]:
    return [
        {"name": r[0], "platform": r[1], "mapping": r[2], "updated_at": r[3]}
        for r in conn.execute(
            "SELECT name, platform, mapping, updated_at FROM order_mappings ORDER BY name"
        )
    ]


# ---- rejects ----------------------------------------------------------------------


class Rejects:
    """The ``--rejects`` CSV: file, row, column, reason, then the row's cells.

    The path is checked when this is made, before any import (weimai_cli.files:
    an existing file needs --force, a link is refused); the file is written
    beside it and put in place at the end, and only if a row was rejected. If
    the import stops on an error, the rows of the files whose import finished
    (committed, or checked with --dry-run) are kept: those of the file that
    failed are dropped, as its import is. A spreadsheet opens it, so every
    cell is neutralised as all CSV output is (output.py: a leading = + - @,
    tab or CR gets a ``'``; numbers stay)."""

    def __init__(self, path: str | None, force: bool = False):
        from weimai_cli.files import check_target

        self.path = path
        self.force = force
        self._out = None  # files.AtomicFile, made at the first rejected row
        self._fh = None
        self._writer = None
        self._headers: set[str] = set()
        self._kept = 0  # bytes of the files whose import finished
        if path is not None:
            check_target(path, force=force, option="--rejects")

    def _open(self):
        if self._writer is None:
            from weimai_cli.files import AtomicFile, csv_safe

            self._out = AtomicFile(self.path, force=self.force, encoding="utf-8-sig", option="--rejects")
            self._fh = self._out.file
            writer = csv.writer(self._fh)
            self._writer = lambda cells: writer.writerow([csv_safe(str(c)) for c in cells])
            self._writer(["file", "row", "column", "reason"])
        return self._writer

    def add(self, file: str, row: int | None, column: str | None, reason: str,
            header: list[str] | None = None, values: list | None = None) -> None:
        if self.path is None:
            return
        w = self._open()
        if header is not None and file not in self._headers:
            self._headers.add(file)
            w([file, "", "", "header", *header])
        w([file, row or "", column or "", reason, *(cell_text(v) for v in values or [])])

    def keep(self) -> None:
        """The rows so far belong to files whose import finished."""
        if self._fh:
            self._fh.flush()
            self._kept = self._fh.buffer.tell()

    def close(self, ok: bool = True) -> None:
        """Put the file in place (after an error: only the kept rows, if any)."""
        if self._out is None:
            return
        if ok:
            self._out.commit()
            return
        try:
            self._fh.flush()
            self._fh.buffer.truncate(self._kept)
            if self._kept:
                self._out.commit()
            else:
                self._out.discard()
        except WeimaiError:  # the import's own error is the one to report
            self._out.discard()


# ---- the import -------------------------------------------------------------------


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_files(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    *,
    format: str = "auto",
    maps: dict[str, tuple[str, ...]] | None = None,
    mapping: str | None = None,
    platform: str | None = None,
    distributor: str | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    rejects: str | None = None,
    allow_any_date: bool = False,
    currency: str | None = None,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[str], Callable[[int, int], None]] | None = None,
    done: Callable[[ImportResult], None] | None = None,
    force: bool = False,
) -> list[ImportResult]:
    """Import each file in its own transaction; returns one result per file part.
    ``force``: the ``rejects`` file may replace an existing one."""
    if format != "auto":
        fmts.get(format)
    if currency is not None:
        currency = currency_option(currency)
    if skip_bad and not rejects:
        raise UsageError("--skip-bad needs --rejects FILE", "name a file for the rejected rows")
    extra = dict(maps or {})
    if mapping:
        saved, saved_platform = load_mapping(conn, mapping)
        extra = {**saved, **extra}
        platform = platform or saved_platform
    if extra and format == "auto":
        format = "generic"
    if distributor is not None:
        if format not in ("auto",) and fmts.get(format).kind == "shop":
            raise UsageError(
                f"--as applies to affiliate reports; {format} is a shop export",
                "shop lines earn for the distributor of the share they are attributed to",
            )
        from weimai_cli.sharing.distributors import get_distributor

        get_distributor(conn, distributor)
    out_rejects = Rejects(rejects, force)
    secret, problem = _secret(conn)
    codes = code_reader(secret, problem)
    key = replay.replay_key(format=format, extra=extra, platform=platform,
                            distributor=distributor, secret=secret, any_date=allow_any_date,
                            currency=currency)
    # times outside these days are errors (values.date_bounds), unless --allow-any-date
    from weimai_cli.clock import now
    from weimai_cli.orders.values import date_bounds

    dates = None if allow_any_date else date_bounds(now())
    # a larger page cache for the set-based steps (bounded: memory stays flat)
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB}")
    # (this SQLite may be built to zero every freed page: the staging tables
    # are dropped after each file, and temp pages never outlive the connection)
    conn.execute("PRAGMA temp.secure_delete = OFF")
    results: list[ImportResult] = []
    finished = False
    try:
        with _fast_null_binding():
            for path in paths:
                for res in _import_file(
                    conn, str(path), format=format, extra=extra, platform=platform,
                    distributor=distributor, dry_run=dry_run, skip_bad=skip_bad,
                    rejects=out_rejects, codes=codes, warn=warn, progress=progress, key=key,
                    dates=dates, currency=currency,
                ):
                    results.append(res)
                    if done:
                        done(res)
                out_rejects.keep()
        finished = True
    finally:
        out_rejects.close(finished)
    return results


def _import_file(conn, path, *, format, extra, platform, distributor, dry_run, skip_bad,
                 rejects, codes, warn, progress, key, dates, currency) -> list[ImportResult]:
    if os.path.isdir(path):  # False, not an error, for a name too long: the read below says so
        raise BadInput("is a directory, not a file", file=path)
    pieces = parts(path)
    digest = sha256_file(path)
    prior = conn.execute(
        "SELECT id FROM imports WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (digest,)
    ).fetchone()
    results: list[ImportResult] = []
    try:
        with transaction(conn):
            # the same bytes again, nothing changed since: the outcome is known
            found = replay.find(conn, digest, pieces[0], key) if len(pieces) == 1 else None
            for part in pieces:
                if found:
                    res = _replayed(conn, path, part, digest, key, *found, warn=warn)
                else:
                    args = dict(
                        several=len(pieces) > 1, format=format, extra=extra, platform=platform,
                        distributor=distributor, skip_bad=skip_bad, rejects=rejects, codes=codes,
                        warn=warn, progress=progress, digest=digest, key=key, dates=dates,
                        currency=currency,
                    )
                    try:
                        res = _import_part(conn, path, part, direct=True, **args)
                    except _Restage:  # (rolled back) the staging path merges them
                        res = _import_part(conn, path, part, direct=False, **args)
                if res is None:
                    continue
                res.dry_run = dry_run
                res.same_as_import = prior[0] if prior else None
                results.append(res)
            if not results:
                raise BadInput(
                    "no part of this file is an order report",
                    "give --format NAME, or see `weimai orders import --help`", file=path,
                )
            replay.seal(conn, [r.import_id for r in results])
            if dry_run:
                raise _DryRun
    except _DryRun:
        for r in results:
            r.import_id = None
    return results


def _is_header(norm: list[str], fmt, extra) -> bool:
    if fmt is None:
        return fmts.looks_like_header(norm)
    _, missing = fmt.match(norm, extra)
    return len(fmt.required) - len(missing) >= min(2, len(fmt.required))


def _record_import(conn, path, part, digest, fmt_name, container, encoding, platform, kind,
                   distributor) -> int:
    """The ``imports`` row of a part (its counts follow when it is done)."""
    return conn.execute(
        "INSERT INTO imports (file, name, part, sha256, size, format, container, encoding, "
        "platform, kind, distributor, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(Path(path).resolve()), Path(path).name, part, digest, Path(path).stat().st_size,
         fmt_name, container, encoding, platform, kind, distributor, now_iso()),
    ).lastrowid


def _record_outcome(conn, res: ImportResult, key: str, repeated_header_rows: list[int],
                    totals: list[tuple[int, str]]) -> None:
    conn.execute(
        "UPDATE imports SET rows = ?, new = ?, changed = ?, unchanged = ?, stale = ?, "
        "merged = ?, rejected = ?, unmatched = ?, attributed = ?, unattributed = ?, "
        "bad_codes = ?, finished_at = ?, outcome = ? WHERE id = ?",
        (res.rows, res.new, res.changed, res.unchanged, res.stale, res.merged, res.rejected,
         res.unmatched, res.attributed, res.unattributed, res.bad_codes, now_iso(),
         replay.outcome(key, stale_keys=res.stale_keys, bad_code_list=res.bad_code_list,
                        repeated_header_rows=repeated_header_rows, totals=totals),
         res.import_id),
    )


def _repeated_header_warnings(res: ImportResult, rows: list[int], warn) -> None:
    for rownum in rows:
        msg = f"{res.file}:{rownum}: repeated header row skipped"
        res.warnings.append(msg)
        if warn:
            warn(msg)


def _total_warnings(res: ImportResult, totals: list[tuple[int, str]], warn) -> None:
    """Total rows (合计) whose amount is not the lines' sum: skipped all the same, with a warning."""
    for rownum, text in totals:
        msg = f"{res.file}:{rownum}: {text}"
        res.warnings.append(msg)
        if warn:
            warn(msg)


def _replayed(conn, path, part, digest, key, prior, recorded, *, warn) -> ImportResult:
    """The import of bytes imported last with nothing changed since (replay.py):
    every line it holds is stored as it says, so nothing is read or written but
    its ``imports`` row."""
    res = ImportResult(
        file=f"{path}!{part}" if prior["container"] == "zip" else path, format=prior["format"],
        platform=prior["platform"], kind=prior["kind"], container=prior["container"],
        encoding=prior["encoding"], sha256=digest, rows=prior["rows"],
        unchanged=prior["new"] + prior["changed"] + prior["unchanged"], stale=prior["stale"],
        merged=prior["merged"], unmatched=prior["unmatched"], attributed=prior["attributed"],
        unattributed=prior["unattributed"], bad_codes=prior["bad_codes"],
        bad_code_list=recorded["bad_code_list"], stale_keys=recorded["stale_keys"],
    )
    res.import_id = _record_import(conn, path, part, digest, res.format, res.container,
                                   res.encoding, res.platform, res.kind, prior["distributor"])
    totals = [tuple(t) for t in recorded.get("totals", [])]
    _repeated_header_warnings(res, recorded["repeated_header_rows"], warn)
    _total_warnings(res, totals, warn)
    _record_outcome(conn, res, key, recorded["repeated_header_rows"], totals)
    return res


def _import_part(conn, path, part, *, several, format, extra, platform, distributor, skip_bad,
                 rejects, codes, warn, progress, digest, key, direct, dates,
                 currency) -> ImportResult | None:
    """One part of a file. With ``direct``, a platform's first lines go
    straight into ``orders`` (see :class:`_Direct`); a key seen twice raises
    _Restage with the part rolled back."""
    chosen = None if format == "auto" else fmts.get(format)
    table = open_table(
        path, part=part, ragged="error", skip_repeated_header=True,
        is_header=lambda norm: _is_header(norm, chosen, extra),
    )
    with table:
        if chosen is None:
            try:
                chosen = fmts.detect(table.header, table.raw_header, table.path, table.header_row)
            except BadInput:
                if several:
                    if warn:
                        warn(f"{table.path}: not an order report, skipped")
                    return None
                raise
        fmt = chosen
        mapping, missing = fmt.match(table.header, extra)
        if missing:
            found = ", ".join(h for h in table.raw_header if h) or "(none)"
            raise BadInput(
                f"missing required column(s) for {fmt.name}: "
                f"{', '.join(fmt.label(f) for f in missing)}; found: {found}",
                "export the full report, or map columns with --map COLUMN=field",
                file=table.path, row=table.header_row,
            )
        kind = fmt.kind
        if distributor is not None and kind == "shop":
            raise UsageError(
                f"--as applies to affiliate reports; {table.path} is a {fmt.name} shop export",
                "shop lines earn for the distributor of the share they are attributed to",
            )
        plat = (platform or fmt.platform) if fmt.name == "generic" else fmt.platform
        # the currency of lines whose row names none (a Currency column, an Amazon
        # store): --currency, else the marketplace the header tells, else the
        # format's (CNY for the Chinese platforms); none at all is an error per line
        currency = currency or (fmt.currency_of(table.raw_header) if fmt.currency_of else None) \
            or fmt.currency
        cols = Cols(mapping, decimal_comma=fmt.decimal_comma(table.header), date_order=fmt.date_order,
                    dates=dates)
        parser = fmt.build(cols, fmts.Context(codes=codes, platform=plat, currency=currency))
        res = ImportResult(
            file=table.path, format=fmt.name, platform=plat, kind=kind,
            container=table.container, encoding=table.encoding, sha256=digest,
        )
        # a platform's first lines, none rejected: straight into orders
        direct = direct and fmt.mode != "refund" and not fmt.pairs and not skip_bad and conn.execute(
            "SELECT 1 FROM orders WHERE platform = ? LIMIT 1", (plat,)
        ).fetchone() is None
        if direct:
            conn.execute("SAVEPOINT direct")
        import_id = _record_import(conn, path, part, digest, fmt.name, table.container,
                                   table.encoding, plat, kind,
                                   (distributor or "me") if kind == "affiliate" else None)
        res.import_id = import_id
        stage = _Direct(conn, plat, kind, distributor, import_id) if direct else _Stage(conn)
        try:
            fields = staged_fields(parser)

            totals: list[tuple[int, str]] = []  # (row, message) of total rows that disagree

            def packed(bar):
                return stage.pack(_lines(table, fmt, parser, cols, res, skip_bad, rejects, bar,
                                         with_row=not direct, currency=currency, totals=totals), fields)

            # a large file is read and checked in a child process while this one writes
            child = forked.start(
                packed, lambda: (res.rows, res.rejected, table.repeated_header_rows, stage.bad_codes, totals),
                reports=progress is not None, batch=1,
            ) if forked.usable(table.container, table.size) and not skip_bad else None
            bar = None
            try:
                if child is None:
                    bar = progress(table.path) if progress else None
                    stage.load(packed(bar), fields)
                else:
                    with child:
                        bar = child.progress = progress(table.path) if progress else None
                        stage.load(child, fields)
                    res.rows, res.rejected, table.repeated_header_rows[:], stage.bad_codes, totals[:] = \
                        child.state
            except _Restage:
                stage.drop()
                conn.execute("ROLLBACK TO direct")
                conn.execute("RELEASE direct")
                # this attempt's bar goes (the staging attempt forks its reader anew)
                getattr(bar, "close", lambda: None)()
                raise
            if direct:
                conn.execute("RELEASE direct")
            if bar:
                bar(table.size, table.size)
            _repeated_header_warnings(res, table.repeated_header_rows, warn)
            _total_warnings(res, totals, warn)
            stage.check_conflicts(table, res, skip_bad, rejects)
            _apply(conn, stage, fmt, res, plat, kind, distributor, import_id, direct)
        finally:
            stage.drop()
        _record_outcome(conn, res, key, table.repeated_header_rows, totals)
        return res


BATCH_ROWS = 2000  # rows per batch on the column-wise path
_ENDS_SHANGHAI = methodcaller("endswith", "+08:00")
_MONTH = itemgetter(slice(0, 7))
_TEXT_CONTAINERS = ("csv", "tsv", "zip")


def staged_fields(parser) -> tuple[str, ...]:
    """The staging columns a parser's lines fill (after line_key and row)."""
    return parser.fields if parser.fields is not None else LINE_FIELDS[1:]


FORMULA_HINT = "open and save the file in Excel, or export values"


def _lines(table, fmt, parser, cols, res, skip_bad, rejects, bar, with_row=True, currency=None, totals=None):
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
            raise BadInput(message, hint or "fix the row, or use --skip-bad --rejects FILE",
                           file=table.path, row=rownum, column=column)
        res.rejected += 1
        rejects.add(table.path, rownum, column, message, table.raw_header, values)

    def staged(rownum, line):
        extra = line.get("extra")
        if extra:
            extra = {k: v for k, v in extra.items() if v is not None}
            line["extra"] = dumps(extra, ensure_ascii=False, separators=(",", ":")) if extra else None
        if line.get("month") is None and line.get("status") is not None:
            when = line.get("paid_at") or line.get("created_at")
            line["month"] = when[:7] if when and when.endswith("+08:00") else month_of(when)
        if not with_row:
            return (line["line_key"], *map(line.get, fields))
        return (line["line_key"], rownum, *map(line.get, fields), line.get("presale", 0))

    def emit(out, values):
        for rownum, line in out:
            q = line.get("quantity")
            if q is not None and q <= 0 and not line.get("is_return"):
                bad(rownum, qty_col, f"quantity {q} on a sale", "a sale needs a quantity of 1 or more", values)
                continue
            if need_currency and line.get("currency") is None:
                if currency is None:
                    bad(rownum, cur_col, "the currency of this line is not known (the file names none)",
                        "use --currency CODE (e.g. --currency GBP for an amazon.co.uk report)", values)
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
        try:
            got = parser.batch([values for _, values in pending])
        except FieldError:
            got = None
        if got is not None and need_currency:
            got = _with_currency(got, currency, len(pending))
        if got is not None:
            lines = _batch_tuples(got, [rownum for rownum, _ in pending], fields, with_row)
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
                bad(rownum, col, f"cell {cells[col]} holds a formula with no saved value",
                    FORMULA_HINT, values)
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
            says = f"the total row says {table.raw_header[paid_col]} {format_fen(figure)}, but the lines"
            totals.append((rownum, f"{says} above it add up to {format_fen(sums[1])}" if not last_total else
                           f"{says} since row {last_total[-1]} add up to {format_fen(sums[0])} "
                           f"(all above it: {format_fen(sums[1])})"))
        sums[0] = 0
        last_total.append(rownum)

    text = table.container in _TEXT_CONTAINERS
    by_batch = parser.batch is not None
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
            got["month"] = [
                None if s is None else w[:7] if w and w.endswith("+08:00") else month_of(w)
                for s, w in zip(status or repeat(None, n), whens)
            ]
    columns = [got.get(f) or repeat(None, n) for f in fields]
    if not with_row:
        return list(zip(got["line_key"], *columns))
    return list(zip(got["line_key"], rownums, *columns, got.get("presale") or repeat(0, n)))


_CODE_FIELDS = ("tracking_code", "code_status", "code_share_id")
GROUP = 20  # lines per INSERT statement: a third less time per line than a statement each


# a quoted SQL string (left as it is: a platform may be named 'shop?1'), or a numbered parameter
_STRING_OR_PARAMETER = re.compile(r"'(?:[^']|'')*'|\?(\d+)")


def _numbered(row: str, width: int, lines: int) -> str:
    """``lines`` copies of a VALUES row whose parameters are ?1…?width (or
    plain ?), numbered on for each copy."""
    if "?1" not in row:
        return ", ".join([row] * lines)

    def copy(base: int) -> str:
        return _STRING_OR_PARAMETER.sub(
            lambda m: m.group(0) if m.group(1) is None else f"?{int(m.group(1)) + base}", row
        )

    return ", ".join(copy(n * width) for n in range(lines))


@lru_cache(maxsize=16)
def _statement(template: str, row: str, width: int, lines: int) -> str:
    return template.format(_numbered(row, width, lines))


def _write_grouped(conn, template: str, row: str, chunk: list[tuple]) -> int:
    """Write a chunk of lines GROUP to a statement: ``template`` with its
    ``{}`` filled by as many ``row``s as lines go in; returns the rows changed."""
    width = len(chunk[0]) if chunk else 0

    def statement(lines: int) -> str:
        return _statement(template, row, width, lines)

    flat = list(chain.from_iterable(chunk))
    step = width * GROUP
    whole = len(chunk) // GROUP * step
    changed = conn.executemany(
        statement(GROUP), [tuple(flat[i:i + step]) for i in range(0, whole, step)]
    ).rowcount if whole else 0
    if whole < len(flat):
        changed += conn.execute(statement(len(chunk) % GROUP), flat[whole:]).rowcount
    return changed


class BadCodes:
    """Tracking codes that do not verify or name no share, counted as the
    lines go by, keeping the first ten different ones (every line may carry
    one: memory stays flat)."""

    def __init__(self, conn):
        self.shares = {r[0] for r in conn.execute("SELECT id FROM shares")}
        self.count = 0
        self.first: dict[str, None] = {}

    def add(self, codes: Iterable[tuple]) -> None:
        """``codes``: (tracking_code, code_status, code_share_id) of each line."""
        for code, status, share in codes:
            if code is not None and (status != "ok" or share not in self.shares):
                self.count += 1
                if len(self.first) < 10:
                    self.first.setdefault(code)


class _Stage:
    """The temporary staging table of one file part."""

    bad_codes: BadCodes | None = None  # (counted after the load, from the table)

    @staticmethod
    def pack(chunks: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> Iterable[list[tuple]]:
        """(the staging table takes the lines as they are)"""
        return chunks

    def __init__(self, conn):
        self.conn = conn
        self.fed = self.total = 0
        conn.execute("DROP TABLE IF EXISTS temp._lines")
        cols = ", ".join(f for f in LINE_FIELDS[1:])
        conn.execute(
            f"CREATE TEMP TABLE _lines (line_key TEXT PRIMARY KEY, row INTEGER NOT NULL, {cols}, "
            "presale INTEGER NOT NULL DEFAULT 0, merged INTEGER NOT NULL DEFAULT 0, "
            "conflicts TEXT) WITHOUT ROWID"
        )

    def load(self, chunks, fields=LINE_FIELDS[1:]) -> None:
        """Stage ``chunks``: lists of tuples of line_key, row, ``fields`` and presale."""
        names = ("line_key", "row", *fields, *_STAGE_EXTRA)
        placeholders = ", ".join("?" for _ in names)
        both = "(_lines.presale OR excluded.presale)"
        summed = ("paid_fen", "settled_fen", "reported_commission_fen", "settled_commission_fen")
        differs = " OR ".join(f"_lines.{f} IS NOT excluded.{f}" for f in LINE_FIELDS[1:])
        sets = [
            f"{f} = CASE WHEN {both} AND (_lines.{f} IS NOT NULL OR excluded.{f} IS NOT NULL) "
            f"THEN coalesce(_lines.{f}, 0) + coalesce(excluded.{f}, 0) ELSE _lines.{f} END"
            for f in summed
        ]
        sets += [
            f"paid_at = CASE WHEN {both} THEN max(coalesce(_lines.paid_at, ''), "
            "coalesce(excluded.paid_at, '')) ELSE _lines.paid_at END",
            f"status = CASE WHEN {both} AND {RANK_SQL.format('excluded.status')} > "
            f"{RANK_SQL.format('_lines.status')} THEN excluded.status ELSE _lines.status END",
            f"raw_status = CASE WHEN {both} AND {RANK_SQL.format('excluded.status')} > "
            f"{RANK_SQL.format('_lines.status')} THEN excluded.raw_status ELSE _lines.raw_status END",
            f"extra = CASE WHEN {both} THEN coalesce(_lines.extra, excluded.extra) ELSE _lines.extra END",
            f"conflicts = CASE WHEN NOT {both} AND ({differs}) THEN "
            "coalesce(_lines.conflicts || ',', '') || excluded.row ELSE _lines.conflicts END",
            "merged = _lines.merged + 1",
            f"presale = {both}",
        ]
        # (several lines to a statement: a key twice within one merges as across two)
        template = (f"INSERT INTO _lines ({', '.join(names)}) VALUES {{}} "
                    f"ON CONFLICT(line_key) DO UPDATE SET {', '.join(sets)}")
        for chunk in chunks:
            _write_grouped(self.conn, template, f"({placeholders})", chunk)
            self.fed += len(chunk)
        self.total = self.conn.execute("SELECT count(*) FROM _lines").fetchone()[0]

    def check_conflicts(self, table, res, skip_bad, rejects) -> None:
        if self.total == self.fed:
            return  # every key once: nothing merged, nothing conflicts
        clashes = self.conn.execute(
            "SELECT line_key, row, conflicts FROM _lines WHERE conflicts IS NOT NULL ORDER BY row"
        ).fetchall()
        for key, first, later in clashes:
            rows = [int(r) for r in later.split(",")]
            if not skip_bad:
                raise BadInput(
                    f"line {key!r} appears twice with different data: rows {first} and {rows[0]}",
                    "keep one row per line, or make the duplicate rows identical",
                    file=table.path, row=rows[0],
                )
            for r in rows:
                res.rejected += 1
                rejects.add(table.path, r, None,
                            f"line {key!r} conflicts with row {first} (kept)")
        res.merged = self.conn.execute("SELECT coalesce(sum(merged), 0) FROM _lines").fetchone()[0]
        res.merged -= sum(len(later.split(",")) for _, _, later in clashes)
        # presale pairs: the combined line's month follows its final payment
        # (its Asia/Shanghai month, as every line's)
        day = DAY_SQL.format(paid="nullif(paid_at, '')", created="created_at")
        self.conn.execute(
            f"UPDATE _lines SET paid_at = nullif(paid_at, ''), month = substr({day}, 1, 7) "
            "WHERE presale AND merged > 0"
        )

    def drop(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp._lines")
        self.conn.execute("DROP TABLE IF EXISTS temp._changed")


class _Restage(Exception):
    """A file :class:`_Direct` cannot load: a line key appears twice (or a
    status orders would refuse)."""


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


_VALID_STATUS = frozenset((*STATUSES, None))  # (NULL: SQLite's NOT NULL still refuses it)


class _Direct:
    """A platform's first lines, written straight into ``orders`` as they are
    read: one write per line instead of staging and copying. A key seen twice
    raises _Restage (the caller rolls back and stages the file, where
    duplicates merge). The CHECK constraints of ``orders`` (status and kind in
    their lists) cost more than the rest of the insert when a statement runs
    once per line (SQLite builds each IN list for every run), so they are
    checked here instead, a chunk at a time, with SQLite's skipped for the
    load; a status outside the list goes the staging way, where SQLite
    refuses it as before. Once the lines reach a fifth of those ``orders``
    held, its plain indexes are dropped and built after the load (as
    _insert_new does, see _rebuild_pays).
    ``temp._lines`` is then a view of the platform's lines, for the steps
    after the load.

    :meth:`pack` (the checks) is apart from :meth:`load` (the writes, GROUP
    lines to a statement), so that a child process can check while this one
    writes (forked.py)."""

    def __init__(self, conn, platform, kind, distributor, import_id):
        self.conn = conn
        self.fed = self.total = 0
        self.platform = platform
        self.held = conn.execute("SELECT coalesce(max(rowid), 0) FROM orders").fetchone()[0]
        self.bad_codes = BadCodes(conn)
        self.fixed = {
            "platform": platform, "kind": kind,
            "distributor": (distributor or "me") if kind == "affiliate" else None,
            "first_import_id": import_id, "last_import_id": import_id, "updated_at": now_iso(),
        }

    def _row(self, names: tuple[str, ...]) -> str:
        """The VALUES row of a line of ``names`` (numbered parameters, from ?1:
        the line's day reads paid_at and created_at again)."""
        at = {f: f"?{names.index(f) + 1}" if f in names else "NULL" for f in ("paid_at", "created_at")}
        binds = [
            f"coalesce(?{i}, 0)" if f == "refunded_fen"
            else f"json_patch('{{}}', ?{i})" if f == "extra" else f"?{i}"
            for i, f in enumerate(names, 1)
        ]
        return (f"({', '.join(map(_literal, self.fixed.values()))}, {', '.join(binds)}, "
                f"{DAY_SQL.format(paid=at['paid_at'], created=at['created_at'])})")

    def pack(self, chunks: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> Iterator[list[tuple]]:
        """Chunks of lines (line_key, *fields) -> the same, checked; counts
        the bad tracking codes."""
        names = ("line_key", *fields)
        if self.fixed["kind"] not in ("affiliate", "shop"):
            raise _Restage
        status = itemgetter(names.index("status")) if "status" in names else None
        code = itemgetter(*map(names.index, _CODE_FIELDS)) if set(_CODE_FIELDS) <= set(names) else None
        for chunk in chunks:
            if status is not None and not _VALID_STATUS.issuperset(map(status, chunk)):
                raise _Restage
            if code is not None:
                self.bad_codes.add(map(code, chunk))
            yield chunk

    def load(self, packed: Iterable[list[tuple]], fields=LINE_FIELDS[1:]) -> None:
        """Write the chunks :meth:`pack` gave."""
        names = ("line_key", *fields)
        template = (f"INSERT INTO orders ({', '.join(self.fixed)}, {', '.join(names)}, day) VALUES {{}} "
                    "ON CONFLICT (platform, line_key) DO NOTHING")
        row = self._row(names)
        dropped = False
        with contextlib.ExitStack() as indexes:
            self.conn.execute("PRAGMA ignore_check_constraints = ON")
            indexes.callback(self.conn.execute, "PRAGMA ignore_check_constraints = OFF")
            for chunk in packed:
                if not dropped and _rebuild_pays(self.fed, self.held):
                    indexes.enter_context(plain_indexes_dropped(self.conn, "orders", True))
                    dropped = True
                if _write_grouped(self.conn, template, row, chunk) != len(chunk):
                    raise _Restage
                self.fed += len(chunk)
        self.total = self.fed
        self.conn.execute(
            f"CREATE TEMP VIEW _lines AS SELECT line_key, rowid AS row, {', '.join(LINE_FIELDS[1:])}, "
            f"0 AS presale, 0 AS merged, NULL AS conflicts FROM main.orders "
            f"WHERE platform = {_literal(self.platform)}"
        )

    def check_conflicts(self, table, res, skip_bad, rejects) -> None:
        """(no key twice: nothing merged, nothing conflicts)"""

    def drop(self) -> None:
        self.conn.execute("DROP VIEW IF EXISTS temp._lines")


def _apply(conn, stage, fmt, res, platform, kind, distributor, import_id, direct) -> None:
    now = now_iso()
    rank_new, rank_old = RANK_SQL.format("i.status"), RANK_SQL.format("o.status")
    differs = " OR ".join(
        f"(i.{f} IS NOT NULL AND i.{f} IS NOT o.{f})" for f in UPDATABLE if f != "extra"
    )
    differs += (
        " OR (i.extra IS NOT NULL AND json_patch(coalesce(o.extra, '{}'), i.extra) "
        "IS NOT coalesce(o.extra, '{}'))"
    )
    # an older export of a line: its status is behind, or (the same status) its
    # refund is smaller: refunds never go down, whatever order files come in
    stale_if = (
        f"((i.status IS NOT NULL AND {rank_new} < {rank_old}) OR (i.refunded_fen < o.refunded_fen "
        f"AND (i.status IS NULL OR {rank_new} = {rank_old})))"
    )
    total = stage.total
    # a platform with no lines yet: every line is new, nothing to compare
    fresh = direct or conn.execute(
        "SELECT 1 FROM orders WHERE platform = ? LIMIT 1", (platform,)
    ).fetchone() is None
    if not fresh:
        _classify(conn, res, platform, import_id, now, stale_if, differs)
    if fmt.mode == "refund":
        matched = 0 if fresh else conn.execute(
            "SELECT count(*) FROM _lines i JOIN orders o ON o.platform = ? AND o.line_key = i.line_key",
            (platform,),
        ).fetchone()[0]
        res.unmatched = total - matched
    elif direct:
        res.new = total  # inserted as they were read
    else:
        res.new = _insert_new(conn, total, fresh, platform, kind, distributor, import_id, now)
    res.unchanged = total - res.new - res.changed - res.stale - res.unmatched
    events_before = conn.execute("SELECT coalesce(max(id), 0) FROM order_events").fetchone()[0]
    attributed_now = _attribute_scope(
        conn,
        "INSERT INTO _scope SELECT o.platform, o.line_key FROM _lines i "
        "JOIN orders o ON o.platform = ? AND o.line_key = i.line_key WHERE o.share_id IS NULL AND "
        "(o.code_status = 'ok' OR (o.tracking_code IS NULL AND o.slot IN "
        "(SELECT slot FROM shares WHERE slot IS NOT NULL)))",
        (platform,), import_id, now,
    )
    _count_attribution(conn, res, platform, stage.bad_codes)
    # commission: book what the lines this import changed (new, updated, or
    # attributed to a share just now) earn now (ledger.py)
    if kind == "shop" and not direct and res.new == total:
        # every line new (none held anything): those attributed to a share are all that earn
        scope = (
            "SELECT platform, line_key FROM orders INDEXED BY orders_share "
            "WHERE share_id IS NOT NULL AND platform = ? AND last_import_id = ?"
        )
        params = (platform, import_id)
    elif kind == "shop" and not direct:
        # a shop line earns only through a share, and one that never earned
        # keeps no ledger state: only those that earn or held are booked
        scope = (
            "SELECT o.platform, o.line_key FROM temp._lines i JOIN orders o "
            "ON o.platform = ? AND o.line_key = i.line_key WHERE o.last_import_id = ? AND "
            "(o.kind = 'affiliate' OR o.share_id IS NOT NULL OR EXISTS (SELECT 1 FROM ledger_state st "
            "WHERE st.platform = o.platform AND st.line_key = o.line_key))"
        )
        params = (platform, import_id)
    elif fresh and fmt.mode != "refund":
        # every staged line was inserted just now
        scope, params = "SELECT ?, line_key FROM temp._lines", (platform,)
    else:
        scope = (
            "SELECT o.platform, o.line_key FROM temp._lines i JOIN orders o "
            "ON o.platform = ? AND o.line_key = i.line_key WHERE o.last_import_id = ?"
        )
        params = (platform, import_id)
    if attributed_now:
        scope += " UNION SELECT platform, line_key FROM order_events WHERE id > ? AND field = 'share_id'"
        params += (events_before,)
    seen = res.stale and conn.execute("SELECT 1 FROM temp._seen_valid LIMIT 1").fetchone()
    if seen:  # stale lines now known to have been valid (_classify)
        scope += " UNION SELECT ?, line_key FROM temp._seen_valid"
        params += (platform,)
    booked = ledger.book(conn, scope, params, import_id=import_id,
                         whole_platform=platform if direct else None, shop=kind == "shop")
    if res.stale:
        conn.execute("DROP TABLE IF EXISTS temp._seen_valid")
    res.ledger_entries, res.adjustments = booked.entries, booked.adjustments


def _classify(conn, res, platform, import_id, now, stale_if, differs) -> None:
    """Changed and stale lines (those already stored); applies the changes."""
    # only lines that differ are written down: re-importing a file writes nothing
    conn.execute("DROP TABLE IF EXISTS temp._changed")
    conn.execute(
        f"CREATE TEMP TABLE _changed AS SELECT i.line_key AS line_key, i.row AS row, "
        f"CASE WHEN {stale_if} THEN 'stale' ELSE 'changed' END AS state "
        f"FROM _lines i JOIN orders o ON o.platform = ? AND o.line_key = i.line_key "
        f"WHERE {stale_if} OR {differs}",
        (platform,),
    )
    counts = dict(conn.execute("SELECT state, count(*) FROM _changed GROUP BY state").fetchall())
    res.changed, res.stale = counts.get("changed", 0), counts.get("stale", 0)
    if res.stale:
        res.stale_keys = [
            r[0] for r in conn.execute(
                "SELECT line_key FROM _changed WHERE state = 'stale' ORDER BY row LIMIT 5"
            )
        ]
        # an older export showing a now void line still valid: the line was
        # valid, whichever export came first (its status stays; ledger.py)
        # (temp._seen_valid: those lines, booked again by _apply)
        conn.execute("DROP TABLE IF EXISTS temp._seen_valid")
        conn.execute("CREATE TEMP TABLE _seen_valid (line_key TEXT PRIMARY KEY) WITHOUT ROWID")
        if conn.execute(
            f"INSERT INTO temp._seen_valid SELECT c.line_key FROM _changed c JOIN _lines i ON i.line_key = c.line_key "
            f"JOIN orders o ON o.platform = ? AND o.line_key = c.line_key "
            f"WHERE c.state = 'stale' AND i.status IN {_VALID_NOW} AND o.status NOT IN {_VALID_NOW} "
            f"AND o.seen_valid = 0", (platform,),
        ).rowcount:
            conn.execute(
                "UPDATE orders SET seen_valid = 1 FROM temp._seen_valid v "
                "WHERE orders.platform = ? AND orders.line_key = v.line_key", (platform,),
            )
        conn.execute("DELETE FROM _changed WHERE state = 'stale'")
    if res.changed:
        _apply_changes(conn, platform, import_id, now)


def _rebuild_pays(adding: int, held: int) -> bool:
    """Whether dropping the plain indexes of ``orders`` and building them
    after the load beats keeping them up to date line by line. A build sorts
    every line, about 1.6 µs each; an insert into an index larger than the
    page cache lands anywhere in it, about 10 µs each (measured on
    ``orders_month_lines``, 1,000,000 lines into 1,000,000: kept 14.4 s,
    dropped and built again 4.4 + 3.3 s). So: when adding a fifth or more of
    what the table holds."""
    return adding * 5 >= held


def _insert_new(conn, total, fresh, platform, kind, distributor, import_id, now) -> int:
    """Insert the staged lines ``orders`` does not hold yet; returns how many."""
    held = conn.execute("SELECT coalesce(max(rowid), 0) FROM orders").fetchone()[0]
    # the staged lines orders holds already (none: every one is inserted, no look for each)
    stored = 0 if fresh else conn.execute(
        "SELECT count(*) FROM _lines i WHERE EXISTS (SELECT 1 FROM orders o "
        "WHERE o.platform = ? AND o.line_key = i.line_key)", (platform,),
    ).fetchone()[0]
    bulk = _rebuild_pays(total - stored, held)
    cols = ", ".join(UPDATABLE)
    sql = (
        f"INSERT INTO orders (platform, line_key, {cols}, kind, distributor, first_import_id, "
        f"last_import_id, updated_at, day) "
        f"SELECT ?, line_key, "
        + ", ".join(
            "coalesce(refunded_fen, 0)" if f == "refunded_fen"
            else "json_patch('{}', extra)" if f == "extra" else f
            for f in UPDATABLE
        )
        + f", ?, ?, ?, ?, ?, {DAY_SQL.format(paid='paid_at', created='created_at')} FROM _lines i"
    )
    params: tuple = (platform, kind, (distributor or "me") if kind == "affiliate" else None,
                     import_id, import_id, now)
    if stored:
        sql += (" WHERE NOT EXISTS (SELECT 1 FROM orders o "
                "WHERE o.platform = ? AND o.line_key = i.line_key)")
        params += (platform,)
    with plain_indexes_dropped(conn, "orders", bulk):
        return conn.execute(sql + " ORDER BY line_key", params).rowcount


def _apply_changes(conn, platform, import_id, now) -> None:
    for f in EVENT_FIELDS:
        conn.execute(
            f"INSERT INTO order_events (import_id, platform, line_key, field, old_value, "
            f"new_value, at) SELECT ?, o.platform, o.line_key, '{f}', o.{f}, i.{f}, ? "
            f"FROM _changed c JOIN _lines i ON i.line_key = c.line_key "
            f"JOIN orders o ON o.platform = ? AND o.line_key = c.line_key "
            f"WHERE i.{f} IS NOT NULL AND i.{f} IS NOT o.{f} ORDER BY i.row",
            (import_id, now, platform),
        )
    sets = ", ".join(
        "extra = CASE WHEN i.extra IS NULL THEN orders.extra "
        "ELSE json_patch(coalesce(orders.extra, '{}'), i.extra) END"
        if f == "extra" else f"{f} = coalesce(i.{f}, orders.{f})"
        for f in UPDATABLE
    )
    day = DAY_SQL.format(paid="coalesce(i.paid_at, orders.paid_at)", created="coalesce(i.created_at, orders.created_at)")
    conn.execute(
        f"UPDATE orders SET {sets}, last_import_id = ?, updated_at = ?, day = {day} "
        "FROM _changed c JOIN _lines i ON i.line_key = c.line_key "
        "WHERE orders.platform = ? AND orders.line_key = +c.line_key",
        (import_id, now, platform),
    )


# ---- attribution -------------------------------------------------------------------

# among the shares on a line's slot: the one for the line's SKU (latest first);
# a slot with a single share takes every line; several shares and no SKU match
# is ambiguous and attributes nothing
_SLOT_PICK = (
    "coalesce((SELECT s.id FROM shares s WHERE s.slot = orders.slot AND s.sku = orders.sku "
    "ORDER BY s.created_at DESC, s.id DESC LIMIT 1), "
    "(SELECT max(s.id) FROM shares s WHERE s.slot = orders.slot HAVING count(*) = 1))"
)


def _attribute_scope(conn, fill_sql: str, params: tuple, import_id: int | None, now: str) -> int:
    """Attribute the lines put in ``_scope`` by ``fill_sql``; returns how many were."""
    conn.execute("DROP TABLE IF EXISTS temp._scope")
    conn.execute(
        "CREATE TEMP TABLE _scope (platform TEXT, line_key TEXT, PRIMARY KEY (platform, line_key))"
    )
    try:
        if not conn.execute("SELECT 1 FROM shares LIMIT 1").fetchone():
            return 0
        conn.execute(fill_sql, params)
        # a verified code names its share
        conn.execute(
            "UPDATE orders SET share_id = s.id, attribution = 'code', "
            "distributor = CASE WHEN orders.kind = 'shop' THEN s.distributor ELSE orders.distributor END "
            "FROM _scope c, shares s WHERE orders.platform = +c.platform AND orders.line_key = +c.line_key "
            "AND orders.share_id IS NULL AND orders.code_status = 'ok' AND s.id = orders.code_share_id"
        )
        # no code at all: the slot, with the SKU choosing between shares
        conn.execute(
            f"UPDATE orders SET share_id = {_SLOT_PICK}, attribution = 'slot' "
            "FROM _scope c WHERE orders.platform = +c.platform AND orders.line_key = +c.line_key "
            f"AND orders.share_id IS NULL AND orders.tracking_code IS NULL AND {_SLOT_PICK} IS NOT NULL"
        )
        conn.execute(
            "UPDATE orders SET distributor = s.distributor FROM _scope c, shares s "
            "WHERE orders.platform = +c.platform AND orders.line_key = +c.line_key "
            "AND orders.attribution = 'slot' AND orders.kind = 'shop' AND s.id = orders.share_id "
            "AND orders.distributor IS NOT s.distributor"
        )
        return conn.execute(
            "INSERT INTO order_events (import_id, platform, line_key, field, old_value, new_value, at) "
            "SELECT ?, o.platform, o.line_key, 'share_id', NULL, o.share_id, ? FROM _scope c "
            "JOIN orders o ON o.platform = c.platform AND o.line_key = c.line_key "
            "WHERE o.share_id IS NOT NULL AND o.first_import_id IS NOT ?",
            (import_id, now, import_id),
        ).rowcount
    finally:
        conn.execute("DROP TABLE IF EXISTS temp._scope")


def _count_attribution(conn, res: ImportResult, platform: str, counted: BadCodes | None) -> None:
    in_orders = res.new + res.changed + res.unchanged + res.stale
    any_attributed = conn.execute(
        "SELECT 1 FROM orders WHERE share_id IS NOT NULL LIMIT 1"
    ).fetchone()
    if any_attributed:
        res.attributed = conn.execute(
            "SELECT count(*) FROM _lines i JOIN orders o ON o.platform = ? AND o.line_key = i.line_key "
            "WHERE o.share_id IS NOT NULL", (platform,),
        ).fetchone()[0]
    res.unattributed = in_orders - res.attributed
    if counted is None:
        counted = BadCodes(conn)
        counted.add(conn.execute(
            "SELECT tracking_code, code_status, code_share_id FROM _lines "
            "WHERE tracking_code IS NOT NULL ORDER BY row"
        ))
    res.bad_codes, res.bad_code_list = counted.count, list(counted.first)


def _reverify(conn, secret: bytes | None) -> int:
    """Verify again the codes of unattributed lines that did not verify (an
    import that met no readable secret, or a config since restored); returns
    how many verify now."""
    if secret is None:
        return 0
    from weimai_cli.sharing.codes import verify

    now_ok = []
    for platform, line_key, code in conn.execute(
        "SELECT platform, line_key, tracking_code FROM orders WHERE share_id IS NULL "
        "AND tracking_code IS NOT NULL AND code_status IS NOT 'ok'"
    ).fetchall():
        verdict = verify(code, secret)
        if verdict.ok:
            now_ok.append((verdict.code, verdict.share_id, platform, line_key))
    conn.executemany(
        "UPDATE orders SET tracking_code = ?, code_status = 'ok', code_share_id = ? "
        "WHERE platform = ? AND line_key = ?", now_ok,
    )
    return len(now_ok)


def attribute(conn) -> dict:
    """Re-run attribution over every unattributed line (e.g. after late shares),
    verifying again the codes that did not verify; a config that cannot be
    read is an error (exit 5), as on import."""
    now = now_iso()
    secret, problem = _secret(conn)
    if problem is not None:
        raise problem
    with transaction(conn):
        verified = _reverify(conn, secret)
        before = conn.execute("SELECT count(*) FROM orders WHERE share_id IS NULL").fetchone()[0]
        n = _attribute_scope(
            conn,
            "INSERT INTO _scope SELECT platform, line_key FROM orders WHERE share_id IS NULL AND "
            "(code_status = 'ok' OR (tracking_code IS NULL AND slot IN "
            "(SELECT slot FROM shares WHERE slot IS NOT NULL)))",
            (), None, now,
        )
        booked = ledger.book_all(conn) if n else ledger.Booked()
    return {"attributed": n, "still_unattributed": before - n, "ledger_entries": booked.entries,
            "codes_verified": verified}


__all__ = ["STATUSES", "ImportResult", "attribute", "import_files", "parse_maps", "save_mapping"]
