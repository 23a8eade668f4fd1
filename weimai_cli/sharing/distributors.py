"""Distributors (达人): handle, name, contact and an optional rate override.

``me`` exists from the start. A distributor's rate, when set, overrides the
goods' commission terms for that distributor's shares (it is snapshotted
into each share at share time).
"""

from __future__ import annotations

import re
import sqlite3

from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound, did_you_mean

_HANDLE = re.compile(r"[^\s\-][^\s]{0,63}")


def get_distributor(conn: sqlite3.Connection, handle: str) -> dict:
    row = conn.execute("SELECT * FROM distributors WHERE handle = ?", (handle,)).fetchone()
    if row is None:
        handles = [r[0] for r in conn.execute("SELECT handle FROM distributors")]
        close = did_you_mean(handle, handles)
        hint = f"add one: weimai distributors add {handle} --name … --rate …"
        raise NotFound(f"no distributor {handle!r}", f"{close} or {hint}" if close else hint)
    return dict(row)


def add_distributor(
    conn: sqlite3.Connection,
    handle: str,
    *,
    name: str | None = None,
    contact: str | None = None,
    rate_bp: int | None = None,
) -> dict:
    handle = handle.strip()
    if not _HANDLE.fullmatch(handle):
        raise BadInput(
            f"distributor handle {handle!r} is not usable",
            "use 1–64 characters without spaces, not starting with '-' (e.g. xiaohong)",
        )
    with transaction(conn):
        if conn.execute("SELECT 1 FROM distributors WHERE handle = ?", (handle,)).fetchone():
            raise BadInput(f"distributor {handle!r} already exists", "pick another handle")
        conn.execute(
            "INSERT INTO distributors (handle, name, contact, rate_bp, created_at) VALUES (?, ?, ?, ?, ?)",
            (handle, name or handle, contact, rate_bp, now_iso()),
        )
    return get_distributor(conn, handle)


def list_distributors(conn: sqlite3.Connection) -> list[dict]:
    """Every distributor with the number of shares and the last share time."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT d.handle, d.name, d.contact, d.rate_bp, d.created_at, "
            "(SELECT count(*) FROM shares s WHERE s.distributor = d.handle) AS shares, "
            "(SELECT max(created_at) FROM shares s WHERE s.distributor = d.handle) AS last_share "
            "FROM distributors d ORDER BY d.handle = 'me' DESC, d.handle"
        )
    ]
