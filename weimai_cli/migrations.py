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
def m004_orders(db):
    conn = db.conn
    conn.execute(
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            name TEXT NOT NULL,
            part TEXT,
            sha256 TEXT NOT NULL,
            size INTEGER,
            format TEXT NOT NULL,
            container TEXT,
            encoding TEXT,
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            distributor TEXT,
            rows INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            changed INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            stale INTEGER NOT NULL DEFAULT 0,
            merged INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            unmatched INTEGER NOT NULL DEFAULT 0,
            attributed INTEGER NOT NULL DEFAULT 0,
            unattributed INTEGER NOT NULL DEFAULT 0,
            bad_codes INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            finished_at TEXT
        )
        """
    )
    conn.execute("CREATE INDEX imports_sha256 ON imports (sha256)")
    # One row per order line. Money in fen, rates in basis points, times ISO 8601
    # with offset; month is the Asia/Shanghai month of paid_at (else created_at).
    # share_id deliberately has no FOREIGN KEY: shares may be recorded later.
    conn.execute(
        """
        CREATE TABLE orders (
            platform TEXT NOT NULL,
            line_key TEXT NOT NULL,
            order_id TEXT,
            sku TEXT,
            title TEXT,
            quantity INTEGER,
            unit_price_fen INTEGER,
            paid_fen INTEGER,
            refunded_fen INTEGER NOT NULL DEFAULT 0,
            settled_fen INTEGER,
            currency TEXT,
            status TEXT NOT NULL CHECK (status IN
                ('pending', 'paid', 'confirmed', 'settled', 'cancelled', 'refunded', 'invalid')),
            raw_status TEXT,
            refund_status TEXT,
            created_at TEXT,
            paid_at TEXT,
            confirmed_at TEXT,
            settled_at TEXT,
            month TEXT,
            tracking_code TEXT,
            code_share_id INTEGER,
            code_status TEXT,
            slot TEXT,
            share_id INTEGER,
            distributor TEXT,
            attribution TEXT,
            reported_commission_fen INTEGER,
            settled_commission_fen INTEGER,
            reported_rate_bp INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('affiliate', 'shop')),
            extra TEXT,
            first_import_id INTEGER NOT NULL REFERENCES imports(id),
            last_import_id INTEGER NOT NULL REFERENCES imports(id),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, line_key)
        )
        """
    )
    # the statement path: one month, grouped by sku and share, read from the index alone
    conn.execute(
        "CREATE INDEX orders_statement ON orders (month, sku, share_id, status, distributor, "
        "paid_fen, refunded_fen, reported_commission_fen, currency)"
    )
    conn.execute("CREATE INDEX orders_share ON orders (share_id) WHERE share_id IS NOT NULL")
    conn.execute(
        """
        CREATE TABLE order_events (
            id INTEGER PRIMARY KEY,
            import_id INTEGER REFERENCES imports(id),
            platform TEXT NOT NULL,
            line_key TEXT NOT NULL,
            field TEXT NOT NULL,
            old_value,
            new_value,
            at TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX order_events_line ON order_events (platform, line_key, id)")
    conn.execute(
        """
        CREATE TABLE order_mappings (
            name TEXT PRIMARY KEY,
            platform TEXT,
            mapping TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )


@migration
def m008_import_outcome(db):
    # what an import's report holds beyond its counts, and the state it was
    # taken in, so the same bytes imported again can be answered exactly
    # without reading them (orders/replay.py)
    db["imports"].add_column("outcome", str)
