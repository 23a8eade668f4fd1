"""Shared set-up for the order tests: the fixed code secret, goods and shares."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from weimai_cli.sharing.codes import make_code

ORDERS = Path(__file__).parent / "data" / "orders"
SECRET = bytes(range(32))  # the secret the fixtures' codes are made with

# share id -> (sku, slot, distributor)
SHARES = {
    1: ("575123456789", "111111111", "me"),
    2: ("575000000002", "111111111", "me"),
    3: ("100012345678", None, "me"),
    4: ("TEA-001", None, "anna"),
    5: ("B00TEAKET1", "mystore-20", "me"),
    6: ("NX-GQ-500", "88990011", "anna"),
    7: ("520000000002", "333333333", "me"),
}


def use_secret() -> None:
    from weimai_cli.config import update_config

    update_config("codes", "secret", SECRET.hex())


def add_share(conn: sqlite3.Connection, share_id: int, sku: str, slot: str | None = None,
              distributor: str = "me", created_at: str = "2026-10-01T00:00:00+08:00") -> str:
    """A share row as `weimai share` would record it (goods and distributor made if missing)."""
    code = make_code(share_id, SECRET)
    conn.execute(
        "INSERT OR IGNORE INTO goods (sku, title, price_fen, status, created_at, updated_at) "
        "VALUES (?, ?, 1000, 'active', ?, ?)", (sku, f"goods {sku}", created_at, created_at),
    )
    conn.execute(
        "INSERT OR IGNORE INTO distributors (handle, name, created_at) VALUES (?, ?, ?)",
        (distributor, distributor, created_at),
    )
    conn.execute(
        "INSERT INTO shares (id, code, sku, distributor, channel, link, slot, price_fen, "
        "commission_bp, created_at) VALUES (?, ?, ?, ?, 'weibo', ?, ?, 1000, 2000, ?)",
        (share_id, code, sku, distributor, f"https://example.com/{sku}?wm={code}", slot, created_at),
    )
    conn.commit()
    return code


def add_all_shares(conn: sqlite3.Connection) -> None:
    for sid, (sku, slot, dist) in SHARES.items():
        add_share(conn, sid, sku, slot, dist)


def db_digest(path: Path) -> str:
    """A digest of the database's full content (schema and rows)."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


ORDER_COLUMNS = (
    "platform, line_key, order_id, sku, title, quantity, unit_price_fen, paid_fen, refunded_fen, "
    "settled_fen, currency, status, raw_status, refund_status, created_at, paid_at, confirmed_at, "
    "settled_at, month, tracking_code, code_status, slot, share_id, distributor, attribution, "
    "reported_commission_fen, settled_commission_fen, reported_rate_bp, kind, extra, "
    "first_import_id, last_import_id"
)


def read_orders(conn: sqlite3.Connection) -> list[dict]:
    cur = conn.execute(f"SELECT {ORDER_COLUMNS} FROM orders ORDER BY platform, line_key")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


def read_events(conn: sqlite3.Connection) -> list[dict]:
    cur = conn.execute(
        "SELECT import_id, platform, line_key, field, old_value, new_value FROM order_events ORDER BY id"
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


@contextmanager
def direct_or_staged(staged: bool) -> Iterator[list]:
    """Imports in the block go as they would (a platform's first lines straight
    into orders: write.Direct), or with ``staged`` the staging way (Direct
    refuses every file). Yields the list of Direct's loads (one ``staged`` each)."""
    from weimai_cli.orders import write

    calls: list = []
    load = write.Direct.load

    def direct_load(self, rows, fields):
        calls.append(staged)
        if staged:
            raise write.Restage
        return load(self, rows, fields)

    write.Direct.load = direct_load
    try:
        yield calls
    finally:
        write.Direct.load = load

