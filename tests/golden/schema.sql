-- index closed_lines_findings
CREATE INDEX closed_lines_findings ON closed_lines (period, platform, line_key) WHERE reported_rate_bp != expected_rate_bp;

-- index deliveries_key
CREATE UNIQUE INDEX "deliveries_key"
    ON "deliveries" ("target", "report_key");

-- index goods_history_sku
CREATE INDEX "goods_history_sku"
    ON "goods_history" ("sku", "id");

-- index goods_status_category
CREATE INDEX "goods_status_category"
    ON "goods" ("status", "category");

-- index imports_sha256
CREATE INDEX imports_sha256 ON imports (sha256);

-- index ledger_state_findings
CREATE INDEX ledger_state_findings ON ledger_state (month, distributor, platform, line_key) WHERE reported_rate_bp != expected_rate_bp;

-- index ledger_statement
CREATE INDEX ledger_statement ON ledger (period, distributor, share_id, currency, bucket, kind, amount_fen, sku, platform);

-- index order_events_line
CREATE INDEX order_events_line ON order_events (platform, line_key, id);

-- index orders_month_lines
CREATE INDEX orders_month_lines ON orders (month, distributor, status, currency, kind, share_id, sku, day, paid_fen, refunded_fen, reported_rate_bp, platform, line_key);

-- index orders_share
CREATE INDEX orders_share ON orders (share_id) WHERE share_id IS NOT NULL;

-- index payouts_distributor
CREATE INDEX payouts_distributor ON payouts (distributor, period);

-- index shares_code
CREATE UNIQUE INDEX "shares_code"
    ON "shares" ("code");

-- index shares_distributor
CREATE INDEX "shares_distributor"
    ON "shares" ("distributor", "created_at");

-- index shares_sku
CREATE INDEX "shares_sku"
    ON "shares" ("sku", "created_at");

-- index shares_slot
CREATE INDEX "shares_slot"
    ON "shares" ("slot");

-- index spend_period
CREATE INDEX spend_period ON spend (period, distributor);

-- table _migrations
CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);

-- table click_syncs
CREATE TABLE "click_syncs" (
   "share_id" INTEGER PRIMARY KEY NOT NULL REFERENCES "shares"("id"),
   "shortener" TEXT NOT NULL,
   "last_visit_at" TEXT,
   "total" INTEGER,
   "synced_at" TEXT NOT NULL
);

-- table closed_lines
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
        ) WITHOUT ROWID;

-- table closed_periods
CREATE TABLE closed_periods (period TEXT PRIMARY KEY, closed_at TEXT NOT NULL);

-- table deliveries
CREATE TABLE "deliveries" (
   "id" TEXT PRIMARY KEY,
   "target" TEXT NOT NULL,
   "kind" TEXT NOT NULL,
   "report_key" TEXT NOT NULL,
   "title" TEXT,
   "status" TEXT NOT NULL,
   "parts" INTEGER,
   "parts_sent" INTEGER DEFAULT 0,
   "attempts" INTEGER DEFAULT 0,
   "content_sha256" TEXT,
   "error" TEXT,
   "created_at" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL,
   "sent_at" TEXT,
   "lease_owner" TEXT,
   "lease_until" INTEGER
);

-- table distributor_rates
CREATE TABLE "distributor_rates" (
   "handle" TEXT NOT NULL REFERENCES "distributors"("handle"),
   "scope" TEXT NOT NULL,
   "key" TEXT NOT NULL,
   "rate_bp" INTEGER NOT NULL,
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("handle", "scope", "key")
);

-- table distributors
CREATE TABLE "distributors" (
   "handle" TEXT PRIMARY KEY,
   "name" TEXT,
   "contact" TEXT,
   "rate_bp" INTEGER,
   "created_at" TEXT NOT NULL
, active INTEGER NOT NULL DEFAULT 1, deactivated_at TEXT, notify_target TEXT);

-- table feeds
CREATE TABLE "feeds" (
   "name" TEXT PRIMARY KEY,
   "url" TEXT NOT NULL,
   "format" TEXT NOT NULL DEFAULT 'auto',
   "column_map" TEXT,
   "allow_private" INTEGER DEFAULT 0,
   "etag" TEXT,
   "last_modified" TEXT,
   "last_sync_at" TEXT,
   "last_ok_at" TEXT,
   "last_status" TEXT,
   "last_error" TEXT,
   "items" INTEGER,
   "created_at" TEXT NOT NULL
);

-- table goods
CREATE TABLE "goods" (
   "sku" TEXT PRIMARY KEY,
   "title" TEXT NOT NULL,
   "price_fen" INTEGER NOT NULL,
   "original_price_fen" INTEGER,
   "commission_bp" INTEGER,
   "commission_fen" INTEGER,
   "supplier" TEXT,
   "category" TEXT,
   "platform" TEXT,
   "url" TEXT,
   "image_url" TEXT,
   "stock" INTEGER,
   "tags" TEXT,
   "selling_points" TEXT,
   "status" TEXT NOT NULL DEFAULT 'active',
   "created_at" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL
, source TEXT, currency TEXT NOT NULL DEFAULT 'CNY', coupon_fen INTEGER, coupon_threshold_fen INTEGER, coupon_text TEXT, coupon_start TEXT, coupon_end TEXT, coupon_total INTEGER, coupon_remaining INTEGER, coupon_url TEXT, monthly_sales INTEGER);

-- table goods_history
CREATE TABLE "goods_history" (
   "id" INTEGER PRIMARY KEY,
   "sku" TEXT NOT NULL REFERENCES "goods"("sku"),
   "price_fen" INTEGER NOT NULL,
   "commission_bp" INTEGER,
   "commission_fen" INTEGER,
   "status" TEXT,
   "changed_at" TEXT NOT NULL,
   "source" TEXT
, currency TEXT NOT NULL DEFAULT 'CNY');

-- table goods_links
CREATE TABLE "goods_links" (
   "sku" TEXT NOT NULL REFERENCES "goods"("sku"),
   "slot" TEXT NOT NULL,
   "kind" TEXT NOT NULL,
   "value" TEXT NOT NULL,
   "pid" TEXT,
   "expires_on" TEXT,
   "source" TEXT,
   "updated_at" TEXT NOT NULL,
   PRIMARY KEY ("sku", "slot", "kind")
);

-- table imports
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
        , "outcome" TEXT);

-- table ledger
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
        );

-- table ledger_days
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
        ;

-- table ledger_state
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
            expected_rate_bp INTEGER, day TEXT,
            PRIMARY KEY (platform, line_key)
        ) WITHOUT ROWID
        ;

-- table ledger_totals
CREATE TABLE ledger_totals (
            period TEXT NOT NULL,
            distributor TEXT NOT NULL,
            currency TEXT NOT NULL,
            bucket TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            PRIMARY KEY (period, distributor, currency, bucket, kind)
        ) WITHOUT ROWID
        ;

-- table order_events
CREATE TABLE order_events (
            id INTEGER PRIMARY KEY,
            import_id INTEGER REFERENCES imports(id),
            platform TEXT NOT NULL,
            line_key TEXT NOT NULL,
            field TEXT NOT NULL,
            old_value,
            new_value,
            at TEXT NOT NULL
        );

-- table order_mappings
CREATE TABLE order_mappings (
            name TEXT PRIMARY KEY,
            platform TEXT,
            mapping TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

-- table orders
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
            updated_at TEXT NOT NULL, day TEXT, seen_valid INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (platform, line_key)
        );

-- table payouts
CREATE TABLE payouts (
            id INTEGER PRIMARY KEY,
            distributor TEXT NOT NULL REFERENCES distributors(handle),
            period TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            ref TEXT,
            paid_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        , currency TEXT NOT NULL DEFAULT 'CNY');

-- table share_clicks
CREATE TABLE "share_clicks" (
   "share_id" INTEGER NOT NULL REFERENCES "shares"("id"),
   "day" TEXT NOT NULL,
   "clicks" INTEGER NOT NULL,
   "source" TEXT,
   "synced_at" TEXT NOT NULL,
   PRIMARY KEY ("share_id", "day")
);

-- table shares
CREATE TABLE "shares" (
   "id" INTEGER PRIMARY KEY,
   "code" TEXT NOT NULL,
   "sku" TEXT NOT NULL REFERENCES "goods"("sku"),
   "distributor" TEXT NOT NULL DEFAULT 'me' REFERENCES "distributors"("handle"),
   "channel" TEXT NOT NULL,
   "campaign" TEXT,
   "link" TEXT NOT NULL,
   "short_link" TEXT,
   "post" TEXT,
   "slot" TEXT,
   "template" TEXT,
   "price_fen" INTEGER NOT NULL,
   "commission_bp" INTEGER,
   "commission_fen" INTEGER,
   "created_at" TEXT NOT NULL
, currency TEXT NOT NULL DEFAULT 'CNY');

-- table spend
CREATE TABLE spend (
            id INTEGER PRIMARY KEY,
            share_id INTEGER REFERENCES shares(id),
            campaign TEXT,
            distributor TEXT NOT NULL REFERENCES distributors(handle),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            date TEXT NOT NULL,
            period TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL, currency TEXT NOT NULL DEFAULT 'CNY',
            CHECK (share_id IS NOT NULL OR campaign IS NOT NULL)
        );

-- table statements
CREATE TABLE statements (
            period TEXT NOT NULL,
            distributor TEXT NOT NULL,
            data TEXT NOT NULL,
            checksum TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            PRIMARY KEY (period, distributor)
        );

-- trigger ledger_append_only_delete
CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted'); END;

-- trigger ledger_append_only_update
CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger entries are never edited'); END;

-- trigger orders_seen_valid
CREATE TRIGGER orders_seen_valid AFTER UPDATE OF status ON orders WHEN OLD.status IN ('paid', 'confirmed', 'settled') AND NEW.status NOT IN ('paid', 'confirmed', 'settled') AND NEW.seen_valid = 0 BEGIN UPDATE orders SET seen_valid = 1 WHERE platform = NEW.platform AND line_key = NEW.line_key; END;

