"""A daily, weekly or monthly report (:func:`weimai_cli.reports.data.build`)
as plain text, markdown (for chat robots) or CSV; a monthly one is its statement."""

from __future__ import annotations

from weimai_cli.cli.output import csv_text, json_text
from weimai_cli.cli.render.labels import labels
from weimai_cli.cli.render.statements import (
    statement_csv_rows,
    statement_md,
    statement_text,
    unattributed_row,
)
from weimai_cli.cli.render.tables import table
from weimai_cli.errors import UsageError
from weimai_cli.money import format_fen, format_rate
from weimai_cli.reports.data import BASE, zero

# summary rows: (key in the totals, label key, money?)
_SUMMARY = [
    ("orders", "new_orders", False), ("gmv_fen", "gmv", True), ("commission_fen", "commission", True),
    ("refunds", "refunds", False), ("refunded_fen", "refunded", True), ("reversed_fen", "commission_reversed", True),
]


def title(data: dict, lang: str) -> str:
    L = labels(lang)
    who = L["all"] if data["distributor"] == "*" else data["distributor"]
    period = data["period"]
    if data["report"] == "weekly":
        period = f"{data['start']} – {data['end']} ({data['period'][5:]})"
    return L[data["report"]].format(period=period, who=who)


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
    return [c for c in data["currencies"] if c["currency"] == BASE or any(c[k] for k in zero())]


def _summary(data: dict, lang: str) -> list[tuple[str, list[str]]]:
    """(label, [value, (previous, change)]) per summary row, per currency shown."""
    L = labels(lang)
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
                p = prev.get(cur, zero())
                d = change.get(cur, zero())
                cells += [format_fen(p[key]) if money else str(p[key]), _signed(d[key], money) + _pct(d[key], c[key])]
            out.append((name, cells))
    return out


def _share_rows(data: dict) -> list[list[str]]:
    return [[r["code"], r["channel"], r["sku"], str(r["orders"]), _cur_money(r["gmv_fen"], r["currency"]),
             _cur_money(r["commission_fen"], r["currency"])] for r in data["top_shares"]]


def _sku_rows(data: dict) -> list[list[str]]:
    return [[r["sku"], r["title"], str(r["orders"]), _cur_money(r["gmv_fen"], r["currency"]),
             _cur_money(r["commission_fen"], r["currency"])] for r in data["top_skus"]]


def _clicked_rows(data: dict) -> list[list[str]]:
    return [[r["code"], r["channel"], str(r["clicks"]), str(r["orders"]), format_rate(r["conversion_bp"]),
             _cur_money(r["commission_fen"], r["currency"])] for r in data.get("top_clicked", [])]


def _not_converting_rows(data: dict) -> list[list[str]]:
    return [[r["code"], r["channel"], r["sku"], str(r["clicks"])] for r in data.get("not_converting", [])]


def _unattributed_rows(data: dict, L: dict) -> list[list[str]]:
    return [unattributed_row(u, L) for u in data["unattributed"]]


def _import_rows(data: dict) -> list[list[str]]:
    return [[i["name"], i["format"], str(i["rows"]), str(i["new"]), str(i["changed"]), str(i["rejected"]),
             (i["started_at"] or "")[:16].replace("T", " ")] for i in data["imports"]]


def _sections(data: dict, lang: str) -> list[tuple[str, list[str], list[list[str]], list[bool]]]:
    L = labels(lang)
    return [
        (L["top_shares"], [L["share"], L["channel"], L["sku"], L["col_orders"], L["col_gmv"], L["col_commission"]],
         _share_rows(data), [False, False, False, True, True, True]),
        (L["top_skus"], [L["sku"], L["title_col"], L["col_orders"], L["col_gmv"], L["col_commission"]],
         _sku_rows(data), [False, False, True, True, True]),
        (L["top_clicked"], [L["share"], L["channel"], L["col_clicks"], L["col_orders"], L["col_conversion"],
                            L["col_commission"]], _clicked_rows(data), [False, False, True, True, True, True]),
        (L["not_converting"], [L["share"], L["channel"], L["sku"], L["col_clicks"]],
         _not_converting_rows(data), [False, False, False, True]),
        (L["unattributed"], [L["kind"], L["cur"], L["col_orders"], L["col_gmv"], L["note"]],
         _unattributed_rows(data, L), [False, False, True, True, False]),
        (L["imports"], [L["file"], L["format"], L["rows"], L["new"], L["changed"], L["rejected"], L["at"]],
         _import_rows(data), [False, False, True, True, True, True, False]),
    ]


def _head(data: dict, lang: str) -> list[str]:
    L = labels(lang)
    notes = []
    if not data["finished"]:
        notes.append(f"({L['so_far']})")
    if data["empty"]:
        notes.append(L["nothing_month"] if data["report"] == "monthly" else L["nothing"])
    return notes


def render_text(data: dict, lang: str) -> str:
    notes = _head(data, lang)
    if data["report"] == "monthly":
        return "\n".join([title(data, lang), *notes, "", statement_text(data["statement"], lang)])
    L = labels(lang)
    lines = [title(data, lang), *notes, ""]
    summary = _summary(data, lang)
    if "change" in data:
        lines += table(["", L["this_week"], L["previous"], L["change"]],
                        [[k, *v] for k, v in summary], [False, True, True, True])
    else:
        lines += table(["", ""], [[k, *v] for k, v in summary], [False, True])[2:]
    for name, header, rows, right in _sections(data, lang):
        lines += ["", name]
        lines += table(header, rows, right) if rows else [L["none"]]
    return "\n".join(lines) + "\n"


def render_md(data: dict, lang: str) -> str:
    """Markdown for chat robots: headings, bold and lists (WeCom and DingTalk render no tables)."""
    notes = _head(data, lang)
    if data["report"] == "monthly":
        head = [f"# {title(data, lang)}", *[f"> {n}" for n in notes], ""]
        return "\n".join(head) + "\n" + statement_md(data["statement"], lang)
    L = labels(lang)
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
    if section == L["top_clicked"]:
        _code, channel, clicks, orders, conversion, commission = esc
        return (f"`{row[0]}` {channel}: **{L['item_clicks'].format(n=clicks)}**{sep}"
                f"{L['item_orders'].format(n=orders)}{sep}{L['col_conversion']} {conversion}{sep}"
                f"{L['col_commission']} {commission}")
    if section == L["not_converting"]:
        _code, channel, sku, clicks = esc
        return f"`{row[0]}` {channel} · {sku}: **{L['item_clicks'].format(n=clicks)}**"
    if section == L["unattributed"]:
        kind, cur, orders, gmv, note = esc
        return f"{kind} ({cur}): {L['item_orders'].format(n=orders)}{sep}{L['col_gmv']} {gmv} — {note}"
    name, fmt, rows, new, changed, rejected, at = esc
    return (f"{name} ({fmt}, {at}): {rows} {L['rows']}{sep}{new} {L['new']}{sep}{changed} {L['changed']}{sep}"
            f"{rejected} {L['rejected']}")


CSV_HEADER = ["section", "key", "label", "currency", "orders", "gmv", "commission", "refunds", "refunded", "reversed",
              "clicks"]


def csv_rows(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """Daily/weekly: one long table (totals, previous week, shares, goods, unattributed,
    imports); monthly: the statement's CSV."""
    if data["report"] == "monthly":
        return statement_csv_rows(data["statement"], lang)
    rows: list[list[str]] = []

    def totals(section, currencies):
        for c in currencies:
            rows.append([section, "", "", c["currency"], str(c["orders"]), format_fen(c["gmv_fen"]),
                         format_fen(c["commission_fen"]), str(c["refunds"]), format_fen(c["refunded_fen"]),
                         format_fen(c["reversed_fen"]), ""])

    totals("total", data["currencies"])
    if "previous" in data:
        totals("previous", data["previous"]["currencies"])
    for r in data["top_shares"]:
        rows.append(["share", r["code"], r["channel"], r["currency"], str(r["orders"]), format_fen(r["gmv_fen"]),
                     format_fen(r["commission_fen"]), "", "", "", ""])
    for r in data["top_skus"]:
        rows.append(["sku", r["sku"], r["title"], r["currency"], str(r["orders"]), format_fen(r["gmv_fen"]),
                     format_fen(r["commission_fen"]), "", "", "", ""])
    for section, key in (("clicked", "top_clicked"), ("not_converting", "not_converting")):
        for r in data.get(key, []):
            rows.append([section, r["code"], r["channel"], r["currency"], str(r["orders"]), format_fen(r["gmv_fen"]),
                         format_fen(r["commission_fen"]), "", "", "", str(r["clicks"])])
    for u in data["unattributed"]:
        rows.append(["unattributed", u["kind"], "", u["currency"], str(u["orders"]), format_fen(u["gmv_fen"]),
                     format_fen(u["commission_fen"]), "", "", "", ""])
    for i in data["imports"]:
        rows.append(["import", i["name"], i["format"], "", str(i["rows"]), "", "", "", "", "", ""])
    return CSV_HEADER, rows


def render(data: dict, fmt: str, lang: str) -> str:
    """The report as text, md, json or csv (a string, for stdout or --out)."""
    if fmt == "json":
        return json_text(data) + "\n"
    if fmt == "csv":
        return csv_text(*csv_rows(data, lang))
    if fmt == "md":
        return render_md(data, lang)
    if fmt == "text":
        return render_text(data, lang)
    from weimai_cli.i18n import _

    raise UsageError(_("--format {fmt!r} is not one of: {choices}").format(fmt=fmt, choices="text, md, json, csv"))
