"""Named, ordered, append-only migrations, recorded in the ``_migrations`` table.

Add a new function at the end, decorated with ``@migration``; never edit or
reorder one that has shipped. :func:`migrate` runs the pending ones in one
``BEGIN IMMEDIATE`` transaction when the database is opened, so running it
again is a no-op and two processes opening a new database at once are safe.
"""

from __future__ import annotations

import sqlite3
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


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    done = set(applied(conn))
    if all(name in done for name, _ in MIGRATIONS):
        return []
    import sqlite_utils

    from weimai_cli.store import transaction

    ran = []
    with transaction(conn):
        # re-read inside the lock: another process may have migrated meanwhile
        done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
        db = sqlite_utils.Database(conn)
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


@migration
def m006_notify_feeds(db):
    # one row per (target, report key): the de-duplication key for deliveries
    db["deliveries"].create(
        {
            "id": str,
            "target": str,
            "kind": str,
            "report_key": str,
            "title": str,
            "status": str,
            "parts": int,
            "parts_sent": int,
            "attempts": int,
            "content_sha256": str,
            "error": str,
            "created_at": str,
            "updated_at": str,
            "sent_at": str,
            "lease_owner": str,
            "lease_until": int,
        },
        pk="id",
        not_null={"target", "kind", "report_key", "status", "created_at", "updated_at"},
        defaults={"parts_sent": 0, "attempts": 0},
    )
    db["deliveries"].create_index(["target", "report_key"], unique=True, index_name="deliveries_key")
    db["feeds"].create(
        {
            "name": str,
            "url": str,
            "format": str,
            "column_map": str,
            "allow_private": int,
            "etag": str,
            "last_modified": str,
            "last_sync_at": str,
            "last_ok_at": str,
            "last_status": str,
            "last_error": str,
            "items": int,
            "created_at": str,
        },
        pk="name",
        not_null={"url", "format", "created_at"},
        defaults={"format": "auto", "allow_private": 0},
    )
