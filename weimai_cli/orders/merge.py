"""Stage 4, merging: the written lines (``temp._lines``) against ``orders``.

Set-based SQL classifies each line (new / changed / unchanged / stale),
writes the order_events of the changes, applies them and inserts the new
lines. A later export updates a line; an older one never moves its status
back or lowers its refunded amount (the line is counted as stale and left
alone); fields a file does not carry keep their values.
"""

from __future__ import annotations

from weimai_cli.clock import DAY_SQL
from weimai_cli.db.indexes import plain_indexes_dropped, rebuild_pays
from weimai_cli.ledger.commission import STATUS_BUCKET
from weimai_cli.orders.request import ImportResult, Target
from weimai_cli.orders.values import LINE_FIELDS, RANK_SQL
from weimai_cli.orders.write import Writer

# fields an import may change on an existing line (all but the key)
UPDATABLE = LINE_FIELDS[1:]
# fields whose changes are order_events (month and code bookkeeping follow the others)
EVENT_FIELDS = tuple(
    f for f in UPDATABLE if f not in ("month", "code_share_id", "code_status", "extra")
)
# the valid statuses (a line that earns: commission.STATUS_BUCKET), as parameters
_VALID = tuple(STATUS_BUCKET)
_VALID_IN = "(" + ", ".join("?" for _ in _VALID) + ")"


def merge(conn, writer: Writer, mode: str, res: ImportResult, target: Target, now: str) -> bool:
    """Count and apply the part's lines; returns whether the platform had no
    lines before them (every line new, nothing to compare)."""
    platform, total = target.platform, writer.total
    fresh = writer.inserted or conn.execute(
        "SELECT 1 FROM orders WHERE platform = ? LIMIT 1", (platform,)
    ).fetchone() is None
    if not fresh:
        classify(conn, res, platform, target.import_id, now)
    if mode == "refund":
        matched = 0 if fresh else conn.execute(
            "SELECT count(*) FROM _lines i JOIN orders o ON o.platform = ? AND o.line_key = i.line_key",
            (platform,),
        ).fetchone()[0]
        res.unmatched = total - matched
    elif writer.inserted:
        res.new = total  # inserted as they were read
    else:
        res.new = insert_new(conn, total, fresh, target, now)
    res.unchanged = total - res.new - res.changed - res.stale - res.unmatched
    return fresh


def classify(conn, res: ImportResult, platform: str, import_id: int, now: str) -> None:
    """Changed and stale lines (those already stored); applies the changes."""
    rank_new, rank_old = RANK_SQL.format("i.status"), RANK_SQL.format("o.status")
    differs = " OR ".join(
        f"(i.{f} IS NOT NULL AND i.{f} IS NOT o.{f})" for f in UPDATABLE if f != "extra"
    )
    differs += (
        " OR (i.extra IS NOT NULL AND json_patch(coalesce(o.extra, '{}'), i.extra) "
        "IS NOT coalesce(o.extra, '{}'))"
    )
    # an older export of a line: its status is behind, or (the same status) its
    # refund is smaller: refunds never go down, whatever order files come in
    stale_if = (
        f"((i.status IS NOT NULL AND {rank_new} < {rank_old}) OR (i.refunded_fen < o.refunded_fen "
        f"AND (i.status IS NULL OR {rank_new} = {rank_old})))"
    )
    # only lines that differ are written down: re-importing a file writes nothing
    conn.execute("DROP TABLE IF EXISTS temp._changed")
    conn.execute(
        f"CREATE TEMP TABLE _changed AS SELECT i.line_key AS line_key, i.row AS row, "
        f"CASE WHEN {stale_if} THEN 'stale' ELSE 'changed' END AS state "
        f"FROM _lines i JOIN orders o ON o.platform = ? AND o.line_key = i.line_key "
        f"WHERE {stale_if} OR {differs}",
        (platform,),
    )
    counts = dict(conn.execute("SELECT state, count(*) FROM _changed GROUP BY state").fetchall())
    res.changed, res.stale = counts.get("changed", 0), counts.get("stale", 0)
    if res.stale:
        res.stale_keys = [
            r[0] for r in conn.execute(
                "SELECT line_key FROM _changed WHERE state = 'stale' ORDER BY row LIMIT 5"
            )
        ]
        # an older export showing a now void line still valid: the line was
        # valid, whichever export came first (its status stays; ledger.py)
        # (temp._seen_valid: those lines, booked again by book.py)
        conn.execute("DROP TABLE IF EXISTS temp._seen_valid")
        conn.execute("CREATE TEMP TABLE _seen_valid (line_key TEXT PRIMARY KEY) WITHOUT ROWID")
        if conn.execute(
            f"INSERT INTO temp._seen_valid SELECT c.line_key FROM _changed c JOIN _lines i ON i.line_key = c.line_key "
            f"JOIN orders o ON o.platform = ? AND o.line_key = c.line_key "
            f"WHERE c.state = 'stale' AND i.status IN {_VALID_IN} AND o.status NOT IN {_VALID_IN} "
            f"AND o.seen_valid = 0", (platform, *_VALID, *_VALID),
        ).rowcount:
            conn.execute(
                "UPDATE orders SET seen_valid = 1 FROM temp._seen_valid v "
                "WHERE orders.platform = ? AND orders.line_key = v.line_key", (platform,),
            )
        conn.execute("DELETE FROM _changed WHERE state = 'stale'")
    if res.changed:
        apply_changes(conn, platform, import_id, now)


def insert_new(conn, total: int, fresh: bool, target: Target, now: str) -> int:
    """Insert the staged lines ``orders`` does not hold yet; returns how many."""
    platform = target.platform
    held = conn.execute("SELECT coalesce(max(rowid), 0) FROM orders").fetchone()[0]
    # the staged lines orders holds already (none: every one is inserted, no look for each)
    stored = 0 if fresh else conn.execute(
        "SELECT count(*) FROM _lines i WHERE EXISTS (SELECT 1 FROM orders o "
        "WHERE o.platform = ? AND o.line_key = i.line_key)", (platform,),
    ).fetchone()[0]
    bulk = rebuild_pays(total - stored, held)
    cols = ", ".join(UPDATABLE)
    sql = (
        f"INSERT INTO orders (platform, line_key, {cols}, kind, distributor, first_import_id, "
        f"last_import_id, updated_at, day) "
        f"SELECT ?, line_key, "
        + ", ".join(
            "coalesce(refunded_fen, 0)" if f == "refunded_fen"
            else "json_patch('{}', extra)" if f == "extra" else f
            for f in UPDATABLE
        )
        + f", ?, ?, ?, ?, ?, {DAY_SQL.format(paid='paid_at', created='created_at')} FROM _lines i"
    )
    params: tuple = (platform, target.kind, target.owner, target.import_id, target.import_id, now)
    if stored:
        sql += (" WHERE NOT EXISTS (SELECT 1 FROM orders o "
                "WHERE o.platform = ? AND o.line_key = i.line_key)")
        params += (platform,)
    with plain_indexes_dropped(conn, "orders", bulk):
        return conn.execute(sql + " ORDER BY line_key", params).rowcount


def apply_changes(conn, platform: str, import_id: int, now: str) -> None:
    """The order_events of the changed lines (``temp._changed``), then the changes."""
    for f in EVENT_FIELDS:
        conn.execute(
            f"INSERT INTO order_events (import_id, platform, line_key, field, old_value, "
            f"new_value, at) SELECT ?, o.platform, o.line_key, ?, o.{f}, i.{f}, ? "
            f"FROM _changed c JOIN _lines i ON i.line_key = c.line_key "
            f"JOIN orders o ON o.platform = ? AND o.line_key = c.line_key "
            f"WHERE i.{f} IS NOT NULL AND i.{f} IS NOT o.{f} ORDER BY i.row",
            (import_id, f, now, platform),
        )
    sets = ", ".join(
        "extra = CASE WHEN i.extra IS NULL THEN orders.extra "
        "ELSE json_patch(coalesce(orders.extra, '{}'), i.extra) END"
        if f == "extra" else f"{f} = coalesce(i.{f}, orders.{f})"
        for f in UPDATABLE
    )
    day = DAY_SQL.format(paid="coalesce(i.paid_at, orders.paid_at)", created="coalesce(i.created_at, orders.created_at)")
    conn.execute(
        f"UPDATE orders SET {sets}, last_import_id = ?, updated_at = ?, day = {day} "
        "FROM _changed c JOIN _lines i ON i.line_key = c.line_key "
        "WHERE orders.platform = ? AND orders.line_key = +c.line_key",
        (import_id, now, platform),
    )
