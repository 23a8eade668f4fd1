"""A statement's breakdown (by SKU, share, channel, campaign, platform, day or
distributor) and its six-month trend."""

from __future__ import annotations

from collections import Counter

from weimai_cli.ledger.scope import (
    BASE,
    MATERIALIZED,
    VALID,
    Scope,
    closed_periods,
    placeholders,
    roi,
)

BREAKDOWN_SHOWN = 50  # a ranked breakdown shows this many rows and sums the rest (--limit)

# a breakdown row's amounts, in the order its dict shows them
_AMOUNTS = ("orders", "gmv_fen", "accrued_fen", "reversed_fen", "adjustments_fen", "estimated_fen",
            "confirmed_fen", "settled_fen", "net_fen", "spend_fen")
_NET, _SPEND = _AMOUNTS.index("net_fen"), _AMOUNTS.index("spend_fen")
# a ledger breakdown row: the amounts from accrued_fen to settled_fen, summed per key and currency
_LEDGER_SUMS = ", ".join(
    f"sum(CASE WHEN l.{col} = '{value}' THEN l.amount_fen ELSE 0 END)"
    for col, value in (("kind", "accrual"), ("kind", "reversal"), ("kind", "adjustment"),
                       ("bucket", "estimated"), ("bucket", "confirmed"), ("bucket", "settled"))
)


def breakdown(conn, scope: Scope, by: str, by_lines: dict, limit: int | None = BREAKDOWN_SHOWN) -> list[dict]:
    """The breakdown rows: the ledger's entries summed per key (one row per key
    and currency), and the order lines as :func:`_gather` grouped them
    (``by_lines``). Only the rows shown become dicts.

    By share (thousands of keys in a busy month) the ranking is done in SQL
    instead, and only the rows shown are read (:func:`_share_rows`)."""
    if by_share_in_sql(scope, by, limit):
        return _share_rows(conn, scope, limit)
    # channel and campaign live on the share: both sides group by share, then map
    joined = by in ("channel", "campaign")
    col = {"share": "share_id", "channel": "share_id", "campaign": "share_id"}.get(by, by)
    lw, lw_params = scope.ledger_filter()
    # by day from the ledger's day sums (no day: ''), else from its entries
    key_sql, table = ("nullif(l.day, '')", "ledger_days") if by == "day" else (f"l.{col}", "ledger")
    sums: dict[tuple, list] = {
        (r[0], r[1]): [0, 0, *r[2:], 0] for r in conn.execute(
            f"SELECT {key_sql}, l.currency, {_LEDGER_SUMS}, sum(l.amount_fen) FROM {table} l WHERE {lw} GROUP BY 1, 2",
            lw_params,
        )
    }
    for k, (n, gmv) in by_lines.items():
        v = sums.get(k)
        if v is None:
            sums[k] = [n, gmv, 0, 0, 0, 0, 0, 0, 0, 0]
        else:
            v[0], v[1] = n, gmv
    if joined:
        of_share = _of_shares(conn, [k for k, _ in sums if k is not None], by)
        merged: dict[tuple, list] = {}
        for (sid, cur), v in sums.items():
            m = merged.get((of_share.get(sid), cur))
            if m is None:
                merged[(of_share.get(sid), cur)] = v
            else:
                m[:] = map(int.__add__, m, v)
        sums = merged
    if by in ("share", "campaign"):
        dist_sql, dist_params = ("", []) if scope.distributor is None else (" AND p.distributor = ?", [scope.distributor])
        spend_key = "p.share_id" if by == "share" else "coalesce(s.campaign, p.campaign)"
        # by share, a campaign's spend belongs to no one share: it stays in the totals only
        only = " AND p.share_id IS NOT NULL" if by == "share" else ""
        for key, cur, amount in conn.execute(
            f"SELECT {spend_key}, p.currency, sum(p.amount_fen) FROM spend p LEFT JOIN shares s ON s.id = p.share_id "
            f"WHERE p.period IN ({placeholders(scope.months)}){dist_sql}{only} GROUP BY 1, 2",
            scope.months + dist_params,
        ):
            sums.setdefault((key, cur), [0] * len(_AMOUNTS))[_SPEND] += amount
    none_label = {"share": "(no share)", "channel": "(no share)", "distributor": "(nobody)"}.get(by, "(none)")
    if by == "day":
        order = sorted(sums, key=lambda k: (str(k[0]), k[1]))
    else:
        # largest net first (the base currency's rows before the others); equal
        # nets by key (a share's id: the order they were made), no key last
        order = sorted(sums, key=lambda k: (k[1] != BASE, -sums[k][_NET], k[0] is None,
                                            "" if k[0] is None else k[0], k[1]))
    shown, rest = (order[:limit], order[limit:]) if limit and by != "day" else (order, [])
    # a currency with a single row left over shows that row, not "(1 more)"
    left = Counter(cur for _, cur in rest)
    shown += [k for k in rest if left[k[1]] == 1]
    rest = [k for k in rest if left[k[1]] > 1]
    # only the rows shown are labelled (a share by its code)
    labels = _of_shares(conn, [k for k, _ in shown if k is not None], "code") if by == "share" else {}
    titles = _titles(conn, scope, [k for k, _ in shown if k is not None]) if by == "sku" else {}
    out = []
    for key, cur in shown:
        r = {"key": key, "label": none_label if key is None else labels.get(key, key), "currency": cur,
             **dict(zip(_AMOUNTS, sums[(key, cur)]))}
        if by == "sku":
            r["title"] = titles.get(key) or ""
        out.append(r)
    out += _rest(rest, sums, with_title=by == "sku")
    for r in out:
        r["net_after_spend_fen"] = r["net_fen"] - r["spend_fen"]
        r["roi"] = roi(r["net_fen"], r["spend_fen"])
    if by == "share":
        _add_clicks(conn, scope, shown, rest, out)
    return out


def by_share_in_sql(scope: Scope, by: str | None, limit: int | None) -> bool:
    """Whether :func:`breakdown` ranks this breakdown in SQL and reads the
    order lines itself (so the statement's pass need not group them by key)."""
    return by == "share" and bool(limit) and scope.status is None


def _share_rows(conn, scope: Scope, limit: int) -> list[dict]:
    """The breakdown by share, ranked in SQL: the same rows as :func:`breakdown`
    makes from every share's sums, but only the ``limit`` shown (and a
    currency's single row left over) come back. The rows left over are a
    currency's sums less the rows shown; the ledger's six amounts of them, the
    currency's totals (``ledger_totals``: the same entries summed) less the
    rows shown."""
    from weimai_cli.ledger.funnel import click_ratios

    months, dist = scope.months, scope.distributor
    cte, cte_params = scope.lines_cte(closed_periods(conn))
    lw, lw_params = scope.ledger_filter()
    mine, mine_params = ("", []) if dist is None else (" AND x.distributor = ?", [dist])
    spend_dist, spend_params = ("", []) if dist is None else (" AND p.distributor = ?", [dist])
    ph = placeholders(months)
    first, last = min(months) + "-01", max(months) + "-31"
    # as breakdown() ranks the keys: largest net first (CNY before the rest), then the key, no key last
    rank = f"cur != '{BASE}', net DESC, key IS NULL, key, cur"
    sql = (
        # every key's orders, GMV, net, spend (and clicks)
        f"{cte}, keyed AS {MATERIALIZED}(SELECT key, cur, sum(n) AS n, sum(gmv) AS gmv, sum(net) AS net, "
        "sum(spend) AS spend, coalesce((SELECT sum(c.clicks) FROM share_clicks c WHERE c.share_id = key "
        "AND c.day >= ? AND c.day <= ?), 0) AS clicks "
        "FROM (SELECT x.share_id AS key, x.currency AS cur, count(*) AS n, "
        "coalesce(sum(x.paid_fen - coalesce(x.refunded_fen, 0)), 0) AS gmv, 0 AS net, 0 AS spend "
        f"FROM lines x WHERE x.status IN {VALID}{mine} GROUP BY 1, 2 "
        f"UNION ALL SELECT l.share_id, l.currency, 0, 0, sum(l.amount_fen), 0 FROM ledger l WHERE {lw} GROUP BY 1, 2 "
        "UNION ALL SELECT p.share_id, p.currency, 0, 0, 0, sum(p.amount_fen) FROM spend p "
        f"WHERE p.period IN ({ph}){spend_dist} AND p.share_id IS NOT NULL GROUP BY 1, 2) GROUP BY 1, 2), "
        f"top AS {MATERIALIZED}(SELECT * FROM keyed ORDER BY {rank} LIMIT ?), "
        f"curs AS {MATERIALIZED}(SELECT cur, count(*) AS more, sum(n) AS n, sum(gmv) AS gmv, sum(net) AS net, "
        "sum(spend) AS spend, sum(clicks) AS clicks, count(*) - (SELECT count(*) FROM top t WHERE t.cur = k.cur) "
        "AS rest FROM keyed k GROUP BY cur) "
        "SELECT 0, key, cur, n, gmv, net, spend, clicks FROM top "
        # a currency's sums, and its best row not shown (the first left over) where it
        # is wanted: shown (the only one left over), or to order the rows left over
        # of two currencies but CNY (CNY's comes first anyway)
        "UNION ALL SELECT more, NULL, cur, n, gmv, net, spend, clicks FROM curs "
        "UNION ALL SELECT -1, k.key, k.cur, k.n, k.gmv, k.net, k.spend, k.clicks FROM curs u JOIN keyed k "
        f"ON k.cur = u.cur AND k.key IS (SELECT key FROM keyed b WHERE b.cur = u.cur AND NOT EXISTS "
        f"(SELECT 1 FROM top t WHERE t.key IS b.key AND t.cur = b.cur) ORDER BY {rank} LIMIT 1) "
        f"WHERE u.rest = 1 OR (u.rest > 1 AND u.cur != '{BASE}' "
        f"AND (SELECT count(*) FROM curs o WHERE o.rest > 1 AND o.cur != '{BASE}') > 1)"
    )
    params = [*cte_params, first, last, *mine_params, *lw_params, *months, *spend_params, limit]
    top, curs, after = [], {}, {}
    for more, *row in conn.execute(sql, params):
        if more == 0:
            top.append(row)
        elif more > 0:
            curs[row[1]] = [more, *row[2:]]
        else:
            after[row[1]] = row

    def ranked(r):  # as breakdown() sorts
        return r[1] != BASE, -r[4], r[0] is None, "" if r[0] is None else r[0], r[1]

    top.sort(key=ranked)
    # rows left over per currency; a currency with a single one shows it
    for r in top:
        curs[r[1]][0] -= 1
    singles = sorted((after[c] for c, v in curs.items() if v[0] == 1), key=ranked)
    # CNY's first; another currency's by its first row left over (read when there are two or more)
    rest = sorted((c for c, v in curs.items() if v[0] > 1),
                  key=lambda c: (c != BASE, ranked(after[c]) if c in after else ()))
    shown = top + singles
    seek, seek_params = lw, lw_params
    if dist is None:
        # ledger_statement leads with (period, distributor, share_id): with the month's
        # distributors named (ledger_totals sums every entry, so it has each one) a
        # share's entries are sought per distributor instead of the month's scanned
        seek = f"{lw} AND l.distributor IN (SELECT t.distributor FROM ledger_totals t WHERE t.period IN ({ph}))"
        seek_params = [*lw_params, *months]
    ledger = _share_ledger(conn, seek, seek_params, [r[0] for r in shown])
    left: dict[str, list] = {}
    if rest:
        left = {r[0]: list(r[1:]) for r in conn.execute(
            f"SELECT l.currency, {_LEDGER_SUMS} FROM ledger_totals l WHERE {lw} GROUP BY 1", lw_params)}
    for key, cur, n, gmv, net, spend, clicks in shown:
        if cur in rest:
            c = curs[cur]
            c[1:] = [c[1] - n, c[2] - gmv, c[3] - net, c[4] - spend, c[5] - clicks]
            left[cur] = [a - b for a, b in zip(left.get(cur, [0] * 6), ledger.get((key, cur), [0] * 6))]
    labels = _of_shares(conn, [r[0] for r in shown if r[0] is not None], "code")
    out = []
    for key, cur, n, gmv, net, spend, clicks in shown:
        # orders, GMV, the ledger's six (accrued … settled), net, spend: _AMOUNTS
        r = {"key": key, "label": "(no share)" if key is None else labels.get(key, key), "currency": cur,
             **dict(zip(_AMOUNTS, [n, gmv, *ledger.get((key, cur), [0] * 6), net, spend]))}
        out.append((r, None if key is None else clicks))
    for cur in rest:
        more, n, gmv, net, spend, clicks = curs[cur]
        r = {"key": None, "label": f"({more:,} more)", "currency": cur,
             **dict(zip(_AMOUNTS, [n, gmv, *left.get(cur, [0] * 6), net, spend])), "more": more}
        out.append((r, clicks))
    for r, clicks in out:
        r["net_after_spend_fen"] = r["net_fen"] - r["spend_fen"]
        r["roi"] = roi(r["net_fen"], r["spend_fen"])
        r["clicks"] = clicks
        r.update(click_ratios(clicks, r["orders"], r["net_fen"]))
    return [r for r, _ in out]


_CHUNK = 500  # SQLite caps a statement's parameters
_KINDS = {"accrual": 0, "reversal": 1, "adjustment": 2}
_BUCKETS = {"estimated": 3, "confirmed": 4, "settled": 5}


def _share_ledger(conn, lw: str, lw_params: list, keys: list) -> dict[tuple, list]:
    """{(share id or None, currency): the six ledger amounts (_LEDGER_SUMS)} of
    the shares given: summed per bucket and kind in the index's order (each
    share its own seek: the ids in chunks, no share apart), spread here. The
    groups follow ledger_statement's columns (a month and distributor each
    too: no sort), so a share's sums come in parts, added up here."""
    out: dict[tuple, list] = {}
    ids = sorted({k for k in keys if k is not None})  # a share shown in two currencies: asked once
    which = [(f"l.share_id IN ({placeholders(ids[i:i + _CHUNK])})", ids[i:i + _CHUNK])
             for i in range(0, len(ids), _CHUNK)]
    if None in keys:
        which.append(("l.share_id IS NULL", []))
    for cond, args in which:
        for sid, cur, bucket, kind, amount in conn.execute(
            f"SELECT l.share_id, l.currency, l.bucket, l.kind, sum(l.amount_fen) FROM ledger l WHERE {lw} AND {cond} "
            "GROUP BY l.period, l.distributor, 1, 2, 3, 4", [*lw_params, *args],
        ):
            v = out.setdefault((sid, cur), [0] * 6)
            if kind in _KINDS:
                v[_KINDS[kind]] += amount
            v[_BUCKETS[bucket]] += amount
    return out


def _add_clicks(conn, scope: Scope, shown: list[tuple], rest: list[tuple], out: list[dict]) -> None:
    """By share: each row's clicks in the period's months, orders / clicks
    (``conversion_bp``) and net / clicks (``commission_per_click_fen``). A
    share's clicks have no currency: a share with rows in two currencies shows
    them on each. "(no share)" has no clicks (None); a rest row sums its shares'."""
    from weimai_cli.ledger.funnel import click_ratios, clicks_of

    first, last = min(scope.months) + "-01", max(scope.months) + "-31"
    ids = {k for k, _ in shown + rest if k is not None}
    clicks = clicks_of(conn, sorted(ids), first, last)
    rest_clicks: dict[str, int] = {}
    for key, cur in rest:
        rest_clicks[cur] = rest_clicks.get(cur, 0) + clicks.get(key, 0)
    for r in out:
        if "more" in r:
            n = rest_clicks.get(r["currency"], 0)
        else:
            n = None if r["key"] is None else clicks.get(r["key"], 0)
        r["clicks"] = n
        r.update(click_ratios(n, r["orders"], r["net_fen"]))


def _of_shares(conn, ids: list[int], column: str) -> dict:
    """{share id: its code, channel or campaign}, asked in chunks (SQLite caps parameters)."""
    out: dict = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update(conn.execute(f"SELECT id, {column} FROM shares WHERE id IN ({placeholders(chunk)})", chunk))
    return out


def _rest(keys: list[tuple], sums: dict, with_title: bool) -> list[dict]:
    """The rows a limited breakdown leaves out: one summed row per currency."""
    by_cur: dict[str, list] = {}
    for key in keys:
        by_cur.setdefault(key[1], []).append(sums[key])
    out = []
    for cur, rows in by_cur.items():
        r = {"key": None, "label": f"({len(rows):,} more)", "currency": cur,
             **dict(zip(_AMOUNTS, map(sum, zip(*rows))))}
        if with_title:
            r["title"] = ""
        r["more"] = len(rows)
        out.append(r)
    return out


def _titles(conn, scope: Scope, skus: list[str]) -> dict[str, str]:
    """Titles for the SKUs of a breakdown: as frozen for closed months, else the catalogue's."""
    closed = [m for m in scope.months if m in closed_periods(conn)]
    titles: dict[str, str] = {}
    for i in range(0, len(skus), 500):
        chunk = skus[i:i + 500]
        titles.update(conn.execute(
            f"SELECT sku, title FROM goods WHERE sku IN ({placeholders(chunk)})", chunk
        ).fetchall())
        if closed:
            titles.update(conn.execute(
                f"SELECT sku, max(title) FROM closed_lines WHERE period IN ({placeholders(closed)}) "
                f"AND sku IN ({placeholders(chunk)}) GROUP BY sku", [*closed, *chunk]
            ).fetchall())
    return titles


def net_trend(conn, end: str, distributor: str | None) -> list[dict]:
    months = [end]
    while len(months) < 6:
        y, m = int(months[0][:4]), int(months[0][5:7])
        months.insert(0, f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}")
    dist_sql, params = ("", []) if distributor is None else (" AND distributor = ?", [distributor])
    nets = dict(conn.execute(
        f"SELECT period, sum(amount_fen) FROM ledger_totals WHERE period IN ({placeholders(months)}) AND currency = ?"
        f"{dist_sql} GROUP BY period",
        [*months, BASE, *params],
    ).fetchall())
    return [{"period": m, "net_fen": nets.get(m, 0)} for m in months]
