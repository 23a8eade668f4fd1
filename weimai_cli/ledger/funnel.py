"""A share's funnel: clicks, orders, conversion, GMV, commission, commission
per click, reversals, spend, net after spend and ROI (``weimai shares show``,
``weimai shares list --with-earnings``); clicks come from ``share_clicks``
(``weimai clicks sync``), one row per share and Asia/Shanghai day."""

from __future__ import annotations

from weimai_cli.i18n import N_
from weimai_cli.ledger.scope import VALID, placeholders, roi


def clicks_of(conn, share_ids: list[int] | None = None, first_day: str | None = None,
              last_day: str | None = None) -> dict[int, int]:
    """{share id: clicks} summed over the days from ``first_day`` to
    ``last_day`` inclusive ('YYYY-MM-DD'; None: no bound); shares with no
    clicks are left out."""
    where, params = [], []
    if first_day:
        where.append("day >= ?")
        params.append(first_day)
    if last_day:
        where.append("day <= ?")
        params.append(last_day)
    sql = "SELECT share_id, sum(clicks) FROM share_clicks"
    out: dict[int, int] = {}
    if share_ids is None or len(share_ids) > 2000:
        # many shares: one pass over the days' clicks beats asking in chunks
        w = f" WHERE {' AND '.join(where)}" if where else ""
        out.update(conn.execute(f"{sql}{w} GROUP BY share_id", params))
        if share_ids is not None:
            wanted = set(share_ids)
            out = {sid: n for sid, n in out.items() if sid in wanted}
    else:
        ids = list(share_ids)
        for i in range(0, len(ids), 500):  # SQLite caps parameters
            chunk = ids[i:i + 500]
            w = " WHERE " + " AND ".join([f"share_id IN ({placeholders(chunk)})", *where])
            out.update(conn.execute(f"{sql}{w} GROUP BY share_id", [*chunk, *params]))
    return {sid: n for sid, n in out.items() if n}


def _half_up(num: int, den: int) -> int:
    """num / den rounded half away from zero (den > 0), in integers."""
    q, r = divmod(abs(num) * 2 + den, den * 2)
    return q if num >= 0 else -q


def click_ratios(clicks: int | None, orders: int, commission_fen: int) -> dict:
    """``conversion_bp`` (orders / clicks in basis points, half-up: 1 order in
    8 clicks = 1250 = 12.50%) and ``commission_per_click_fen`` (net commission /
    clicks, half-up to the fen), both None with no clicks. Conversion can pass
    100%: an order can come without a counted click (a 淘口令, a copied link)."""
    if not clicks:
        return {"conversion_bp": None, "commission_per_click_fen": None}
    return {"conversion_bp": _half_up(orders * 10000, clicks),
            "commission_per_click_fen": _half_up(commission_fen, clicks)}


def share_funnel(conn, share_ids: list[int] | None = None) -> dict[int, dict]:
    """Per share: clicks (all time), orders, conversion, GMV, commission,
    commission per click, reversals, spend, net after spend, ROI."""
    where, params = "", []
    if share_ids is not None:
        if not share_ids:
            return {}
        where = f" WHERE share_id IN ({placeholders(share_ids)})"
        params = list(share_ids)
    out: dict[int, dict] = {}

    def get(sid):
        return out.setdefault(sid, {"orders": 0, "gmv_fen": 0, "commission_fen": 0, "reversed_fen": 0, "spend_fen": 0})

    for sid, n, gmv in conn.execute(
        f"SELECT share_id, count(*), sum(paid_fen - coalesce(refunded_fen, 0)) FROM orders{where}"
        f"{' AND' if where else ' WHERE'} share_id IS NOT NULL AND status IN {VALID} GROUP BY share_id", params
    ):
        get(sid).update(orders=n, gmv_fen=gmv)
    # what the share's lines earn now, from the ledger's per-line holdings
    swhere = where.replace("share_id", "o.share_id")
    for sid, net, rev in conn.execute(
        "SELECT o.share_id, sum(st.estimated_fen + st.confirmed_fen + st.settled_fen), sum(st.reversal_fen) "
        "FROM orders o JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key"
        f"{swhere}{' AND' if where else ' WHERE'} o.share_id IS NOT NULL AND st.distributor IS NOT NULL "
        "GROUP BY o.share_id", params
    ):
        get(sid).update(commission_fen=net, reversed_fen=rev)
    for sid, amount in conn.execute(
        f"SELECT share_id, sum(amount_fen) FROM spend{where}{' AND' if where else ' WHERE'} share_id IS NOT NULL "
        "GROUP BY share_id", params
    ):
        get(sid)["spend_fen"] = amount
    for sid, n in clicks_of(conn, share_ids).items():
        get(sid)["clicks"] = n
    for f in out.values():
        f.setdefault("clicks", 0)
        f.update(click_ratios(f["clicks"], f["orders"], f["commission_fen"]))
        f["net_after_spend_fen"] = f["commission_fen"] - f["spend_fen"]
        f["roi"] = roi(f["commission_fen"], f["spend_fen"])
    return out


# labels marked for the catalog: `shares show` translates them for people (JSON keeps them English)
FUNNEL_COLS = [
    ("clicks", N_("clicks"), "int"), ("orders", N_("orders"), "int"), ("conversion_bp", N_("conversion"), "rate"),
    ("gmv_fen", N_("GMV"), "money"), ("commission_fen", N_("commission"), "money"),
    ("commission_per_click_fen", N_("per click"), "money"),
    ("reversed_fen", N_("reversed"), "money"), ("spend_fen", N_("spend"), "money"),
    ("net_after_spend_fen", N_("net after spend"), "money"), ("roi", N_("ROI"), "text"),
]


def share_earnings_section(conn, share: dict):
    """The share's funnel, as a section of `weimai shares show CODE`."""
    from weimai_cli.sharing.lookup import Section

    funnel = share_funnel(conn, [int(share["id"])]).get(int(share["id"]))
    return Section(title=N_("earnings"), rows=[funnel] if funnel else [], cols=FUNNEL_COLS,
                   empty=N_("no clicks, orders or spend yet"))
