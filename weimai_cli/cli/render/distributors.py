"""Distributors as tables: the list, one distributor's rates, and the
distributor rates ``goods show`` lists for one goods.

Column titles are English (``N_()``; cli/output.py shows them translated in
the table and md formats). The status and note words are translated in the
formats for people (table, md) only: json, nl, csv and tsv keep them English.
"""

from __future__ import annotations

from weimai_cli.cli.output import Col
from weimai_cli.i18n import N_, pgettext, tr

PRECEDENCE = N_("per-SKU > per-category > distributor's rate > goods' terms")  # shown through tr()
PEOPLE = ("table", "md")  # the formats whose words are translated


def _status(status: str) -> str:
    """A distributor's status word in the interface language."""
    if status == "active":
        return pgettext("distributor status", "active")
    if status == "deactivated":
        return pgettext("distributor status", "deactivated")
    return status


def list_cols() -> list[Col]:
    return [
        Col("handle", N_("handle")),
        Col("name", N_("name")),
        Col("contact", N_("contact")),
        Col("rate_bp", N_("rate"), "rate"),
        Col("status", N_("status")),
        Col("notify_target", N_("notify")),
        Col("shares", N_("shares"), "int"),
        Col("last_share", N_("last share")),
        Col("created_at", N_("created")),
    ]


def list_rows(rows: list[dict], fmt: str = "table") -> list[dict]:
    """``distributors list`` rows, their status word translated for people."""
    if fmt not in PEOPLE:
        return rows
    return [{**r, "status": _status(r["status"])} for r in rows]


def rate_cols() -> list[Col]:
    return [
        Col("scope", N_("scope")),
        Col("key", N_("SKU / category")),
        Col("rate_bp", N_("rate"), "rate"),
        Col("note", N_("note")),
    ]


RATE_NOTES = {None: N_("no such goods"), "archived": N_("goods archived")}


def _scope(scope: str) -> str:
    if scope == "sku":
        return pgettext("rate scope", "sku")
    if scope == "category":
        return pgettext("rate scope", "category")
    return scope


def rate_rows(rates: list[dict], fmt: str = "json") -> list[dict]:
    """A distributor's rates with a note on SKUs that no longer apply (in
    English; translated, with the scope, in the table and md formats)."""
    people = fmt in PEOPLE
    out = []
    for r in rates:
        note = RATE_NOTES.get(r["status"], "") if r["scope"] == "sku" else ""
        row = {**r, "note": tr(note) if people else note}
        if people:
            row["scope"] = _scope(r["scope"])
        out.append(row)
    return out


def distributor_fields(d: dict) -> list[tuple[str, str]]:
    from weimai_cli.money import format_rate

    since = tr(" since {time}").format(time=d["deactivated_at"]) if d["deactivated_at"] else ""
    pairs = [
        (tr("handle"), d["handle"]),
        (tr("name"), d["name"] or ""),
        (tr("contact"), d["contact"] or ""),
        (tr("rate"), format_rate(d["rate_bp"]) if d["rate_bp"] is not None else tr("(goods' terms)")),
        (tr("status"), _status(d["status"]) + since),
        (tr("notify"), d["notify_target"] or ""),
        (tr("shares"), str(d["shares"])),
        (tr("last share"), d["last_share"] or ""),
        (tr("created"), d["created_at"]),
    ]
    return [(k, v) for k, v in pairs if v]


def goods_rate_cols() -> list[Col]:
    return [
        Col("handle", N_("distributor")),
        Col("scope_name", N_("rate for")),
        Col("rate_bp", N_("rate"), "rate"),
        Col("applies_text", N_("applies")),
    ]


def goods_rate_rows(rows: list[dict], fmt: str = "json") -> list[dict]:
    """rates_for_goods rows with what ``goods show`` prints for each (in
    English; translated in the table and md formats)."""
    from weimai_cli.sharing.distributors import SCOPE_NAMES

    people = fmt in PEOPLE
    out = []
    for r in rows:
        if not r["active"]:
            applies = N_("no: distributor deactivated")
        elif not r["applies"]:
            applies = N_("no: the per-SKU rate wins")
        else:
            applies = N_("yes")
        scope = SCOPE_NAMES[r["scope"]]
        if people:
            applies, scope = tr(applies), tr(scope)
        name = scope + (f" {r['key']}" if r["scope"] == "category" else "")
        out.append({**r, "scope_name": name, "applies_text": applies})
    return out


def show_goods_rates(rows: list[dict], fmt: str) -> None:
    """``goods show``'s section: the distributors' per-SKU / per-category
    rates for this goods (rates_for_goods rows), nothing when there are none."""
    from weimai_cli.cli import output

    if rows:
        output.line()
        output.rows(goods_rate_rows(rows, fmt), goods_rate_cols(), fmt,
                    title=tr("distributor rates ({precedence})").format(precedence=tr(PRECEDENCE)))
