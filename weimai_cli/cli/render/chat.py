"""A report (:func:`weimai_cli.reports.data.build`) as a chat message: figures
and rows (:class:`weimai_cli.notify.message.Message`), never a table.

The notify layer lays it out in each robot's own shape (WeCom/DingTalk
markdown lines, a Feishu card, Slack blocks); the generic webhook and email
keep the full markdown and text of :mod:`.reports`.
"""

from __future__ import annotations

from weimai_cli.cli.render.labels import labels
from weimai_cli.cli.render.reports import _head, _sections, _summary, title
from weimai_cli.cli.render.statements import summary_rows, unattributed_row
from weimai_cli.money import format_amount, format_fen, format_rate
from weimai_cli.notify.message import Figure, Message, Row, Section

# per daily/weekly list (in the order of reports._sections): how a table row
# becomes a chat row: name (format of the cells), figure columns, the strong
# one, the note column
_ROWS = [
    ("{0} {1} · {2}", (3, 4, 5), 5, None),  # top shares: code channel · SKU
    ("{0} {1}", (2, 3, 4), 4, None),  # top goods: SKU title
    ("{0} {1}", (2, 3, 4, 5), 2, None),  # top shares by clicks: code channel
    ("{0} {1} · {2}", (3,), 3, None),  # clicked but not converting: code channel · SKU
    ("{0} ({1})", (2, 3), None, 4),  # unattributed: kind (currency)
    ("{0} ({1}, {6})", (2, 3, 4, 5), None, None),  # imports: file (format, at)
]


def _rows(cells: list[list[str]], header: list[str], spec) -> list[Row]:
    name, figures, strong, note = spec
    return [Row(" ".join(name.format(*c).split()), [Figure(header[i], c[i], i == strong) for i in figures],
                c[note] if note is not None else "") for c in cells]


def report_message(data: dict, lang: str) -> Message:
    """The report as figures (label: value) and numbered rows, for chat robots."""
    L = labels(lang)
    msg = Message(title(data, lang), notes=_head(data, lang))
    if data["report"] == "monthly":
        _statement(msg, data["statement"], L, lang)
        return msg
    figures = []
    for label, cells in _summary(data, lang):
        value = cells[0] if "change" not in data else f"{cells[0]} ({L['previous']} {cells[1]}, {cells[2]})"
        figures.append(Figure(label, value))
    msg.sections.append(Section(figures=figures))
    for (name, header, cells, _right), spec in zip(_sections(data, lang), _ROWS, strict=True):
        msg.sections.append(Section(name, rows=_rows(cells, header, spec), name_label=header[0], empty=L["none"]))
    return msg


def _statement(msg: Message, st: dict, L: dict, lang: str) -> None:
    msg.notes.append(f"({L['closed'] if st['closed'] else L['open']})")
    header, rows = summary_rows(st, lang)
    currencies = header[1:]
    # one line per figure; with several currencies their values side by side:
    # "成交额: 705.60 CNY · 142.96 USD"
    figures = [
        Figure(row[0], row[1]) if len(currencies) == 1 else
        Figure(row[0], " · ".join(f"{v} {cur}" for v, cur in zip(row[1:], currencies, strict=True) if v != ""))
        for row in rows if any(v != "" for v in row[1:])
    ]
    msg.sections.append(Section(figures=figures))
    unattributed = [unattributed_row(u, L) for u in st["unattributed"]]
    msg.sections.append(Section(L["unattributed"], rows=[
        Row(f"{c[0]} ({c[1]})", [Figure(L["col_orders"], c[2]), Figure(L["col_gmv"], c[3])], c[4])
        for c in unattributed], name_label=L["kind"], empty=L["none"]))
    more = st.get("findings_count", 0) - len(st["findings"])
    msg.sections.append(Section(L["findings"], rows=[
        Row(" ".join(f"{f['platform']} {f['line_key']}" .split()) + (f" · {f['sku']}" if f["sku"] else ""),
            [Figure(L["reported"], format_rate(f["reported_rate_bp"]), True),
             Figure(L["expected"], format_rate(f["expected_rate_bp"]))])
        for f in st["findings"]], name_label=L["line"], empty=L["none"],
        footer=L["more"].format(n=more) if more > 0 else ""))
    msg.sections.append(Section(L["adjustment_lines"], rows=[
        Row(f"{a['orig_period']} {a['platform']} {a['line_key']}",
            [Figure(L["amount"], format_amount(a["amount_fen"], a["currency"]), True)], a["reason"] or "")
        for a in st["adjustments"]], name_label=L["line"], empty=L["none"]))
    if st.get("trend"):
        msg.sections.append(Section(L["trend"], figures=[Figure(t["period"], format_fen(t["net_fen"]))
                                                         for t in st["trend"]]))
