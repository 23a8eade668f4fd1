"""Statements rendered as text: plain (aligned, CJK-aware), markdown, CSV rows.

Rendering returns strings (the beancount way: tests read them, output.py
prints them). Labels come in Simplified Chinese (zh) or English (en); the
default follows the locale (LC_ALL / LC_MESSAGES / LANG starting with zh).
"""

from __future__ import annotations

import os

from weimai_cli.money import format_amount, format_fen, format_rate

LABELS = {
    "en": {
        "title": "Statement {period} · {who}",
        "all": "all distributors",
        "closed": "closed",
        "open": "open",
        "orders": "orders",
        "gmv": "GMV",
        "accrued": "accrued commission",
        "reversed": "reversed",
        "adjustments": "adjustments from closed months",
        "estimated": "estimated (paid, not yet received)",
        "confirmed": "confirmed (buyer received)",
        "settled": "settled (paid out by the platform)",
        "net": "net commission",
        "paid_out": "paid out",
        "brought_forward": "balance brought forward",
        "outstanding": "outstanding",
        "spend": "promotion spend",
        "net_after_spend": "net after spend",
        "roi": "ROI",
        "breakdown": "by {by}",
        "more_rows": "({n:,} more)",
        "unattributed": "unattributed orders",
        "findings": "reconciliation findings (reported rate ≠ expected)",
        "adjustment_lines": "adjustments carried in",
        "trend": "last 6 months (net, CNY)",
        "none": "none",
        "key": "{by}",
        "label": "",
        "title_col": "title",
        "cur": "cur",
        "col_orders": "orders",
        "col_gmv": "GMV",
        "col_accrued": "accrued",
        "col_estimated": "estimated",
        "col_confirmed": "confirmed",
        "col_settled": "settled",
        "col_reversed": "reversed",
        "col_adjustments": "adjustments",
        "col_net": "net",
        "col_spend": "spend",
        "col_roi": "ROI",
        "kind": "kind",
        "note": "note",
        "platform": "platform",
        "line": "line",
        "sku": "SKU",
        "reported": "reported",
        "expected": "expected",
        "from_period": "month",
        "amount": "amount",
        "reason": "reason",
        "period": "month",
        "note_affiliate": "earns, under (no share)",
        "note_shop": "sales with no commission owed",
        "more": "… and {n} more",
    },
    "zh": {
        "title": "佣金对账单 {period} · {who}",
        "all": "全部达人",
        "closed": "已结账",
        "open": "未结账",
        "orders": "订单数",
        "gmv": "成交额",
        "accrued": "计提佣金",
        "reversed": "冲回",
        "adjustments": "已结账月份调整",
        "estimated": "预估佣金（已付款未收货）",
        "confirmed": "已收货",
        "settled": "已结算",
        "net": "净佣金",
        "paid_out": "已支付",
        "brought_forward": "上期结转",
        "outstanding": "待支付",
        "spend": "推广花费",
        "net_after_spend": "扣除花费后",
        "roi": "投资回报率",
        "breakdown": "按{by}",
        "more_rows": "（其余 {n:,} 项）",
        "unattributed": "未归因订单",
        "findings": "对账差异（平台比率 ≠ 预期）",
        "adjustment_lines": "调整明细",
        "trend": "近 6 个月（净佣金，人民币）",
        "none": "无",
        "title_col": "商品名称",
        "cur": "币种",
        "col_orders": "订单",
        "col_gmv": "成交额",
        "col_accrued": "计提",
        "col_estimated": "预估",
        "col_confirmed": "已收货",
        "col_settled": "已结算",
        "col_reversed": "冲回",
        "col_adjustments": "调整",
        "col_net": "净佣金",
        "col_spend": "花费",
        "col_roi": "ROI",
        "kind": "类型",
        "note": "说明",
        "platform": "平台",
        "line": "订单行",
        "sku": "商品编码",
        "reported": "平台比率",
        "expected": "预期比率",
        "from_period": "月份",
        "amount": "金额",
        "reason": "原因",
        "period": "月份",
        "note_affiliate": "计佣，归入（无分享）",
        "note_shop": "无分享的销售，不计佣",
        "more": "…… 另有 {n} 条",
    },
}
BY_ZH = {"sku": "商品", "share": "分享", "channel": "渠道", "campaign": "活动", "platform": "平台",
         "day": "日期", "distributor": "达人"}


def default_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _pad(cells: list[str], widths: list[int], right: list[bool]) -> str:
    from rich.cells import cell_len

    out = []
    for cell, w, r in zip(cells, widths, right):
        pad = " " * (w - cell_len(cell))
        out.append(pad + cell if r else cell + pad)
    return "  ".join(out).rstrip()


def _table(header: list[str], rows: list[list[str]], right: list[bool]) -> list[str]:
    from rich.cells import cell_len

    from weimai_cli.cli.output import shown

    rows = [[shown(c) for c in r] for r in rows]  # a title's ESC or newline must not break the table
    widths = [max(cell_len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [_pad(header, widths, right), "  ".join("-" * w for w in widths)]
    lines += [_pad(r, widths, right) for r in rows]
    return lines


def _money(fen: int, cur: str) -> str:
    return format_amount(fen, cur)


def summary_rows(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """The totals as rows of [label, value per currency], money flow too (each currency its own balance)."""
    L = LABELS[lang]
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
    L = LABELS[lang]
    by = data["by"]
    with_spend = by in ("share", "campaign") and any(r["spend_fen"] for r in data["breakdown"])
    multi = len({r["currency"] for r in data["breakdown"]}) > 1
    header = [BY_ZH[by] if lang == "zh" else by]
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
    cols += [("spend_fen", "col_spend", "money"), ("roi", "col_roi", "text")] if with_spend else []
    header += [L[label] for _, label, _ in cols]
    right += [True] * len(cols)
    rows = []
    for r in data["breakdown"]:
        label = L["more_rows"].format(n=r["more"]) if "more" in r else _word(str(r["label"] if r["label"] is not None else ""), L)
        cells = [label]
        if by == "sku":
            cells.append(r.get("title", ""))
        if multi:
            cells.append(r["currency"])
        for key, _, kind in cols:
            v = r.get(key)
            cells.append("" if v is None else format_fen(v) if kind == "money" else str(v))
        rows.append(cells)
    return header, rows, right


# words inside the data that a Chinese statement shows in Chinese
ZH_WORDS = {"(no share)": "（无分享）", "(none)": "（无）", "(nobody)": "（无人）",
            "affiliate": "联盟", "shop": "店铺"}


def _word(text: str, L: dict, zh: bool | None = None) -> str:
    zh = L is LABELS["zh"] if zh is None else zh
    return ZH_WORDS.get(text, text) if zh else text


def _unattributed_row(u: dict, L: dict, zh: bool | None = None) -> list[str]:
    """One unattributed-orders row; also used by reports (whose labels are their own)."""
    note = L["note_affiliate"] if u["kind"] == "affiliate" else L["note_shop"]
    return [_word(u["kind"], L, zh), u["currency"], str(u["orders"]), format_fen(u["gmv_fen"]), note]


def statement_text(data: dict, lang: str) -> str:
    L = LABELS[lang]
    who = L["all"] if data["distributor"] == "*" else data["distributor"]
    state = L["closed"] if data["closed"] else L["open"]
    lines = [L["title"].format(period=data["period"], who=who) + f" ({state})", ""]
    header, rows = summary_rows(data, lang)
    table = _table(header, rows, [False] + [True] * (len(header) - 1))
    lines += table if any(header) else table[2:]
    if data.get("breakdown") is not None:
        by = BY_ZH[data["by"]] if lang == "zh" else data["by"]
        lines += ["", L["breakdown"].format(by=by)]
        if data["breakdown"]:
            lines += _table(*breakdown_table(data, lang))
        else:
            lines.append(L["none"])
    lines += ["", L["unattributed"]]
    if data["unattributed"]:
        lines += _table(
            [L["kind"], L["cur"], L["col_orders"], L["col_gmv"], L["note"]],
            [_unattributed_row(u, L) for u in data["unattributed"]],
            [False, False, True, True, False],
        )
    else:
        lines.append(L["none"])
    lines += ["", L["findings"]]
    if data["findings"]:
        lines += _table(
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
        lines += _table(
            [L["from_period"], L["platform"], L["line"], L["amount"], L["reason"]],
            [[a["orig_period"], a["platform"], a["line_key"], _money(a["amount_fen"], a["currency"]), a["reason"]]
             for a in data["adjustments"]],
            [False, False, False, True, False],
        )
    else:
        lines.append(L["none"])
    if data.get("trend"):
        lines += ["", L["trend"]]
        lines += _table(
            [L["period"], L["col_net"]],
            [[t["period"], format_fen(t["net_fen"])] for t in data["trend"]],
            [False, True],
        )
    return "\n".join(lines) + "\n"


def statement_md(data: dict, lang: str) -> str:
    from weimai_cli.cli.output import shown

    L = LABELS[lang]
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
        by = BY_ZH[data["by"]] if lang == "zh" else data["by"]
        out += md_table(L["breakdown"].format(by=by), *breakdown_table(data, lang))
    out += md_table(
        L["unattributed"], [L["kind"], L["cur"], L["col_orders"], L["col_gmv"], L["note"]],
        [_unattributed_row(u, L) for u in data["unattributed"]],
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
        [[a["orig_period"], a["platform"], a["line_key"], _money(a["amount_fen"], a["currency"]), a["reason"]]
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
