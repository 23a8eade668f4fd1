"""The ``imports`` rows: each file part imported, its counts and outcome, and
the warnings its report carries."""

from __future__ import annotations

from pathlib import Path

from weimai_cli.clock import now_iso
from weimai_cli.i18n import N_, _, tr
from weimai_cli.orders import replay
from weimai_cli.orders.request import ImportResult


def record_import(conn, path, part, digest, fmt_name, container, encoding, platform, kind,
                  distributor) -> int:
    """The ``imports`` row of a part (its counts follow when it is done)."""
    return conn.execute(
        "INSERT INTO imports (file, name, part, sha256, size, format, container, encoding, "
        "platform, kind, distributor, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(Path(path).resolve()), Path(path).name, part, digest, Path(path).stat().st_size,
         fmt_name, container, encoding, platform, kind, distributor, now_iso()),
    ).lastrowid



def record_outcome(conn, res: ImportResult, key: str, repeated_header_rows: list[int],
                   totals: list[tuple[int, str | dict]]) -> None:
    """The counts of a finished part, and what a replay of it needs (replay.py)."""
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


REPEATED_HEADER = N_("{file}:{row}: repeated header row skipped")
TOTAL_ABOVE = N_("{file}:{row}: the total row says {column} {says}, but the lines above it add up to {all}")
TOTAL_SINCE = N_("{file}:{row}: the total row says {column} {says}, but the lines since row {since} "
                 "add up to {sum} (all above it: {all})")


def warn_repeated_headers(res: ImportResult, rows: list[int], warn) -> None:
    """Each repeated header row skipped: a warning (in the interface language)
    and the report's ``warnings`` (in English, as JSON keeps them)."""
    for rownum in rows:
        res.warnings.append(REPEATED_HEADER.format(file=res.file, row=rownum))
        if warn:
            warn(_(REPEATED_HEADER).format(file=res.file, row=rownum))


def total_message(file: str, rownum: int, said, language: str | None = None) -> str:
    """The warning of a total row whose amount is not the lines' sum: ``said``
    is what the row says (lines.from_rows), or the message itself (an outcome
    recorded before the figures were)."""
    if isinstance(said, str):
        return f"{file}:{rownum}: {said}"
    return tr(TOTAL_SINCE if "since" in said else TOTAL_ABOVE, language).format(file=file, row=rownum, **said)


def warn_totals(res: ImportResult, totals: list[tuple[int, str | dict]], warn) -> None:
    """Total rows (合计) whose amount is not the lines' sum: skipped all the same, with a warning."""
    for rownum, said in totals:
        res.warnings.append(total_message(res.file, rownum, said, "en"))
        if warn:
            warn(total_message(res.file, rownum, said))
