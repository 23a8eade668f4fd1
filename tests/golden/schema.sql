-- index deliveries_key
CREATE UNIQUE INDEX "deliveries_key"
    ON "deliveries" ("target", "report_key");

-- index goods_history_sku
CREATE INDEX "goods_history_sku"
    ON "goods_history" ("sku", "id");

-- index goods_status_category
CREATE INDEX "goods_status_category"
    ON "goods" ("status", "category");

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

-- table distributors
CREATE TABLE "distributors" (
   "handle" TEXT PRIMARY KEY,
   "name" TEXT,
   "contact" TEXT,
   "rate_bp" INTEGER,
   "created_at" TEXT NOT NULL
);

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

