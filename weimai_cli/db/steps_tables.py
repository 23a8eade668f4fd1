"""The first migrations (m001–m006): the tables of the catalogue, distributors,
shares, orders, the ledger, delivery and feeds. Shipped: never edit or reorder
one (:mod:`weimai_cli.db.migrations` runs them).
"""

from __future__ import annotations

from weimai_cli.clock import now_iso


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


def m005_ledger(db):
    conn = db.conn
    # append-only commission entries; dimensions are copied in so a period's
    # statement is a function of its own rows and never drifts
    conn.execute(
        """
        CREATE TABLE ledger (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            distributor TEXT NOT NULL,
            platform TEXT NOT NULL,
            line_key TEXT NOT NULL,
            sku TEXT,
            share_id INTEGER,
            day TEXT,
            currency TEXT NOT NULL DEFAULT 'CNY',
            kind TEXT NOT NULL CHECK (kind IN
                ('accrual', 'confirmation', 'settlement', 'reversal', 'adjustment')),
            bucket TEXT NOT NULL CHECK (bucket IN ('estimated', 'confirmed', 'settled')),
            amount_fen INTEGER NOT NULL,
            base_fen INTEGER,
            rate_bp INTEGER,
            rate_source TEXT,
            orig_period TEXT,
            reason TEXT NOT NULL,
            import_id INTEGER,
            created_at TEXT NOT NULL
        )
        """
    )
    conn.execute(
        "CREATE INDEX ledger_statement ON ledger "
        "(period, distributor, currency, bucket, kind, amount_fen, sku, share_id, day, platform)"
    )
    conn.execute(
        "CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are never edited'); END"
    )
    conn.execute(
        "CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted'); END"
    )
    # what the ledger holds for each line now, and the inputs it was booked from
    conn.execute(
        """
        CREATE TABLE ledger_state (
            platform TEXT NOT NULL,
            line_key TEXT NOT NULL,
            distributor TEXT,
            share_id INTEGER,
            signature TEXT NOT NULL,
            gross_fen INTEGER NOT NULL DEFAULT 0,
            reversal_fen INTEGER NOT NULL DEFAULT 0,
            estimated_fen INTEGER NOT NULL DEFAULT 0,
            confirmed_fen INTEGER NOT NULL DEFAULT 0,
            settled_fen INTEGER NOT NULL DEFAULT 0,
            month TEXT,
            sku TEXT,
            reported_rate_bp INTEGER,
            expected_rate_bp INTEGER,
            PRIMARY KEY (platform, line_key)
        ) WITHOUT ROWID
        """
    )
    # reconciliation findings: the few lines whose reported rate is not the expected one
    conn.execute(
        "CREATE INDEX ledger_state_findings ON ledger_state (month, distributor, platform, line_key) "
        "WHERE reported_rate_bp != expected_rate_bp"
    )
    # the ledger summed per period, distributor, currency, bucket and kind: statement
    # totals, balances and trends read a handful of rows instead of every entry
    conn.execute(
        """
        CREATE TABLE ledger_totals (
            period TEXT NOT NULL,
            distributor TEXT NOT NULL,
            currency TEXT NOT NULL,
            bucket TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            PRIMARY KEY (period, distributor, currency, bucket, kind)
        ) WITHOUT ROWID
        """
    )
    conn.execute(
        "CREATE TABLE closed_periods (period TEXT PRIMARY KEY, closed_at TEXT NOT NULL)"
    )
    conn.execute(
        """
        CREATE TABLE statements (
            period TEXT NOT NULL,
            distributor TEXT NOT NULL,
            data TEXT NOT NULL,
            checksum TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            PRIMARY KEY (period, distributor)
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE payouts (
            id INTEGER PRIMARY KEY,
            distributor TEXT NOT NULL REFERENCES distributors(handle),
            period TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            ref TEXT,
            paid_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX payouts_distributor ON payouts (distributor, period)")
    conn.execute(
        """
        CREATE TABLE spend (
            id INTEGER PRIMARY KEY,
            share_id INTEGER REFERENCES shares(id),
            campaign TEXT,
            distributor TEXT NOT NULL REFERENCES distributors(handle),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            date TEXT NOT NULL,
            period TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            CHECK (share_id IS NOT NULL OR campaign IS NOT NULL)
        )
        """
    )
    conn.execute("CREATE INDEX spend_period ON spend (period, distributor)")


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


# in the order they run; append only
STEPS = (
    m001_goods,
    m002_distributors,
    m003_shares,
    m004_orders,
    m005_ledger,
    m006_notify_feeds,
)
