"""Payouts to distributors and promotion spend: recorded per currency, live in
every statement (closed or not)."""

from __future__ import annotations

from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, UsageError
from weimai_cli.i18n import _
from weimai_cli.ledger.scope import BASE, check_currency, check_month, known_distributor
from weimai_cli.ledger.statements import compute_many


def _positive_amount(text: str) -> int:
    from weimai_cli.money import MoneyError, parse_money

    try:
        fen = parse_money(text, allow_negative=True)
    except MoneyError as exc:
        raise BadInput(_("--amount: {error}").format(error=exc), _("write an amount like 1,200.00")) from None
    if fen is None or fen <= 0:
        raise BadInput(_("--amount must be more than zero, not {text!r}").format(text=text),
                       _("record money paid out as a positive amount"))
    return fen


def record_payout(conn, *, distributor: str, month: str, amount: str, ref: str | None, paid_at: str | None = None,
                  currency: str = BASE) -> dict:
    check_month(month)
    currency = check_currency(currency)
    fen = _positive_amount(amount)
    with transaction(conn):
        known_distributor(conn, distributor)
        created = now_iso()
        cur = conn.execute(
            "INSERT INTO payouts (distributor, period, amount_fen, currency, ref, paid_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (distributor, month, fen, currency, ref, paid_at or created, created),
        )
    return {"id": cur.lastrowid, "distributor": distributor, "period": month, "amount_fen": fen,
            "currency": currency, "ref": ref}


def owed_after(conn, distributor: str, month: str, currency: str = BASE) -> int:
    """What is still owed to a distributor in a currency for a month and before (negative: paid too much)."""
    balances = compute_many(conn, [month], [distributor])[distributor]["balances"]
    return next((b["outstanding_fen"] for b in balances if b["currency"] == currency), 0)


def list_payouts(conn, distributor: str | None = None) -> list[dict]:
    sql, params = "SELECT id, distributor, period, amount_fen, currency, ref, paid_at FROM payouts", []
    if distributor:
        sql += " WHERE distributor = ?"
        params.append(distributor)
    return [dict(r) for r in conn.execute(sql + " ORDER BY period, id", params)]


def add_spend(conn, *, code: str | None, campaign: str | None, amount: str, date: str | None, note: str | None,
              distributor: str | None = None, currency: str = BASE) -> dict:
    from weimai_cli.clock import parse_bound

    if bool(code) == bool(campaign):
        raise UsageError(_("give a share CODE or --campaign NAME (one of them)"), "weimai spend add wm0001K7QX 50")
    currency = check_currency(currency)
    fen = _positive_amount(amount)
    day = (parse_bound(date)[:10] if date else now_iso()[:10])
    with transaction(conn):
        share_id = None
        if code:
            from weimai_cli.sharing.lookup import get_share

            share = get_share(conn, code)
            share_id, distributor = share["id"], share["distributor"]
            campaign = share["campaign"]
        distributor = known_distributor(conn, distributor or "me")
        cur = conn.execute(
            "INSERT INTO spend (share_id, campaign, distributor, amount_fen, currency, date, period, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (share_id, campaign, distributor, fen, currency, day, day[:7], note, now_iso()),
        )
    return {"id": cur.lastrowid, "share_id": share_id, "campaign": campaign, "amount_fen": fen,
            "currency": currency, "date": day}


def list_spend(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT p.id, p.date, s.code AS share_code, p.campaign, p.distributor, p.amount_fen, p.currency, p.note "
        "FROM spend p LEFT JOIN shares s ON s.id = p.share_id ORDER BY p.date, p.id"
    )]
