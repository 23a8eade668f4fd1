"""Distributors as tables: the list, one distributor's rates, and the
distributor rates ``goods show`` lists for one goods."""

from __future__ import annotations

from weimai_cli.cli.output import Col

PRECEDENCE = "per-SKU > per-category > distributor's rate > goods' terms"


def list_cols() -> list[Col]:
    return [
        Col("handle", "handle"),
        Col("name", "name"),
        Col("contact", "contact"),
        Col("rate_bp", "rate", "rate"),
        Col("status", "status"),
        Col("notify_target", "notify"),
        Col("shares", "shares", "int"),
        Col("last_share", "last share"),
        Col("created_at", "created"),
    ]


def rate_cols() -> list[Col]:
    return [
        Col("scope", "scope"),
        Col("key", "SKU / category"),
        Col("rate_bp", "rate", "rate"),
        Col("note", "note"),
    ]


def rate_rows(rates: list[dict]) -> list[dict]:
    """A distributor's rates with a note on SKUs that no longer apply."""
    notes = {None: "no such goods", "archived": "goods archived"}
    return [
        {**r, "note": notes.get(r["status"], "") if r["scope"] == "sku" else ""}
        for r in rates
    ]


def distributor_fields(d: dict) -> list[tuple[str, str]]:
    from weimai_cli.money import format_rate

    pairs = [
        ("handle", d["handle"]),
        ("name", d["name"] or ""),
        ("contact", d["contact"] or ""),
        ("rate", format_rate(d["rate_bp"]) if d["rate_bp"] is not None else "(goods' terms)"),
        ("status", d["status"] + (f" since {d['deactivated_at']}" if d["deactivated_at"] else "")),
        ("notify", d["notify_target"] or ""),
        ("shares", str(d["shares"])),
        ("last share", d["last_share"] or ""),
        ("created", d["created_at"]),
    ]
    return [(k, v) for k, v in pairs if v]


def goods_rate_cols() -> list[Col]:
    return [
        Col("handle", "distributor"),
        Col("scope_name", "rate for"),
        Col("rate_bp", "rate", "rate"),
        Col("applies_text", "applies"),
    ]


def goods_rate_rows(rows: list[dict]) -> list[dict]:
    """rates_for_goods rows with what ``goods show`` prints for each."""
    from weimai_cli.sharing.distributors import SCOPE_NAMES

    out = []
    for r in rows:
        if not r["active"]:
            applies = "no: distributor deactivated"
        elif not r["applies"]:
            applies = "no: the per-SKU rate wins"
        else:
            applies = "yes"
        name = SCOPE_NAMES[r["scope"]] + (f" {r['key']}" if r["scope"] == "category" else "")
        out.append({**r, "scope_name": name, "applies_text": applies})
    return out


def show_goods_rates(rows: list[dict], fmt: str) -> None:
    """``goods show``'s section: the distributors' per-SKU / per-category
    rates for this goods (rates_for_goods rows), nothing when there are none."""
    from weimai_cli.cli import output

    if rows:
        output.line()
        output.rows(goods_rate_rows(rows), goods_rate_cols(), fmt, title=f"distributor rates ({PRECEDENCE})")
