"""The ``imports`` rows: each file part imported, its counts and outcome, and
the warnings its report carries."""

from __future__ import annotations

from pathlib import Path

from weimai_cli.clock import now_iso
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
                   totals: list[tuple[int, str]]) -> None:
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


def warn_repeated_headers(res: ImportResult, rows: list[int], warn) -> None:
    for rownum in rows:
        msg = f"{res.file}:{rownum}: repeated header row skipped"
        res.warnings.append(msg)
        if warn:
            warn(msg)


def warn_totals(res: ImportResult, totals: list[tuple[int, str]], warn) -> None:
    """Total rows (合计) whose amount is not the lines' sum: skipped all the same, with a warning."""
    for rownum, text in totals:
        msg = f"{res.file}:{rownum}: {text}"
        res.warnings.append(msg)
        if warn:
            warn(msg)

