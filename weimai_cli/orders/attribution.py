"""Stage 5, attribution: order lines to the shares that brought them.

A verified tracking code names its share; a line with no code at all goes
by its slot (推广位ID, Amazon tracking id), the SKU choosing between the
shares on one slot. An import attributes its own lines
(:func:`attribute_lines`); ``weimai orders attribute`` runs it again over
every unattributed line (:func:`attribute`).
"""

from __future__ import annotations

from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.ledger import booking as ledger
from weimai_cli.orders.codes import BadCodes, read_secret
from weimai_cli.orders.request import ImportResult, Target

# among the shares on a line's slot: the one for the line's SKU (latest first);
# a slot with a single share takes every line; several shares and no SKU match
# is ambiguous and attributes nothing
_SLOT_PICK = (
    "coalesce((SELECT s.id FROM shares s WHERE s.slot = orders.slot AND s.sku = orders.sku "
    "ORDER BY s.created_at DESC, s.id DESC LIMIT 1), "
    "(SELECT max(s.id) FROM shares s WHERE s.slot = orders.slot HAVING count(*) = 1))"
)



def attribute_lines(conn, res: ImportResult, target: Target, bad_codes: BadCodes | None,
                    now: str) -> int | None:
    """Attribute a part's lines (``temp._lines``) and count them in ``res``;
    returns the last order event id before, when a line was attributed now
    (its event is after it: book.py books it), else None."""
    events_before = conn.execute("SELECT coalesce(max(id), 0) FROM order_events").fetchone()[0]
    attributed_now = attribute_scope(
        conn,
        "INSERT INTO _scope SELECT o.platform, o.line_key FROM _lines i "
        "JOIN orders o ON o.platform = ? AND o.line_key = i.line_key WHERE o.share_id IS NULL AND "
        "(o.code_status = 'ok' OR (o.tracking_code IS NULL AND o.slot IN "
        "(SELECT slot FROM shares WHERE slot IS NOT NULL)))",
        (target.platform,), target.import_id, now,
    )
    count_attribution(conn, res, target.platform, bad_codes)
    return events_before if attributed_now else None


def attribute_scope(conn, fill_sql: str, params: tuple, import_id: int | None, now: str) -> int:
    """Attribute the lines put in ``_scope`` by ``fill_sql``; returns how many were."""
    conn.execute("DROP TABLE IF EXISTS temp._scope")
    conn.execute(
        "CREATE TEMP TABLE _scope (platform TEXT, line_key TEXT, PRIMARY KEY (platform, line_key))"
    )
    try:
        if not conn.execute("SELECT 1 FROM shares LIMIT 1").fetchone():
            return 0
        conn.execute(fill_sql, params)
        # a verified code names its share
        conn.execute(
            "UPDATE orders SET share_id = s.id, attribution = 'code', "
            "distributor = CASE WHEN orders.kind = 'shop' THEN s.distributor ELSE orders.distributor END "
            "FROM _scope c, shares s WHERE orders.platform = +c.platform AND orders.line_key = +c.line_key "
            "AND orders.share_id IS NULL AND orders.code_status = 'ok' AND s.id = orders.code_share_id"
        )
        # no code at all: the slot, with the SKU choosing between shares
        conn.execute(
            f"UPDATE orders SET share_id = {_SLOT_PICK}, attribution = 'slot' "
            "FROM _scope c WHERE orders.platform = +c.platform AND orders.line_key = +c.line_key "
            f"AND orders.share_id IS NULL AND orders.tracking_code IS NULL AND {_SLOT_PICK} IS NOT NULL"
        )
        conn.execute(
            "UPDATE orders SET distributor = s.distributor FROM _scope c, shares s "
            "WHERE orders.platform = +c.platform AND orders.line_key = +c.line_key "
            "AND orders.attribution = 'slot' AND orders.kind = 'shop' AND s.id = orders.share_id "
            "AND orders.distributor IS NOT s.distributor"
        )
        return conn.execute(
            "INSERT INTO order_events (import_id, platform, line_key, field, old_value, new_value, at) "
            "SELECT ?, o.platform, o.line_key, 'share_id', NULL, o.share_id, ? FROM _scope c "
            "JOIN orders o ON o.platform = c.platform AND o.line_key = c.line_key "
            "WHERE o.share_id IS NOT NULL AND o.first_import_id IS NOT ?",
            (import_id, now, import_id),
        ).rowcount
    finally:
        conn.execute("DROP TABLE IF EXISTS temp._scope")


def count_attribution(conn, res: ImportResult, platform: str, counted: BadCodes | None) -> None:
    in_orders = res.new + res.changed + res.unchanged + res.stale
    any_attributed = conn.execute(
        "SELECT 1 FROM orders WHERE share_id IS NOT NULL LIMIT 1"
    ).fetchone()
    if any_attributed:
        res.attributed = conn.execute(
            "SELECT count(*) FROM _lines i JOIN orders o ON o.platform = ? AND o.line_key = i.line_key "
            "WHERE o.share_id IS NOT NULL", (platform,),
        ).fetchone()[0]
    res.unattributed = in_orders - res.attributed
    if counted is None:
        counted = BadCodes(conn)
        counted.add(conn.execute(
            "SELECT tracking_code, code_status, code_share_id FROM _lines "
            "WHERE tracking_code IS NOT NULL ORDER BY row"
        ))
    res.bad_codes, res.bad_code_list = counted.count, list(counted.first)


def _reverify(conn, secret: bytes | None) -> int:
    """Verify again the codes of unattributed lines that did not verify (an
    import that met no readable secret, or a config since restored); returns
    how many verify now."""
    if secret is None:
        return 0
    from weimai_cli.sharing.codes import verify

    now_ok = []
    for platform, line_key, code in conn.execute(
        "SELECT platform, line_key, tracking_code FROM orders WHERE share_id IS NULL "
        "AND tracking_code IS NOT NULL AND code_status IS NOT 'ok'"
    ).fetchall():
        verdict = verify(code, secret)
        if verdict.ok:
            now_ok.append((verdict.code, verdict.share_id, platform, line_key))
    conn.executemany(
        "UPDATE orders SET tracking_code = ?, code_status = 'ok', code_share_id = ? "
        "WHERE platform = ? AND line_key = ?", now_ok,
    )
    return len(now_ok)


def attribute(conn) -> dict:
    """Re-run attribution over every unattributed line (e.g. after late shares),
    verifying again the codes that did not verify; a config that cannot be
    read is an error (exit 5), as on import."""
    now = now_iso()
    secret, problem = read_secret(conn)
    if problem is not None:
        raise problem
    with transaction(conn):
        verified = _reverify(conn, secret)
        before = conn.execute("SELECT count(*) FROM orders WHERE share_id IS NULL").fetchone()[0]
        n = attribute_scope(
            conn,
            "INSERT INTO _scope SELECT platform, line_key FROM orders WHERE share_id IS NULL AND "
            "(code_status = 'ok' OR (tracking_code IS NULL AND slot IN "
            "(SELECT slot FROM shares WHERE slot IS NOT NULL)))",
            (), None, now,
        )
        booked = ledger.book_all(conn) if n else ledger.Booked()
    return {"attributed": n, "still_unattributed": before - n, "ledger_entries": booked.entries,
            "codes_verified": verified}


