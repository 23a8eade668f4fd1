-- index goods_history_sku
CREATE INDEX "goods_history_sku"
    ON "goods_history" ("sku", "id");

-- index goods_status_category
CREATE INDEX "goods_status_category"
    ON "goods" ("status", "category");

-- index imports_sha256
CREATE INDEX imports_sha256 ON imports (sha256);

-- index order_events_line
CREATE INDEX order_events_line ON order_events (platform, line_key, id);

-- index orders_share
CREATE INDEX orders_share ON orders (share_id) WHERE share_id IS NOT NULL;

-- index orders_statement
CREATE INDEX orders_statement ON orders (month, sku, share_id, status, distributor, paid_fen, refunded_fen, reported_commission_fen, currency);

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

-- table _migrations
CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);

-- table distributors
CREATE TABLE "distributors" (
   "handle" TEXT PRIMARY KEY,
   "name" TEXT,
   "contact" TEXT,
   "rate_bp" INTEGER,
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
);

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
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, line_key)
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
);

