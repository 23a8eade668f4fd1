"""Plain indexes dropped for a bulk write and built again after it (orders,
the ledger): one sort instead of a random insert per row. Imports nothing of
the db layer, so that the ledger's booking (which the migrations reach) may
use it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


def rebuild_pays(adding: int, held: int) -> bool:
    """Whether dropping the plain indexes of ``orders`` and building them
    after the load beats keeping them up to date line by line. A build sorts
    every line, about 1.6 µs each; an insert into an index larger than the
    page cache lands anywhere in it, about 10 µs each (measured on
    ``orders_month_lines``, 1,000,000 lines into 1,000,000: kept 14.4 s,
    dropped and built again 4.4 + 3.3 s). So: when adding a fifth or more of
    what the table holds."""
    return adding * 5 >= held


@contextmanager
def plain_indexes_dropped(conn: sqlite3.Connection, table: str, drop: bool) -> Iterator[None]:
    """With ``drop``, the plain indexes of ``table`` are dropped for the block
    and built again after it: one sort instead of a random insert per row,
    several times faster when the table doubles or more. Unique and partial
    indexes stay. Call inside a transaction: a failure or a kill restores
    them with everything else."""
    rebuild: list[str] = []
    if drop:
        for _seq, name, unique, origin, partial in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
            if unique or partial or origin != "c":
                continue
            rebuild.append(conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
            ).fetchone()[0])
            conn.execute(f'DROP INDEX "{name}"')
    yield
    if rebuild:
        # helper threads for the sorts: about 1.3 × faster on 2 cores (and a
        # few MiB more memory, so only here)
        threads = conn.execute("PRAGMA threads").fetchone()[0]
        conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        try:
            for sql in rebuild:
                conn.execute(sql)
        finally:
            conn.execute(f"PRAGMA threads = {threads}")
