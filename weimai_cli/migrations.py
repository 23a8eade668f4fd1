"""Named, ordered, append-only migrations, recorded in the ``_migrations`` table.

Add a new function at the end, decorated with ``@migration``; never edit or
reorder one that has shipped. :func:`migrate` runs the pending ones in one
``BEGIN IMMEDIATE`` transaction when the database is opened, so running it
again is a no-op and two processes opening a new database at once are safe.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable

from weimai_cli.clock import now_iso

MIGRATIONS: list[tuple[str, Callable]] = []


def migration(fn: Callable) -> Callable:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def _import_sqlite_utils():
    """Import sqlite_utils without numpy and pandas.

    sqlite_utils imports both when they are installed, only so that it can
    store their scalar types; weimai never hands it those, and numpy alone
    costs about 75 ms of every first run against a new database. Either one
    imported before (by anything else) is left alone and used as usual.
    """
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # makes `import name` raise ImportError
    try:
        import sqlite_utils
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    return sqlite_utils


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    done = set(applied(conn))
    if all(name in done for name, _ in MIGRATIONS):
        return []
    sqlite_utils = _import_sqlite_utils()

    from weimai_cli.store import transaction

    ran = []
    with transaction(conn):
        # re-read inside the lock: another process may have migrated meanwhile
        done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
        # no sqlite-utils plugins: their hooks would cost a scan of every installed
        # package (~25 ms) and have no business changing weimai's connection
        db = sqlite_utils.Database(conn, execute_plugins=False)
        for name, fn in MIGRATIONS:
            if name in done:
                continue
            fn(db)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, now_iso())
            )
            ran.append(name)
    return ran


@migration
def m001_goods(db):
    db["goods"].create(
        {
            "sku": str,
            "title": str,
            "price_fen": int,
            "original_price_fen": int,
            "commission_bp": int,
            "commission_fen": int,
            "supplier": str,
            "category": str,
            "platform": str,
            "url": str,
            "image_url": str,
            "stock": int,
            "tags": str,
            "selling_points": str,
            "status": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="sku",
        not_null={"title", "price_fen", "status", "created_at", "updated_at"},
        defaults={"status": "active"},
    )
    db["goods"].create_index(["status", "category"], index_name="goods_status_category")
    db["goods_history"].create(
        {
            "id": int,
            "sku": str,
            "price_fen": int,
            "commission_bp": int,
            "commission_fen": int,
            "status": str,
            "changed_at": str,
            "source": str,
        },
        pk="id",
        not_null={"sku", "price_fen", "changed_at"},
        foreign_keys=[("sku", "goods", "sku")],
    )
    db["goods_history"].create_index(["sku", "id"], index_name="goods_history_sku")


@migration
def m002_distributors(db):
    db["distributors"].create(
        {
            "handle": str,
            "name": str,
            "contact": str,
            "rate_bp": int,
            "created_at": str,
        },
        pk="handle",
        not_null={"created_at"},
    )
    db["distributors"].insert(
        {"handle": "me", "name": "me", "created_at": now_iso()}
    )


@migration
def m003_shares(db):
    db["shares"].create(
        {
            "id": int,
            "code": str,
            "sku": str,
            "distributor": str,
            "channel": str,
            "campaign": str,
            "link": str,
            "short_link": str,
            "post": str,
            "slot": str,
            "template": str,
            "price_fen": int,
            "commission_bp": int,
            "commission_fen": int,
            "created_at": str,
        },
        pk="id",
        not_null={"code", "sku", "distributor", "channel", "link", "price_fen", "created_at"},
        defaults={"distributor": "me"},
        foreign_keys=[("sku", "goods", "sku"), ("distributor", "distributors", "handle")],
    )
    db["shares"].create_index(["code"], unique=True, index_name="shares_code")
    db["shares"].create_index(["sku", "created_at"], index_name="shares_sku")
    db["shares"].create_index(["slot"], index_name="shares_slot")
    db["shares"].create_index(["distributor", "created_at"], index_name="shares_distributor")
