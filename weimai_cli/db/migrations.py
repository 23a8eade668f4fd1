"""Named, ordered, append-only migrations, recorded in the ``_migrations`` table.

Add a new function at the end, decorated with ``@migration``; never edit or
reorder one that has shipped. :func:`migrate` runs the pending ones in one
``BEGIN IMMEDIATE`` transaction when the database is opened, so running it
again is a no-op and two processes opening a new database at once are safe.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
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
    # one thread at a time: another thread's first open would otherwise find
    # sqlite_utils in sys.modules half imported (no Database yet)
    with _IMPORTING:
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


_IMPORTING = threading.Lock()


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    done = set(applied(conn))
    if all(name in done for name, _ in MIGRATIONS):
        return []
    sqlite_utils = _import_sqlite_utils()

    from weimai_cli.db.tx import transaction

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


@migration
def m007_closed_lines(db):
    # a closed month's order lines as they were at closing: with the ledger's
    # own rows for the month, they make its statement reproducible forever
    db.conn.execute(
        """
        CREATE TABLE closed_lines (
            period TEXT NOT NULL,
            platform TEXT NOT NULL,
            line_key TEXT NOT NULL,
            distributor TEXT,
            kind TEXT,
            sku TEXT,
            title TEXT,
            share_id INTEGER,
            day TEXT,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            paid_fen INTEGER,
            refunded_fen INTEGER,
            reported_rate_bp INTEGER,
            expected_rate_bp INTEGER,
            PRIMARY KEY (period, platform, line_key)
        )
        """
    )


@migration
def m008_report_indexes(db):
    conn = db.conn
    # daily and weekly reports select order lines by their Asia/Shanghai paid
    # day: reports.DAY_SQL, the very same expression, so SQLite can use it
    conn.execute("CREATE INDEX orders_day ON orders (date(coalesce(paid_at, created_at), '+8 hours'))")
    # statements of an open month, for one distributor: totals and unattributed
    # lines read from the index alone (orders_statement leads with sku)
    conn.execute(
        "CREATE INDEX orders_month_lines ON orders (month, distributor, status, currency, kind, share_id, sku, "
        "paid_fen, refunded_fen, reported_rate_bp)"
    )
    # statements of a closed month (and `earnings close`, which computes one per
    # distributor): the same, from the closed_lines snapshot
    conn.execute(
        "CREATE INDEX closed_lines_statement ON closed_lines (period, distributor, status, currency, kind, "
        "share_id, paid_fen, refunded_fen, reported_rate_bp, expected_rate_bp)"
    )
    # reconciliation findings of a closed month, already in the order they are listed
    conn.execute(
        "CREATE INDEX closed_lines_findings ON closed_lines (period, platform, line_key) "
        "WHERE reported_rate_bp != expected_rate_bp"
    )


@migration
def m009_import_outcome(db):
    # what an import's report holds beyond its counts, and the state it was
    # taken in, so the same bytes imported again can be answered exactly
    # without reading them (orders/replay.py)
    db["imports"].add_column("outcome", str)


@migration
def m010_statement_speed(db):
    conn = db.conn
    # closed_lines clustered by period: closing a month writes one b-tree (no
    # rowid table beside its key, no wide index) and a closed statement reads
    # one contiguous range
    conn.execute("ALTER TABLE closed_lines RENAME TO closed_lines_m007")
    # the same columns and key as m007 made them (its stored definition), without a rowid
    old = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'closed_lines_m007'").fetchone()[0]
    conn.execute(old.replace('"closed_lines_m007"', "closed_lines", 1).rstrip() + " WITHOUT ROWID")
    conn.execute("INSERT INTO closed_lines SELECT * FROM closed_lines_m007")
    conn.execute("DROP TABLE closed_lines_m007")
    conn.execute(
        "CREATE INDEX closed_lines_findings ON closed_lines (period, platform, line_key) "
        "WHERE reported_rate_bp != expected_rate_bp"
    )
    # the ledger summed per day as well (ledger_totals without the day): a
    # statement --by day reads a few rows instead of every entry; '' = no day
    conn.execute(
        """
        CREATE TABLE ledger_days (
            period TEXT NOT NULL,
            distributor TEXT NOT NULL,
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            bucket TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            PRIMARY KEY (period, distributor, day, currency, bucket, kind)
        ) WITHOUT ROWID
        """
    )
    conn.execute(
        "INSERT INTO ledger_days SELECT period, distributor, coalesce(day, ''), currency, bucket, kind, "
        "sum(amount_fen) FROM ledger GROUP BY 1, 2, 3, 4, 5, 6"
    )
    # an order line's day (the Asia/Shanghai date of its paid, else created,
    # time: clock.DAY_SQL, as the ledger's), kept by the importer, so one pass
    # over the month's lines from one index gives a statement and any breakdown
    # of it; orders_statement served nothing that index does not
    conn.execute("ALTER TABLE orders ADD COLUMN day TEXT")
    conn.execute("UPDATE orders SET day = date(coalesce(paid_at, created_at), '+8 hours')")
    conn.execute("DROP INDEX orders_statement")
    conn.execute("DROP INDEX orders_month_lines")
    conn.execute(
        "CREATE INDEX orders_month_lines ON orders (month, distributor, status, currency, kind, share_id, sku, "
        "day, paid_fen, refunded_fen, reported_rate_bp)"
    )
    # a line's state remembers its day as well: when its paid time moves it to
    # another month, what it held is given back on the day it was booked
    conn.execute("ALTER TABLE ledger_state ADD COLUMN day TEXT")
    conn.execute(
        "UPDATE ledger_state SET day = (SELECT o.day FROM orders o "
        "WHERE o.platform = ledger_state.platform AND o.line_key = ledger_state.line_key)"
    )
    # a line that earns nobody keeps no ledger state (ledger.py): nothing to
    # remember, and no finding for a sale no distributor of ours earns from
    conn.execute("DELETE FROM ledger_state WHERE distributor IS NULL")
    # reports find a period's lines by their month and day (orders_month_lines
    # holds both), so the day expression needs no index of its own
    conn.execute("DROP INDEX orders_day")
    # a breakdown by share (or channel, campaign) sums a period's entries in
    # index order; --by day reads ledger_days, so the day leaves the index
    conn.execute("DROP INDEX ledger_statement")
    conn.execute(
        "CREATE INDEX ledger_statement ON ledger (period, distributor, share_id, currency, bucket, kind, amount_fen, "
        "sku, platform)"
    )


@migration
def m011_goods_source_currency(db):
    conn = db.conn
    # where an item came from: 'add' (by hand), 'feed:NAME', or a goods import's
    # source (its file name, or --source NAME); archiving what a feed or an import
    # no longer lists touches only its own goods (catalog.py). NULL: unknown, never archived.
    conn.execute("ALTER TABLE goods ADD COLUMN source TEXT")
    # the source of an item's first history row is the one that brought it
    conn.execute(
        "UPDATE goods SET source = coalesce((SELECT h.source FROM goods_history h "
        "WHERE h.sku = goods.sku ORDER BY h.id LIMIT 1), 'add')"
    )
    # the old sync archived every active item missing from the feed, other feeds'
    # and hand-added goods included. Hand-added and imported goods whose last
    # change was such an archiving by a feed come back: no feed archives them now.
    # A feed's own goods archived by another feed stay archived until their feed
    # lists them again: every feed is downloaded in full at its next sync (no
    # ETag), and re-listing an archived item makes it active.
    now = now_iso()
    wrongly = [
        (now, sku) for (sku,) in conn.execute(
            "SELECT g.sku FROM goods g WHERE g.status = 'archived' AND g.source NOT LIKE 'feed:%' "
            "AND (SELECT h.status = 'archived' AND h.source LIKE 'feed:%' FROM goods_history h "
            "WHERE h.sku = g.sku ORDER BY h.id DESC LIMIT 1)"
        ).fetchall()
    ]
    conn.executemany("UPDATE goods SET status = 'active', updated_at = ? WHERE sku = ?", wrongly)
    conn.executemany(
        "INSERT INTO goods_history (sku, price_fen, commission_bp, commission_fen, status, changed_at, source) "
        "SELECT sku, price_fen, commission_bp, commission_fen, status, ?, 'm011' FROM goods WHERE sku = ?",
        wrongly,
    )
    conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")
    # goods are priced in a currency (ISO 4217); shares keep the one they were made in
    conn.execute("ALTER TABLE goods ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY'")
    conn.execute("ALTER TABLE goods_history ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY'")
    conn.execute("ALTER TABLE shares ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY'")


@migration
def m012_seen_valid_and_payout_currency(db):
    conn = db.conn
    # 1 once an import showed the line valid (paid, confirmed or settled), kept
    # for lines that are now cancelled / refunded / invalid: only such a line's
    # commission counts as accrued and then reversed (ledger.py); a line first
    # and only ever seen void earned nothing and books nothing. The order
    # events tell which stored lines were valid before (a line seen void first
    # and valid only in an older export imported later cannot be told apart)
    conn.execute("ALTER TABLE orders ADD COLUMN seen_valid INTEGER NOT NULL DEFAULT 0")
    # a line leaving a valid status remembers it, whoever updates it; an older
    # export showing a void line valid is the importer's to record (orders/merge.py: classify)
    conn.execute(
        "CREATE TRIGGER orders_seen_valid AFTER UPDATE OF status ON orders "
        "WHEN OLD.status IN ('paid', 'confirmed', 'settled') AND NEW.status NOT IN ('paid', 'confirmed', 'settled') "
        "AND NEW.seen_valid = 0 BEGIN UPDATE orders SET seen_valid = 1 "
        "WHERE platform = NEW.platform AND line_key = NEW.line_key; END"
    )
    conn.execute(
        "UPDATE orders SET seen_valid = 1 WHERE status IN ('cancelled', 'refunded', 'invalid') AND EXISTS "
        "(SELECT 1 FROM order_events e WHERE e.platform = orders.platform AND e.line_key = orders.line_key "
        "AND e.field = 'status' AND e.old_value IN ('paid', 'confirmed', 'settled'))"
    )
    # what a line never valid held before this rule (its commission accrued and
    # reversed) is given back in its open month, as ledger.py would book it now;
    # in a closed month it stays (its statement never changes, and the entries
    # would be adjustments netting to nothing)
    conn.execute(
        "CREATE TEMP TABLE _m012 AS SELECT st.platform, st.line_key, st.distributor, st.share_id, st.sku, "
        "st.month, st.day, coalesce(o.currency, 'CNY') AS currency, o.status, st.gross_fen, st.reversal_fen "
        "FROM ledger_state st JOIN orders o ON o.platform = st.platform AND o.line_key = st.line_key "
        "WHERE o.status IN ('cancelled', 'refunded', 'invalid') AND o.seen_valid = 0 "
        "AND (st.gross_fen != 0 OR st.reversal_fen != 0) AND st.month NOT IN (SELECT period FROM closed_periods)"
    )
    last = conn.execute("SELECT coalesce(max(id), 0) FROM ledger").fetchone()[0]
    conn.execute(
        "INSERT INTO ledger (period, distributor, platform, line_key, sku, share_id, day, currency, kind, bucket, "
        "amount_fen, reason, created_at) SELECT month, distributor, platform, line_key, sku, share_id, day, currency, "
        "kind, 'estimated', amount, status || ': never valid, commission not counted', ? FROM ("
        "SELECT *, 'accrual' AS kind, -gross_fen AS amount, 0 AS n FROM temp._m012 WHERE gross_fen != 0 UNION ALL "
        "SELECT *, 'reversal', -reversal_fen, 1 FROM temp._m012 WHERE reversal_fen != 0) ORDER BY platform, line_key, n",
        (now_iso(),),
    )
    conn.execute(
        "INSERT INTO ledger_totals (period, distributor, currency, bucket, kind, amount_fen) "
        "SELECT period, distributor, currency, bucket, kind, sum(amount_fen) FROM ledger WHERE id > ? "
        "GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (period, distributor, currency, bucket, kind) "
        "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen", (last,),
    )
    conn.execute(
        "INSERT INTO ledger_days (period, distributor, day, currency, bucket, kind, amount_fen) "
        "SELECT period, distributor, coalesce(day, ''), currency, bucket, kind, sum(amount_fen) FROM ledger "
        "WHERE id > ? GROUP BY 1, 2, 3, 4, 5, 6 ON CONFLICT (period, distributor, day, currency, bucket, kind) "
        "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen", (last,),
    )
    conn.execute(
        "UPDATE ledger_state SET gross_fen = 0, reversal_fen = 0 FROM temp._m012 m "
        "WHERE ledger_state.platform = m.platform AND ledger_state.line_key = m.line_key"
    )
    conn.execute("DROP TABLE temp._m012")
    # payouts and promotion spend in a currency of their own (a USD balance is
    # paid in USD); every earlier one was CNY
    conn.execute("ALTER TABLE payouts ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY'")
    conn.execute("ALTER TABLE spend ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY'")


@migration
def m013_order_currency(db):
    # every order line has a currency (issue #11). Lines stored without one
    # were counted in CNY by statements and the ledger; for every platform but
    # Amazon that is what they are (the Chinese platforms; generic files,
    # whose default is CNY), so they say CNY now and no amount moves.
    conn = db.conn
    conn.execute("UPDATE orders SET currency = 'CNY' WHERE currency IS NULL AND platform != 'amazon'")
    # Amazon lines without one came from reports whose header names no
    # currency (the UK's, translated ones). A line shipped by an Amazon store
    # (the seller in its key: Amazon.co.uk) is in that store's currency; else
    # its tracking id's (one id belongs to one store) when the id's other lines
    # agree on one; else XXX (ISO 4217: no currency), shown apart in
    # statements until the report is imported again with --currency.
    from weimai_cli.money import marketplace_currency

    lines = conn.execute(
        "SELECT line_key, slot FROM orders WHERE currency IS NULL AND platform = 'amazon'"
    ).fetchall()
    if not lines:
        return
    found: dict[str, str] = {}
    for key, _slot in lines:
        parts = key.split("|")
        if parts[0] == "E" and len(parts) == 7 and marketplace_currency(parts[5]):
            found[key] = marketplace_currency(parts[5])
    by_slot: dict[str, set[str]] = {}
    for slot, cur in conn.execute(
        "SELECT slot, currency FROM orders WHERE platform = 'amazon' AND slot IS NOT NULL "
        "AND currency IS NOT NULL GROUP BY slot, currency"
    ):
        by_slot.setdefault(slot, set()).add(cur)
    for key, slot in lines:
        if key in found:
            by_slot.setdefault(slot, set()).add(found[key])
    for key, slot in lines:
        if key not in found:
            known = by_slot.get(slot, set())
            found[key] = next(iter(known)) if len(known) == 1 else "XXX"
    conn.execute("CREATE TEMP TABLE _m013 (line_key TEXT PRIMARY KEY, currency TEXT NOT NULL)")
    conn.executemany("INSERT INTO temp._m013 VALUES (?, ?)", found.items())
    conn.execute(
        "UPDATE orders SET currency = c.currency FROM temp._m013 c "
        "WHERE orders.platform = 'amazon' AND orders.line_key = c.line_key"
    )
    # their commission was booked in CNY: the ledger gives it back there and
    # books it in the line's currency (adjustments for closed months), as for
    # any late change. (This reads today's ledger code: a later migration that
    # changes the ledger's tables must come before this one's rebooking runs,
    # or repeat it.)
    from weimai_cli.ledger import booking as ledger

    ledger.book(conn, "SELECT 'amazon', line_key FROM temp._m013 WHERE currency != 'CNY'", fast=False)
    conn.execute("DROP TABLE temp._m013")
