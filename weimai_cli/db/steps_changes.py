"""Later migrations (m007 on): closed months, indexes for reports and
statements, import outcomes, and the data fixes of issue #11 (goods source,
lines never valid, order currency), which rebook through the ledger. Add a new
function at the end of ``STEPS``; never edit or reorder one that has shipped.
"""

from __future__ import annotations

from weimai_cli.clock import now_iso


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


def m009_import_outcome(db):
    # what an import's report holds beyond its counts, and the state it was
    # taken in, so the same bytes imported again can be answered exactly
    # without reading them (orders/replay.py)
    db["imports"].add_column("outcome", str)


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


def m014_coupons_links_distributor_controls(db):
    # issue #13. A goods' coupon (the 淘宝联盟 选品库 gives at most one per item):
    # face value and threshold in fen (threshold 0: no threshold), the 面额 text as
    # given, its validity (dates, Asia/Shanghai, end inclusive), counts and link.
    conn = db.conn
    for column in (
        "coupon_fen INTEGER", "coupon_threshold_fen INTEGER", "coupon_text TEXT",
        "coupon_start TEXT", "coupon_end TEXT", "coupon_total INTEGER",
        "coupon_remaining INTEGER", "coupon_url TEXT", "monthly_sales INTEGER",
    ):
        conn.execute(f"ALTER TABLE goods ADD COLUMN {column}")
    # the 联盟's own links for a goods, per 推广位 (slot: the adzone id, '' when the
    # link names none) and kind (catalog/offers.py LINK_KINDS); refreshed by the
    # next import of the same goods and slot
    db["goods_links"].create(
        {
            "sku": str, "slot": str, "kind": str, "value": str, "pid": str,
            "expires_on": str, "source": str, "updated_at": str,
        },
        pk=("sku", "slot", "kind"),
        not_null={"sku", "slot", "kind", "value", "updated_at"},
        foreign_keys=[("sku", "goods", "sku")],
    )
    # distributors: deactivated ones keep their history but cannot share; a
    # delivery target of their own for their statements
    conn.execute("ALTER TABLE distributors ADD COLUMN active INTEGER NOT NULL DEFAULT 1")
    conn.execute("ALTER TABLE distributors ADD COLUMN deactivated_at TEXT")
    conn.execute("ALTER TABLE distributors ADD COLUMN notify_target TEXT")
    # per-SKU or per-category rate overrides of one distributor (scope 'sku' or
    # 'category'); precedence in sharing/distributors.py
    db["distributor_rates"].create(
        {"handle": str, "scope": str, "key": str, "rate_bp": int, "created_at": str},
        pk=("handle", "scope", "key"),
        not_null={"handle", "scope", "key", "rate_bp", "created_at"},
        foreign_keys=[("handle", "distributors", "handle")],
    )


def m015_share_clicks(db):
    # issue #15: visits of a share's short link, per Asia/Shanghai day, as the
    # shortener counts them (Shlink visits, YOURLS totals); one row per share and
    # day, replaced by the next sync of that day, so a second sync adds nothing twice
    db["share_clicks"].create(
        {"share_id": int, "day": str, "clicks": int, "source": str, "synced_at": str},
        pk=("share_id", "day"),
        not_null={"share_id", "day", "clicks", "synced_at"},
        foreign_keys=[("share_id", "shares", "id")],
    )
    # per share: how far its clicks are synced (Shlink: the time of the last
    # visit counted; YOURLS: the running total at the last sync)
    db["click_syncs"].create(
        {"share_id": int, "shortener": str, "last_visit_at": str, "total": int, "synced_at": str},
        pk="share_id",
        not_null={"share_id", "shortener", "synced_at"},
        foreign_keys=[("share_id", "shares", "id")],
    )


def m016_month_lines_keys(db):
    # issue #16: a report reads a period's lines from orders_month_lines alone,
    # the line's key (platform, line_key) at its end finding the line's
    # ledger_state row without a read of the table row
    conn = db.conn
    conn.execute("DROP INDEX orders_month_lines")
    conn.execute(
        "CREATE INDEX orders_month_lines ON orders (month, distributor, status, currency, kind, share_id, sku, "
        "day, paid_fen, refunded_fen, reported_rate_bp, platform, line_key)"
    )


# in the order they run; append only
STEPS = (
    m007_closed_lines,
    m008_report_indexes,
    m009_import_outcome,
    m010_statement_speed,
    m011_goods_source_currency,
    m012_seen_valid_and_payout_currency,
    m013_order_currency,
    m014_coupons_links_distributor_controls,
    m015_share_clicks,
    m016_month_lines_keys,
)
