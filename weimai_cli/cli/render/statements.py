"""A commission statement (:func:`weimai_cli.ledger.statements.compute`) as
plain text (aligned, CJK-aware), markdown, or CSV rows."""

from __future__ import annotations

from weimai_cli.cli.render.labels import by_title, labels, word
from weimai_cli.cli.render.tables import table
from weimai_cli.money import format_amount, format_fen, format_rate

# by share: the funnel from clicks (clicks in the period, orders / clicks, net / clicks)
CLICK_COLS = {"orders": ("clicks", "col_clicks", "int"), "conversion": ("conversion_bp", "col_conversion", "rate"),
              "per_click": ("commission_per_click_fen", "col_per_click", "money")}


def summary_rows(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """The totals as rows of [label, value per currency], money flow too (each currency its own balance)."""
    L = labels(lang)
    # (statements stored before balances had currencies: the CNY one only)
    balances = {b["currency"]: b for b in data.get("balances") or [{"currency": "CNY", **data}]}
    moved = {c for c, b in balances.items() if any(b[k] for k in _FLOW)}
    curs = [c for c in data["currencies"] if c["currency"] == "CNY" or c["orders"] or c["net_fen"] or c["currency"] in moved]
    # a currency with a balance but no lines this period gets a column of its own
    curs += [{"currency": c, **dict.fromkeys(_TOTALS, 0)} for c in sorted(moved - {c["currency"] for c in curs})]
    header = [""] + ([c["currency"] for c in curs] if len(curs) > 1 else [""])
    rows = [[L["orders"], *[str(c["orders"]) for c in curs]]]
    # accrued + reversed + adjustments = net = estimated + confirmed + settled
    for key, label in (
        ("gmv_fen", "gmv"), ("accrued_fen", "accrued"), ("reversed_fen", "reversed"),
        ("adjustments_fen", "adjustments"), ("net_fen", "net"), ("estimated_fen", "estimated"),
        ("confirmed_fen", "confirmed"), ("settled_fen", "settled"),
    ):
        rows.append([L[label], *[format_fen(c[key]) for c in curs]])
    flow = [
        (L["brought_forward"], "brought_forward_fen"), (L["paid_out"], "paid_out_fen"),
        (L["outstanding"], "outstanding_fen"),
    ]
    if any(b["spend_fen"] for b in balances.values()):
        flow += [(L["spend"], "spend_fen"), (L["net_after_spend"], "net_after_spend_fen"), (L["roi"], "roi")]
    for label, key in flow:
        cells = []
        for c in curs:
            b = balances.get(c["currency"])
            value = None if b is None else b[key]
            cells.append(value or "" if key == "roi" or value is None else format_fen(value))
        rows.append([label, *cells])
    return header, rows


_FLOW = ("brought_forward_fen", "paid_out_fen", "outstanding_fen", "spend_fen")
_TOTALS = ("orders", "gmv_fen", "accrued_fen", "reversed_fen", "adjustments_fen", "net_fen", "estimated_fen",
           "confirmed_fen", "settled_fen")


# accrued + reversed (+ adjustments) = net = estimated + confirmed + settled
BREAKDOWN_COLS = [
    ("orders", "col_orders", "int"), ("gmv_fen", "col_gmv", "money"),
    ("accrued_fen", "col_accrued", "money"), ("reversed_fen", "col_reversed", "money"),
    ("net_fen", "col_net", "money"), ("estimated_fen", "col_estimated", "money"),
    ("confirmed_fen", "col_confirmed", "money"), ("settled_fen", "col_settled", "money"),
]


def breakdown_table(data: dict, lang: str) -> tuple[list[str], list[list[str]], list[bool]]:
    L = labels(lang)
    by = data["by"]
    with_spend = by in ("share", "campaign") and any(r["spend_fen"] for r in data["breakdown"])
    multi = len({r["currency"] for r in data["breakdown"]}) > 1
    header = [by_title(by, lang)]
    right = [False]
    if by == "sku":
        header.append(L["title_col"])
        right.append(False)
    if multi:
        header.append(L["cur"])
        right.append(False)
    cols = list(BREAKDOWN_COLS)
    if any(r["adjustments_fen"] for r in data["breakdown"]):
        # adjustments carried in from closed months: without them a row's net would not add up
        cols.insert(cols.index(("net_fen", "col_net", "money")), ("adjustments_fen", "col_adjustments", "money"))
    if by == "share":
        # clicks before orders, conversion after them, commission per click after net
        cols.insert(0, CLICK_COLS["orders"])
        cols.insert(2, CLICK_COLS["conversion"])
        cols.insert(cols.index(("net_fen", "col_net", "money")) + 1, CLICK_COLS["per_click"])
    cols += [("spend_fen", "col_spend", "money"), ("roi", "col_roi", "text")] if with_spend else []
    header += [L[label] for _, label, _ in cols]
    right += [True] * len(cols)
    rows = []
    for r in data["breakdown"]:
        label = L["more_rows"].format(n=r["more"]) if "more" in r else word(str(r["label"] if r["label"] is not None else ""), L)
        cells = [label]
        if by == "sku":
            cells.append(r.get("title", ""))
        if multi:
            cells.append(r["currency"])
        for key, _, kind in cols:
            v = r.get(key)
            cells.append("" if v is None else format_fen(v) if kind == "money" else format_rate(v) if kind == "rate"
                         else str(v))
        rows.append(cells)
    return header, rows, right


def unattributed_row(u: dict, L: dict) -> list[str]:
    """One unattributed-orders row (statements and reports alike)."""
    note = L["note_affiliate"] if u["kind"] == "affiliate" else L["note_shop"]
    return [word(u["kind"], L), u["currency"], str(u["orders"]), format_fen(u["gmv_fen"]), note]


def statement_text(data: dict, lang: str) -> str:
    L = labels(lang)
    who = L["all"] if data["distributor"] == "*" else data["distributor"]
    state = L["closed"] if data["closed"] else L["open"]
    lines = [L["title"].format(period=data["period"], who=who) + f" ({state})", ""]
    header, rows = summary_rows(data, lang)
    summary = table(header, rows, [False] + [True] * (len(header) - 1))
    lines += summary if any(header) else summary[2:]
    if data.get("breakdown") is not None:
        by = by_title(data["by"], lang)
        lines += ["", L["breakdown"].format(by=by)]
        if data["breakdown"]:
            lines += table(*breakdown_table(data, lang))
        else:
            lines.append(L["none"])
    lines += ["", L["unattributed"]]
    if data["unattributed"]:
        lines += table(
            [L["kind"], L["cur"], L["col_orders"], L["col_gmv"], L["note"]],
            [unattributed_row(u, L) for u in data["unattributed"]],
            [False, False, True, True, False],
        )
    else:
        lines.append(L["none"])
    lines += ["", L["findings"]]
    if data["findings"]:
        lines += table(
            [L["platform"], L["line"], L["sku"], L["reported"], L["expected"]],
            [[f["platform"], f["line_key"], f["sku"] or "", format_rate(f["reported_rate_bp"]),
              format_rate(f["expected_rate_bp"])] for f in data["findings"]],
            [False, False, False, True, True],
        )
    else:
        lines.append(L["none"])
    more = data.get("findings_count", 0) - len(data["findings"])
    if more > 0:
        lines.append(L["more"].format(n=more))
    lines += ["", L["adjustment_lines"]]
    if data["adjustments"]:
        lines += table(
            [L["from_period"], L["platform"], L["line"], L["amount"], L["reason"]],
            [[a["orig_period"], a["platform"], a["line_key"], format_amount(a["amount_fen"], a["currency"]), a["reason"]]
             for a in data["adjustments"]],
            [False, False, False, True, False],
        )
    else:
        lines.append(L["none"])
    if data.get("trend"):
        lines += ["", L["trend"]]
        lines += table(
            [L["period"], L["col_net"]],
            [[t["period"], format_fen(t["net_fen"])] for t in data["trend"]],
            [False, True],
        )
    return "\n".join(lines) + "\n"


def statement_md(data: dict, lang: str) -> str:
    from weimai_cli.cli.output import shown

    L = labels(lang)
    who = L["all"] if data["distributor"] == "*" else data["distributor"]
    state = L["closed"] if data["closed"] else L["open"]
    out = [f"## {L['title'].format(period=data['period'], who=who)} ({state})", ""]
    header, rows = summary_rows(data, lang)
    out.append("| " + " | ".join(header) + " |")
    out.append("| --- |" + " ---: |" * (len(header) - 1))
    out += ["| " + " | ".join(r) + " |" for r in rows]

    def md_table(title, header, rows, right):
        block = ["", f"**{title}**", ""]
        if not rows:
            return [*block, L["none"]]
        block.append("| " + " | ".join(header) + " |")
        block.append("| " + " | ".join("---:" if r else "---" for r in right) + " |")
        block += ["| " + " | ".join(shown(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        return block

    if data.get("breakdown") is not None:
        by = by_title(data["by"], lang)
        out += md_table(L["breakdown"].format(by=by), *breakdown_table(data, lang))
    out += md_table(
        L["unattributed"], [L["kind"], L["cur"], L["col_orders"], L["col_gmv"], L["note"]],
        [unattributed_row(u, L) for u in data["unattributed"]],
        [False, False, True, True, False],
    )
    out += md_table(
        L["findings"], [L["platform"], L["line"], L["sku"], L["reported"], L["expected"]],
        [[f["platform"], f["line_key"], f["sku"] or "", format_rate(f["reported_rate_bp"]),
          format_rate(f["expected_rate_bp"])] for f in data["findings"]],
        [False, False, False, True, True],
    )
    out += md_table(
        L["adjustment_lines"], [L["from_period"], L["platform"], L["line"], L["amount"], L["reason"]],
        [[a["orig_period"], a["platform"], a["line_key"], format_amount(a["amount_fen"], a["currency"]), a["reason"]]
         for a in data["adjustments"]],
        [False, False, False, True, False],
    )
    if data.get("trend"):
        out += md_table(L["trend"], [L["period"], L["col_net"]],
                        [[t["period"], format_fen(t["net_fen"])] for t in data["trend"]], [False, True])
    return "\n".join(out) + "\n"


def statement_csv_rows(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """CSV: the breakdown table when --by is given, else the summary as label,value rows."""
    if data.get("breakdown") is not None:
        header, rows, _ = breakdown_table(data, lang)
        return header, rows
    header, rows = summary_rows(data, lang)
    return ["item", *(h or "CNY" for h in header[1:])], rows
