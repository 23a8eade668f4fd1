"""A share's funnel: orders, GMV, commission, reversals, spend, net after
spend and ROI (``weimai shares show``)."""

from __future__ import annotations

from weimai_cli.i18n import N_
from weimai_cli.ledger.scope import VALID, placeholders, roi


def share_funnel(conn, share_ids: list[int] | None = None) -> dict[int, dict]:
    """Per share: orders, GMV, commission, reversals, spend, net after spend, ROI."""
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
    for f in out.values():
        f["net_after_spend_fen"] = f["commission_fen"] - f["spend_fen"]
        f["roi"] = roi(f["commission_fen"], f["spend_fen"])
    return out


# labels marked for the catalog: `shares show` translates them for people (JSON keeps them English)
FUNNEL_COLS = [
    ("orders", N_("orders"), "int"), ("gmv_fen", N_("GMV"), "money"), ("commission_fen", N_("commission"), "money"),
    ("reversed_fen", N_("reversed"), "money"), ("spend_fen", N_("spend"), "money"),
    ("net_after_spend_fen", N_("net after spend"), "money"), ("roi", N_("ROI"), "text"),
]


def share_earnings_section(conn, share: dict):
    """The share's funnel, as a section of `weimai shares show CODE`."""
    from weimai_cli.sharing.lookup import Section

    funnel = share_funnel(conn, [int(share["id"])]).get(int(share["id"]))
    return Section(title=N_("earnings"), rows=[funnel] if funnel else [], cols=FUNNEL_COLS,
                   empty=N_("no orders or spend yet"))
