"""Stage 6, booking: commission for the lines an import changed.

What the lines this import changed (new, updated, or attributed to a share
just now) earn now goes to the ledger (:func:`weimai_cli.ledger.booking.book`);
this chooses those lines, as narrowly as the part allows.
"""

from __future__ import annotations

from weimai_cli.ledger import booking as ledger
from weimai_cli.orders.request import ImportResult, Target


def book(conn, res: ImportResult, target: Target, *, total: int, inserted: bool, fresh: bool,
         refunds: bool, attributed_since: int | None) -> None:
    """Book the part's lines; the counts go in ``res``. ``total``: the part's
    lines; ``inserted``: written straight into orders (write.Direct);
    ``fresh``: the platform had no lines before; ``refunds``: a refund file;
    ``attributed_since``: the last order event id before lines were
    attributed now (attribution.attribute_lines), else None."""
    platform, import_id, shop = target.platform, target.import_id, target.kind == "shop"
    if shop and not inserted and res.new == total:
        # every line new (none held anything): those attributed to a share are all that earn
        scope = (
            "SELECT platform, line_key FROM orders INDEXED BY orders_share "
            "WHERE share_id IS NOT NULL AND platform = ? AND last_import_id = ?"
        )
        params: tuple = (platform, import_id)
    elif shop and not inserted:
        # a shop line earns only through a share, and one that never earned
        # keeps no ledger state: only those that earn or held are booked
        scope = (
            "SELECT o.platform, o.line_key FROM temp._lines i JOIN orders o "
            "ON o.platform = ? AND o.line_key = i.line_key WHERE o.last_import_id = ? AND "
            "(o.kind = 'affiliate' OR o.share_id IS NOT NULL OR EXISTS (SELECT 1 FROM ledger_state st "
            "WHERE st.platform = o.platform AND st.line_key = o.line_key))"
        )
        params = (platform, import_id)
    elif fresh and not refunds:
        # every staged line was inserted just now
        scope, params = "SELECT ?, line_key FROM temp._lines", (platform,)
    else:
        scope = (
            "SELECT o.platform, o.line_key FROM temp._lines i JOIN orders o "
            "ON o.platform = ? AND o.line_key = i.line_key WHERE o.last_import_id = ?"
        )
        params = (platform, import_id)
    if attributed_since is not None:
        scope += " UNION SELECT platform, line_key FROM order_events WHERE id > ? AND field = 'share_id'"
        params += (attributed_since,)
    seen = res.stale and conn.execute("SELECT 1 FROM temp._seen_valid LIMIT 1").fetchone()
    if seen:  # stale lines now known to have been valid (merge.classify)
        scope += " UNION SELECT ?, line_key FROM temp._seen_valid"
        params += (platform,)
    booked = ledger.book(conn, scope, params, import_id=import_id,
                         whole_platform=platform if inserted else None, shop=shop)
    if res.stale:
        conn.execute("DROP TABLE IF EXISTS temp._seen_valid")
    res.ledger_entries, res.adjustments = booked.entries, booked.adjustments
