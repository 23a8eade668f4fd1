"""Daily, weekly and monthly reports: the data, its rendering, and delivery.

Periods are Asia/Shanghai days: a daily report covers one day, a weekly one
Monday to Sunday, a monthly one a calendar month. Without ``--date`` the
period is the last *finished* one (yesterday, last week, last month) by
:func:`weimai_cli.clock.now`.

What a daily or weekly report counts (decided here, documented in the README):

* **orders, GMV**: the order lines whose paid time (else created time) falls
  in the period, in Asia/Shanghai days, with a valid status (paid, confirmed,
  settled) — the same lines and sums as ``weimai earnings --by day``. GMV is
  paid minus refunded.
* **estimated commission**: what those lines earn *now*: the sum of every
  ledger entry for them (accruals, later confirmations, reversals, and
  adjustments booked into a later month). So a report re-run next week shows
  the commission of the same orders after their refunds.
* **refunds**: the period's lines that were refunded (wholly or in part) and
  the amount; **commission reversed** is what refunds and cancellations took
  back from those lines (the ledger's holding per line, ledger_state).
* **top shares and goods**: the five with the most commission (then GMV).
* **unattributed orders**: valid lines matched to no share, by file kind
  (an affiliate report's still earn; a shop export's owe no commission).
* **imports**: order imports started in the period (for one distributor:
  theirs and shop exports, which concern everyone).

A weekly report adds the same totals for the week before and the change.
A monthly report is the full statement (:func:`weimai_cli.ledger.statements.compute`
with the six-month trend): adjustments, reconciliation findings, payouts and
what is outstanding. Amounts are integer fen, per currency.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, timedelta

from weimai_cli.clock import now, now_iso
from weimai_cli.errors import BadInput, DatabaseBusy, UsageError
from weimai_cli.money import format_fen

KINDS = ("daily", "weekly", "monthly")
TOP = 5
BASE = "CNY"
VALID = ("paid", "confirmed", "settled")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_RE = re.compile(r"\d{4}-\d{2}")


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def key(self) -> str:
        """The period as it appears in the report key: 2026-11-05, 2026-W46, 2026-11."""
        if self.kind == "daily":
            return self.start.isoformat()
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()[:7]

    @property
    def label(self) -> str:
        if self.kind == "weekly":
            return f"{self.start.isoformat()} – {self.end.isoformat()} ({self.key[5:]})"
        return self.key

    @property
    def finished(self) -> bool:
        return self.end < now().date()

    def previous(self) -> Period:
        return Period(self.kind, self.start - timedelta(days=7), self.end - timedelta(days=7))


def _parse_date(kind: str, text: str) -> date:
    text = text.strip()
    try:
        if _DATE_RE.fullmatch(text):
            return date.fromisoformat(text)
        if kind == "monthly" and _MONTH_RE.fullmatch(text):
            return date.fromisoformat(text + "-01")
    except ValueError:
        pass
    example = "2026-10 or 2026-10-15" if kind == "monthly" else "2026-11-05"
    raise UsageError(f"--date {text!r} is not a date", f"write it as YYYY-MM-DD, e.g. {example}")


def period_for(kind: str, date_text: str | None = None) -> Period:
    """The period of ``kind`` containing ``date_text``, else the last finished one."""
    if kind not in KINDS:
        raise UsageError(f"unknown report {kind!r}", f"use one of: {', '.join(KINDS)}")
    today = now().date()
    if date_text is not None:
        day = _parse_date(kind, date_text)
    elif kind == "daily":
        day = today - timedelta(days=1)
    elif kind == "weekly":
        day = today - timedelta(days=today.weekday() + 7)
    else:
        day = today.replace(day=1) - timedelta(days=1)
    if kind == "daily":
        return Period(kind, day, day)
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(kind, start, following - timedelta(days=1))


# ---------------------------------------------------------------- data


def _zero() -> dict:
    return {"orders": 0, "gmv_fen": 0, "commission_fen": 0, "reversed_fen": 0, "refunds": 0, "refunded_fen": 0}


_LINES = """
SELECT o.platform, o.line_key, o.sku, coalesce(o.title, g.title) AS title, o.share_id, s.code, s.channel,
       o.distributor, o.kind, o.status, coalesce(o.currency, 'CNY') AS currency,
       coalesce(o.paid_fen, 0) AS paid_fen, coalesce(o.refunded_fen, 0) AS refunded_fen,
       CASE WHEN st.distributor IS NOT NULL{ldist}
            THEN st.estimated_fen + st.confirmed_fen + st.settled_fen ELSE 0 END AS commission_fen,
       CASE WHEN st.distributor IS NOT NULL{ldist} THEN st.reversal_fen ELSE 0 END AS reversed_fen
FROM orders o LEFT JOIN shares s ON s.id = o.share_id LEFT JOIN goods g ON g.sku = o.sku
LEFT JOIN ledger_state st ON st.platform = o.platform AND st.line_key = o.line_key
WHERE o.month IN ({months}) AND o.day BETWEEN ? AND ?
"""


def _collect(conn: sqlite3.Connection, period: Period, distributor: str | None, *, details: bool) -> dict:
    """Totals per currency (and, with ``details``, tops and unattributed) for a period's lines."""
    from weimai_cli.ledger.statements import SELLER

    # what each line earns now is what the ledger holds for it (ledger_state)
    ldist = "" if distributor is None else " AND st.distributor = ?"
    # a line's day (orders.day) is its Asia/Shanghai date and its month that
    # day's month: the period's lines are found in its months' index range
    months = sorted({period.start.isoformat()[:7], period.end.isoformat()[:7]})
    sql = _LINES.format(ldist=ldist, months=", ".join("?" * len(months)))
    params = ([] if distributor is None else [distributor] * 2) + months + [
        period.start.isoformat(), period.end.isoformat()]
    totals: dict[str, dict] = {BASE: _zero()}
    shares: dict[tuple, dict] = {}
    skus: dict[tuple, dict] = {}
    unattributed: dict[tuple, dict] = {}
    for r in conn.execute(sql, params):
        cur = r["currency"]
        t = totals.setdefault(cur, _zero())
        mine = distributor is None or r["distributor"] == distributor
        valid = r["status"] in VALID
        gmv = r["paid_fen"] - r["refunded_fen"]
        commission = r["commission_fen"]
        t["commission_fen"] += commission
        t["reversed_fen"] += r["reversed_fen"]
        if mine and valid:
            t["orders"] += 1
            t["gmv_fen"] += gmv
        if mine and (r["status"] == "refunded" or r["refunded_fen"] > 0):
            t["refunds"] += 1
            t["refunded_fen"] += r["refunded_fen"] or r["paid_fen"]
        if not details:
            continue
        counted = mine and valid
        if counted or commission:
            if r["share_id"] is not None:
                s = shares.setdefault((r["share_id"], cur), {
                    "share_id": r["share_id"], "code": r["code"] or f"#{r['share_id']}", "channel": r["channel"] or "",
                    "sku": r["sku"] or "", "currency": cur, "orders": 0, "gmv_fen": 0, "commission_fen": 0})
                _add(s, counted, gmv, commission)
            if r["sku"]:
                g = skus.setdefault((r["sku"], cur), {
                    "sku": r["sku"], "title": r["title"] or "", "currency": cur,
                    "orders": 0, "gmv_fen": 0, "commission_fen": 0})
                _add(g, counted, gmv, commission)
        # shop sales through no share are the seller's (statements.SELLER)
        nobodys = r["distributor"] is None and distributor == SELLER
        if valid and r["share_id"] is None and (distributor is None or r["distributor"] == distributor or nobodys):
            u = unattributed.setdefault((r["kind"], cur), {
                "kind": r["kind"], "currency": cur, "orders": 0, "gmv_fen": 0, "commission_fen": 0})
            _add(u, True, gmv, commission)
    out = {"currencies": [{"currency": c, **totals[c]} for c in [BASE, *sorted(c for c in totals if c != BASE)]]}
    if details:
        out["top_shares"] = _top(shares.values(), "code")
        out["top_skus"] = _top(skus.values(), "sku")
        out["unattributed"] = [unattributed[k] for k in sorted(unattributed)]
    return out


def _add(row: dict, counted: bool, gmv: int, commission: int) -> None:
    if counted:
        row["orders"] += 1
        row["gmv_fen"] += gmv
    row["commission_fen"] += commission


def _top(rows, name: str) -> list[dict]:
    ranked = sorted(rows, key=lambda r: (r["currency"] != BASE, -r["commission_fen"], -r["gmv_fen"], str(r[name])))
    return ranked[:TOP]


def _imports(conn, period: Period, distributor: str | None) -> list[dict]:
    where = "date(started_at, '+8 hours') BETWEEN ? AND ?"
    params = [period.start.isoformat(), period.end.isoformat()]
    if distributor is not None:
        where += " AND (distributor = ? OR distributor IS NULL)"
        params.append(distributor)
    return [dict(r) for r in conn.execute(
        "SELECT id, name, format, platform, distributor, rows, new, changed, unchanged, rejected, "
        f"started_at, finished_at FROM imports WHERE {where} ORDER BY started_at, id", params)]


def _changes(this: list[dict], before: list[dict]) -> list[dict]:
    prev = {c["currency"]: c for c in before}
    out = []
    for c in this:
        p = prev.get(c["currency"], {"currency": c["currency"], **_zero()})
        out.append({"currency": c["currency"], **{k: c[k] - p[k] for k in _zero()}})
    return out


def build(conn: sqlite3.Connection, period: Period, distributor: str | None) -> dict:
    """The report's data (integer fen). ``distributor`` None = all distributors."""
    data = {
        "report": period.kind,
        "period": period.key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "distributor": distributor if distributor is not None else "*",
        "finished": period.finished,
        "generated_at": now_iso(),
    }
    if period.kind == "monthly":
        from weimai_cli.ledger import statements

        st = statements.compute(conn, months=[period.key], distributor=distributor, trend=True)
        data["closed"] = st["closed"]
        data["statement"] = st
        data["empty"] = not any(c["orders"] or c["net_fen"] for c in st["currencies"]) and not (
            st["adjustments"] or any(b["paid_out_fen"] or b["outstanding_fen"] or b["spend_fen"] for b in st["balances"]))
        return data
    data.update(_collect(conn, period, distributor, details=True))
    data["imports"] = _imports(conn, period, distributor)
    if period.kind == "weekly":
        before = period.previous()
        previous = _collect(conn, before, distributor, details=False)["currencies"]
        data["previous"] = {"start": before.start.isoformat(), "end": before.end.isoformat(), "currencies": previous}
        data["change"] = _changes(data["currencies"], previous)
    data["empty"] = not data["imports"] and not any(
        c["orders"] or c["commission_fen"] or c["refunds"] or c["reversed_fen"] for c in data["currencies"])
    return data


# ---------------------------------------------------------------- closing


def close_month(conn: sqlite3.Connection, month: str, *, wait_seconds: float = 0.0) -> bool:
    """Close ``month`` as `earnings close` does; True if closed now, False if it already was.

    A concurrent run that closes it first is not an error (cron overlap): the
    loser finds it closed. Busy past the timeout, it retries until
    ``wait_seconds`` have passed, then raises DatabaseBusy (exit 3).
    """
    from weimai_cli.ledger import closing
    from weimai_cli.ledger.booking import closed_periods

    deadline = time.monotonic() + wait_seconds
    while True:
        if month in closed_periods(conn):
            return False
        try:
            closing.close(conn, month)
            return True
        except DatabaseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(0.25, max(0.01, deadline - time.monotonic())))
        except BadInput:
            if month in closed_periods(conn):  # closed by the run we were waiting for
                return False
            raise


# ---------------------------------------------------------------- rendering

LABELS = {
    "en": {
        "daily": "Daily report {period} · {who}",
        "weekly": "Weekly report {period} · {who}",
        "monthly": "Monthly statement {period} · {who}",
        "so_far": "so far: the period is not over yet",
        "nothing": "Nothing happened: no orders, commission or imports.",
        "nothing_month": "Nothing happened: no orders or commission this month.",
        "orders": "new orders",
        "gmv": "GMV",
        "commission": "estimated commission",
        "reversed": "commission reversed",
        "refunds": "refunded orders",
        "refunded": "refunded amount",
        "this_week": "this week",
        "previous": "previous week",
        "change": "change",
        "top_shares": "top shares",
        "top_skus": "top goods",
        "unattributed": "unattributed orders",
        "imports": "imports",
        "none": "none",
        "share": "share",
        "channel": "channel",
        "sku": "SKU",
        "title": "title",
        "cur": "cur",
        "col_orders": "orders",
        "col_gmv": "GMV",
        "col_commission": "commission",
        "kind": "kind",
        "note": "note",
        "file": "file",
        "format": "format",
        "rows": "rows",
        "new": "new",
        "changed": "changed",
        "rejected": "rejected",
        "at": "at",
        "item_orders": "{n} orders",
        "sep": ", ",
        "all": "all distributors",
        "note_affiliate": "earns, under (no share)",
        "note_shop": "sales with no commission owed",
    },
    "zh": {
        "daily": "日报 {period} · {who}",
        "weekly": "周报 {period} · {who}",
        "monthly": "月度对账单 {period} · {who}",
        "so_far": "统计中：本期尚未结束",
        "nothing": "本期无事发生：没有新订单、佣金或导入。",
        "nothing_month": "本月无事发生：没有订单或佣金。",
        "orders": "新订单",
        "gmv": "成交额",
        "commission": "预估佣金",
        "reversed": "佣金冲回",
        "refunds": "退款订单",
        "refunded": "退款金额",
        "this_week": "本周",
        "previous": "上周",
        "change": "变化",
        "top_shares": "热门分享",
        "top_skus": "热门商品",
        "unattributed": "未归因订单",
        "imports": "导入记录",
        "none": "无",
        "share": "分享",
        "channel": "渠道",
        "sku": "商品编码",
        "title": "商品名称",
        "cur": "币种",
        "col_orders": "订单",
        "col_gmv": "成交额",
        "col_commission": "佣金",
        "kind": "类型",
        "note": "说明",
        "file": "文件",
        "format": "格式",
        "rows": "行数",
        "new": "新增",
        "changed": "变更",
        "rejected": "拒绝",
        "at": "时间",
        "item_orders": "{n} 单",
        "sep": "，",
        "all": "全部达人",
        "note_affiliate": "计佣，归入（无分享）",
        "note_shop": "无分享的销售，不计佣",
    },
}
# summary rows: (key in the totals, label key, money?)
_SUMMARY = [
    ("orders", "orders", False), ("gmv_fen", "gmv", True), ("commission_fen", "commission", True),
    ("refunds", "refunds", False), ("refunded_fen", "refunded", True), ("reversed_fen", "reversed", True),
]


def title(data: dict, lang: str) -> str:
    L = LABELS[lang]
    who = L["all"] if data["distributor"] == "*" else data["distributor"]
    period = data["period"]
    if data["report"] == "weekly":
        period = f"{data['start']} – {data['end']} ({data['period'][5:]})"
    return L[data["report"]].format(period=period, who=who)


def report_key(data: dict, lang: str) -> str:
    """The de-duplication key: one delivery per report, period, distributor and language."""
    who = "all" if data["distributor"] == "*" else data["distributor"]
    return f"{data['report']}:{data['period']}:{who}:{lang}"


def _cur_money(fen: int, cur: str) -> str:
    return format_fen(fen) if cur == BASE else f"{format_fen(fen)} {cur}"


def _signed(value: int, money: bool) -> str:
    text = format_fen(value) if money else str(value)
    return text if value <= 0 else "+" + text


def _pct(change: int, now_value: int) -> str:
    before = now_value - change
    if not before or not change:
        return ""
    from decimal import ROUND_HALF_UP, Decimal

    pct = (Decimal(change) * 100 / abs(Decimal(before))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f" ({'+' if pct > 0 else ''}{pct}%)"


def _shown_currencies(data: dict) -> list[dict]:
    return [c for c in data["currencies"] if c["currency"] == BASE or any(c[k] for k in _zero())]


def _summary(data: dict, lang: str) -> list[tuple[str, list[str]]]:
    """(label, [value, (previous, change)]) per summary row, per currency shown."""
    L = LABELS[lang]
    prev = {c["currency"]: c for c in data.get("previous", {}).get("currencies", [])}
    change = {c["currency"]: c for c in data.get("change", [])}
    curs = _shown_currencies(data)
    out = []
    for c in curs:
        cur = c["currency"]
        for key, label, money in _SUMMARY:
            name = L[label] + (f" ({cur})" if len(curs) > 1 else "")
            cells = [format_fen(c[key]) if money else str(c[key])]
            if "change" in data:
                p = prev.get(cur, _zero())
                d = change.get(cur, _zero())
                cells += [format_fen(p[key]) if money else str(p[key]), _signed(d[key], money) + _pct(d[key], c[key])]
            out.append((name, cells))
    return out


def _share_rows(data: dict) -> list[list[str]]:
    return [[r["code"], r["channel"], r["sku"], str(r["orders"]), _cur_money(r["gmv_fen"], r["currency"]),
             _cur_money(r["commission_fen"], r["currency"])] for r in data["top_shares"]]


def _sku_rows(data: dict) -> list[list[str]]:
    return [[r["sku"], r["title"], str(r["orders"]), _cur_money(r["gmv_fen"], r["currency"]),
             _cur_money(r["commission_fen"], r["currency"])] for r in data["top_skus"]]


def _unattributed_rows(data: dict, L: dict) -> list[list[str]]:
    from weimai_cli.cli.render import _unattributed_row

    return [_unattributed_row(u, L, zh=L is LABELS["zh"]) for u in data["unattributed"]]


def _import_rows(data: dict) -> list[list[str]]:
    return [[i["name"], i["format"], str(i["rows"]), str(i["new"]), str(i["changed"]), str(i["rejected"]),
             (i["started_at"] or "")[:16].replace("T", " ")] for i in data["imports"]]


def _sections(data: dict, lang: str) -> list[tuple[str, list[str], list[list[str]], list[bool]]]:
    L = LABELS[lang]
    return [
        (L["top_shares"], [L["share"], L["channel"], L["sku"], L["col_orders"], L["col_gmv"], L["col_commission"]],
         _share_rows(data), [False, False, False, True, True, True]),
        (L["top_skus"], [L["sku"], L["title"], L["col_orders"], L["col_gmv"], L["col_commission"]],
         _sku_rows(data), [False, False, True, True, True]),
        (L["unattributed"], [L["kind"], L["cur"], L["col_orders"], L["col_gmv"], L["note"]],
         _unattributed_rows(data, L), [False, False, True, True, False]),
        (L["imports"], [L["file"], L["format"], L["rows"], L["new"], L["changed"], L["rejected"], L["at"]],
         _import_rows(data), [False, False, True, True, True, True, False]),
    ]


def _head(data: dict, lang: str) -> list[str]:
    L = LABELS[lang]
    notes = []
    if not data["finished"]:
        notes.append(f"({L['so_far']})")
    if data["empty"]:
        notes.append(L["nothing_month"] if data["report"] == "monthly" else L["nothing"])
    return notes


def render_text(data: dict, lang: str) -> str:
    from weimai_cli.cli.render import _table, statement_text

    notes = _head(data, lang)
    if data["report"] == "monthly":
        return "\n".join([title(data, lang), *notes, "", statement_text(data["statement"], lang)])
    L = LABELS[lang]
    lines = [title(data, lang), *notes, ""]
    summary = _summary(data, lang)
    if "change" in data:
        lines += _table(["", L["this_week"], L["previous"], L["change"]],
                        [[k, *v] for k, v in summary], [False, True, True, True])
    else:
        lines += _table(["", ""], [[k, *v] for k, v in summary], [False, True])[2:]
    for name, header, rows, right in _sections(data, lang):
        lines += ["", name]
        lines += _table(header, rows, right) if rows else [L["none"]]
    return "\n".join(lines) + "\n"


def render_md(data: dict, lang: str) -> str:
    """Markdown for chat robots: headings, bold and lists (WeCom and DingTalk render no tables)."""
    from weimai_cli.cli.render import statement_md

    notes = _head(data, lang)
    if data["report"] == "monthly":
        head = [f"# {title(data, lang)}", *[f"> {n}" for n in notes], ""]
        return "\n".join(head) + "\n" + statement_md(data["statement"], lang)
    L = LABELS[lang]
    out = [f"### {title(data, lang)}", ""]
    out += [f"> {n}" for n in notes]
    if notes:
        out.append("")
    for label, cells in _summary(data, lang):
        if "change" in data:
            out.append(f"- **{label}**: {cells[0]} ({L['previous']} {cells[1]}, {cells[2]})")
        else:
            out.append(f"- **{label}**: {cells[0]}")
    for name, _header, rows, _right in _sections(data, lang):
        out += ["", f"**{name}**", ""]
        if not rows:
            out.append(L["none"])
            continue
        for n, row in enumerate(rows, 1):
            out.append(f"{n}. " + _md_item(name, row, L))
    return "\n".join(out) + "\n"


def _md_item(section: str, row: list[str], L: dict) -> str:
    esc = [c.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_") for c in row]
    sep = L["sep"]
    if section == L["top_shares"]:
        _code, channel, sku, orders, gmv, commission = esc
        return (f"`{row[0]}` {channel} · {sku}: {L['item_orders'].format(n=orders)}{sep}"
                f"{L['col_gmv']} {gmv}{sep}{L['col_commission']} **{commission}**")
    if section == L["top_skus"]:
        sku, name, orders, gmv, commission = esc
        return (f"{sku} {name}: {L['item_orders'].format(n=orders)}{sep}{L['col_gmv']} {gmv}{sep}"
                f"{L['col_commission']} **{commission}**")
    if section == L["unattributed"]:
        kind, cur, orders, gmv, note = esc
        return f"{kind} ({cur}): {L['item_orders'].format(n=orders)}{sep}{L['col_gmv']} {gmv} — {note}"
    name, fmt, rows, new, changed, rejected, at = esc
    return (f"{name} ({fmt}, {at}): {rows} {L['rows']}{sep}{new} {L['new']}{sep}{changed} {L['changed']}{sep}"
            f"{rejected} {L['rejected']}")


CSV_HEADER = ["section", "key", "label", "currency", "orders", "gmv", "commission", "refunds", "refunded", "reversed"]


def csv_rows(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """Daily/weekly: one long table (totals, previous week, shares, goods, unattributed,
    imports); monthly: the statement's CSV."""
    if data["report"] == "monthly":
        from weimai_cli.cli.render import statement_csv_rows

        return statement_csv_rows(data["statement"], lang)
    rows: list[list[str]] = []

    def totals(section, currencies):
        for c in currencies:
            rows.append([section, "", "", c["currency"], str(c["orders"]), format_fen(c["gmv_fen"]),
                         format_fen(c["commission_fen"]), str(c["refunds"]), format_fen(c["refunded_fen"]),
                         format_fen(c["reversed_fen"])])

    totals("total", data["currencies"])
    if "previous" in data:
        totals("previous", data["previous"]["currencies"])
    for r in data["top_shares"]:
        rows.append(["share", r["code"], r["channel"], r["currency"], str(r["orders"]), format_fen(r["gmv_fen"]),
                     format_fen(r["commission_fen"]), "", "", ""])
    for r in data["top_skus"]:
        rows.append(["sku", r["sku"], r["title"], r["currency"], str(r["orders"]), format_fen(r["gmv_fen"]),
                     format_fen(r["commission_fen"]), "", "", ""])
    for u in data["unattributed"]:
        rows.append(["unattributed", u["kind"], "", u["currency"], str(u["orders"]), format_fen(u["gmv_fen"]),
                     format_fen(u["commission_fen"]), "", "", ""])
    for i in data["imports"]:
        rows.append(["import", i["name"], i["format"], "", str(i["rows"]), "", "", "", "", ""])
    return CSV_HEADER, rows


def render(data: dict, fmt: str, lang: str) -> str:
    """The report as text, md, json or csv (a string, for stdout or --out)."""
    if fmt == "json":
        from weimai_cli.cli.output import json_text

        return json_text(data) + "\n"
    if fmt == "csv":
        from weimai_cli.cli.output import csv_text

        return csv_text(*csv_rows(data, lang))
    if fmt == "md":
        return render_md(data, lang)
    if fmt == "text":
        return render_text(data, lang)
    raise UsageError(f"--format {fmt!r} is not one of: text, md, json, csv")


# ---------------------------------------------------------------- output and delivery


@dataclass
class Outcome:
    target: str
    result: object | None = None  # notify.DeliveryResult
    error: Exception | None = None  # DeliveryFailed or DatabaseBusy


def deliver(conn, targets: list[str], data: dict, lang: str, *, resend: bool = False,
            allow_private: bool = False, wait_seconds: float = 0.0) -> list[Outcome]:
    """Send the report (markdown, with the text rendering as the plain form) to every target.

    Each target is tried even if an earlier one failed; the outcomes say what happened.
    """
    from weimai_cli.errors import DeliveryFailed
    from weimai_cli.notify import delivery as notify

    key, head = report_key(data, lang), title(data, lang)
    md, plain = render_md(data, lang), render_text(data, lang)
    out = []
    for name in targets:
        try:
            out.append(Outcome(name, notify.deliver(conn, name, key, head, md, plain, resend=resend,
                                                    allow_private=allow_private, wait_seconds=wait_seconds)))
        except (DeliveryFailed, DatabaseBusy) as exc:
            out.append(Outcome(name, error=exc))
    return out
