"""Importing order exports: the entry point, files and their transactions.

:func:`import_files` takes an :class:`ImportRequest` (or its fields as
keywords), makes it ready once (:func:`prepare`: the saved mapping, the
tracking-code secret, the replay key, the rejects file) and imports each
file in one ``BEGIN IMMEDIATE`` transaction (all its parts: zip members,
workbook sheets): it is entirely in or entirely out. Each part goes through
the stages (part.py); the same bytes imported again with nothing changed
since are replayed (replay.py) instead.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import replace

from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, UsageError
from weimai_cli.i18n import _
from weimai_cli.money import currency_option
from weimai_cli.orders import formats as fmts
from weimai_cli.orders import replay
from weimai_cli.orders.codes import code_reader, read_secret
from weimai_cli.orders.history import (
    record_import,
    record_outcome,
    warn_repeated_headers,
    warn_totals,
)
from weimai_cli.orders.mappings import load_mapping
from weimai_cli.orders.part import import_part
from weimai_cli.orders.rejects import Rejects
from weimai_cli.orders.request import ImportRequest, ImportResult, Run
from weimai_cli.orders.write import Restage, fast_null_binding
from weimai_cli.tables.table import parts

CACHE_KIB = 8192  # per schema (main and temp): peak memory stays under 100 MiB


class _DryRun(Exception):
    pass


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_files(conn: sqlite3.Connection, paths: Iterable[str], request: ImportRequest | None = None,
                 **options) -> list[ImportResult]:
    """Import each file in its own transaction; returns one result per file
    part. ``options``: the fields of an :class:`ImportRequest`, when none is given."""
    run = prepare(conn, request if request is not None else ImportRequest(**options))
    req = run.request
    # a larger page cache for the set-based steps (bounded: memory stays flat)
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB}")
    # (this SQLite may be built to zero every freed page: the staging tables
    # are dropped after each file, and temp pages never outlive the connection)
    conn.execute("PRAGMA temp.secure_delete = OFF")
    results: list[ImportResult] = []
    finished = False
    try:
        with fast_null_binding():
            for path in paths:
                for res in _import_file(conn, run, str(path)):
                    results.append(res)
                    if req.done:
                        req.done(res)
                run.rejects.keep()
        finished = True
    finally:
        run.rejects.close(finished)
    return results


def prepare(conn, request: ImportRequest) -> Run:
    """Check the request and make it ready for every file (see :class:`Run`)."""
    fmt = request.format
    if fmt != "auto":
        fmts.get(fmt)
    currency = request.currency
    if currency is not None:
        currency = currency_option(currency)
    if request.skip_bad and not request.rejects:
        raise UsageError(_("--skip-bad needs --rejects FILE"), _("name a file for the rejected rows"))
    extra, platform = dict(request.maps or {}), request.platform
    if request.mapping:
        saved, saved_platform = load_mapping(conn, request.mapping)
        extra = {**saved, **extra}
        platform = platform or saved_platform
    if extra and fmt == "auto":
        fmt = "generic"
    distributor = request.distributor
    if distributor is not None:
        if fmt not in ("auto",) and fmts.get(fmt).kind == "shop":
            raise UsageError(
                _("--as applies to affiliate reports; {format} is a shop export").format(format=fmt),
                _("shop lines earn for the distributor of the share they are attributed to"),
            )
        from weimai_cli.sharing.distributors import get_distributor

        get_distributor(conn, distributor)
    rejects = Rejects(request.rejects, request.force)
    secret, problem = read_secret(conn)
    key = replay.replay_key(format=fmt, extra=extra, platform=platform,
                            distributor=distributor, secret=secret, any_date=request.allow_any_date,
                            currency=currency)
    # times outside these days are errors (values.date_bounds), unless --allow-any-date
    from weimai_cli.clock import now
    from weimai_cli.orders.values import date_bounds

    dates = None if request.allow_any_date else date_bounds(now())
    resolved = replace(request, format=fmt, maps=extra, platform=platform, currency=currency)
    return Run(resolved, code_reader(secret, problem), key, dates, rejects)


def _import_file(conn, run: Run, path: str) -> list[ImportResult]:
    if os.path.isdir(path):  # False, not an error, for a name too long: the read below says so
        raise BadInput(_("is a directory, not a file"), file=path)
    pieces = parts(path)
    digest = sha256_file(path)
    prior = conn.execute(
        "SELECT id FROM imports WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (digest,)
    ).fetchone()
    results: list[ImportResult] = []
    try:
        with transaction(conn):
            # the same bytes again, nothing changed since: the outcome is known
            found = replay.find(conn, digest, pieces[0], run.key) if len(pieces) == 1 else None
            for part in pieces:
                if found:
                    res = _replayed(conn, path, part, digest, run.key, *found, warn=run.request.warn)
                else:
                    several = len(pieces) > 1
                    try:
                        res = import_part(conn, run, path, part, digest, several=several, direct=True)
                    except Restage:  # (rolled back) the staging path merges them
                        res = import_part(conn, run, path, part, digest, several=several, direct=False)
                if res is None:
                    continue
                res.dry_run = run.request.dry_run
                res.same_as_import = prior[0] if prior else None
                results.append(res)
            if not results:
                raise BadInput(
                    _("no part of this file is an order report"),
                    _("give --format NAME, or see `weimai orders import --help`"), file=path,
                )
            replay.seal(conn, [r.import_id for r in results])
            if run.request.dry_run:
                raise _DryRun
    except _DryRun:
        for r in results:
            r.import_id = None
    return results


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
    res.import_id = record_import(conn, path, part, digest, res.format, res.container,
                                  res.encoding, res.platform, res.kind, prior["distributor"])
    totals = [tuple(t) for t in recorded.get("totals", [])]
    warn_repeated_headers(res, recorded["repeated_header_rows"], warn)
    warn_totals(res, totals, warn)
    record_outcome(conn, res, key, recorded["repeated_header_rows"], totals)
    return res


__all__ = ["ImportRequest", "ImportResult", "import_files", "prepare"]
