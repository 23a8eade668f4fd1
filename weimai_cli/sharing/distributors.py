"""Distributors (达人): handle, name, contact, rates, status and delivery target.

``me`` exists from the start; it can be edited but never deactivated.

**The terms of a share.** When a distributor shares a goods, the share
snapshots the commission terms :func:`terms_for` picks, the first that exists:

1. the distributor's **per-SKU** rate for this goods (``distributors rate H --sku``);
2. the distributor's **per-category** rate for the goods' category (``--category``;
   the category text as the goods carry it, exact);
3. the **distributor's rate** (``distributors add/edit --rate``);
4. the **goods' own terms**: its rate, or its fixed commission per unit.

A rate of 0 % is a rate (that distributor earns nothing on it), not "none".
Shares keep their snapshot: changing or removing a rate later changes only
the shares made after it.

**Deactivated** distributors (``active = 0``, ``deactivated_at``) keep every
share, order and ledger row; they cannot share (create_share checks
``get_distributor(...)["active"]``) and ``distributors list`` leaves them out
unless asked. ``edit --active`` reactivates one.

``notify_target`` names a delivery target of ``weimai notify``: the command
checks that it exists (notify sits above this package), this module stores it.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound, did_you_mean
from weimai_cli.i18n import N_, tr

_HANDLE = re.compile(r"[^\s\-][^\s]{0,63}")
ME = "me"
SCOPES = ("sku", "category")
SCOPE_NAMES = {"sku": N_("per-SKU"), "category": N_("per-category")}  # shown through tr()
# the columns edit_distributor changes
EDITABLE = ("name", "contact", "rate_bp", "notify_target", "active")


def get_distributor(conn: sqlite3.Connection, handle: str) -> dict:
    """The distributor's row: handle, name, contact, rate_bp, created_at,
    active (1/0), deactivated_at, notify_target."""
    row = conn.execute("SELECT * FROM distributors WHERE handle = ?", (handle,)).fetchone()
    if row is None:
        handles = [r[0] for r in conn.execute("SELECT handle FROM distributors")]
        close = did_you_mean(handle, handles)
        hint = tr("add one: weimai distributors add {handle} --name … --rate …").format(handle=handle)
        raise NotFound(tr("no distributor {handle!r}").format(handle=handle),
                       tr("{close} or {hint}").format(close=close, hint=hint) if close else hint)
    return dict(row)


def add_distributor(
    conn: sqlite3.Connection,
    handle: str,
    *,
    name: str | None = None,
    contact: str | None = None,
    rate_bp: int | None = None,
) -> dict:
    handle = handle.strip()
    if not _HANDLE.fullmatch(handle):
        raise BadInput(
            tr("distributor handle {handle!r} is not usable").format(handle=handle),
            tr("use 1–64 characters without spaces, not starting with '-' (e.g. xiaohong)"),
        )
    with transaction(conn):
        if conn.execute("SELECT 1 FROM distributors WHERE handle = ?", (handle,)).fetchone():
            raise BadInput(tr("distributor {handle!r} already exists").format(handle=handle), tr("pick another handle"))
        conn.execute(
            "INSERT INTO distributors (handle, name, contact, rate_bp, created_at) VALUES (?, ?, ?, ?, ?)",
            (handle, name or handle, contact, rate_bp, now_iso()),
        )
    return get_distributor(conn, handle)


_LIST_SQL = (
    "SELECT d.handle, d.name, d.contact, d.rate_bp, "
    "CASE WHEN d.active THEN 'active' ELSE 'deactivated' END AS status, d.deactivated_at, "
    "d.notify_target, d.created_at, "
    "(SELECT count(*) FROM shares s WHERE s.distributor = d.handle) AS shares, "
    "(SELECT max(created_at) FROM shares s WHERE s.distributor = d.handle) AS last_share "
    "FROM distributors d"
)


def list_distributors(conn: sqlite3.Connection, *, include_inactive: bool = False) -> list[dict]:
    """Distributors (active ones, or all) with their status, the number of
    shares and the last share time; ``me`` first."""
    where = "" if include_inactive else " WHERE d.active"
    return [dict(r) for r in conn.execute(_LIST_SQL + where + " ORDER BY d.handle = 'me' DESC, d.handle")]


def inactive_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM distributors WHERE NOT active").fetchone()[0]


def distributor_summary(conn: sqlite3.Connection, handle: str) -> dict:
    """One distributor as ``distributors list`` shows it, and its rates."""
    handle = get_distributor(conn, handle)["handle"]
    row = dict(conn.execute(_LIST_SQL + " WHERE d.handle = ?", (handle,)).fetchone())
    return {**row, "rates": rates_of(conn, handle)}


def edit_distributor(conn: sqlite3.Connection, handle: str, changes: dict) -> tuple[dict, list[str]]:
    """Change fields of one distributor (keys of :data:`EDITABLE`; ``active``
    may only be set to 1: deactivating is :func:`deactivate_distributor`).
    Returns the new row and the names of the fields that changed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:  # pragma: no cover - a caller's bug
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "name" in changes:
        changes = {**changes, "name": (changes["name"] or "").strip()}
        if not changes["name"]:
            raise BadInput(tr("--name is empty"), tr("give a display name, or leave the option out"))
    if "contact" in changes:
        changes = {**changes, "contact": (changes["contact"] or "").strip() or None}
    if changes.get("active", 1) != 1:
        raise BadInput(tr("edit only reactivates"), tr("use `weimai distributors deactivate {handle}`").format(handle=handle))
    with transaction(conn):
        old = get_distributor(conn, handle)
        changed = [k for k, v in changes.items() if old[k] != v]
        if changed:
            values = {k: changes[k] for k in changed}
            if "active" in values:
                values["deactivated_at"] = None
            sets = ", ".join(f"{k} = ?" for k in values)
            conn.execute(f"UPDATE distributors SET {sets} WHERE handle = ?", [*values.values(), old["handle"]])
    return get_distributor(conn, handle), changed


def deactivate_distributor(conn: sqlite3.Connection, handle: str) -> bool:
    """Set active = 0 and deactivated_at; shares, orders and the ledger stay.
    False when it was deactivated already."""
    with transaction(conn):
        d = get_distributor(conn, handle)
        if d["handle"] == ME:
            raise BadInput(
                tr("the distributor 'me' cannot be deactivated"),
                tr("it is the default distributor (your own shares); edit it instead"),
            )
        if not d["active"]:
            return False
        conn.execute(
            "UPDATE distributors SET active = 0, deactivated_at = ? WHERE handle = ?", (now_iso(), d["handle"])
        )
    return True


# ---- rates per SKU or category ------------------------------------------------


class Terms(NamedTuple):
    """The commission terms a share snapshots, and where they come from:
    ``sku``, ``category``, ``distributor`` or ``goods``."""

    commission_bp: int | None
    commission_fen: int | None
    source: str


def terms_for(conn: sqlite3.Connection, handle: str, goods: dict) -> Terms:
    """The terms a share of ``goods`` (a goods row: sku, category,
    commission_bp, commission_fen) by ``handle`` gets: per-SKU rate >
    per-category rate > the distributor's rate > the goods' own terms."""
    dist = get_distributor(conn, handle)
    found = dict(
        conn.execute(
            "SELECT scope, rate_bp FROM distributor_rates WHERE handle = ? "
            "AND ((scope = 'sku' AND key = ?) OR (scope = 'category' AND key = ?))",
            (dist["handle"], goods["sku"], goods.get("category") or ""),
        ).fetchall()
    )
    for scope in SCOPES:
        if scope in found:
            return Terms(found[scope], None, scope)
    if dist["rate_bp"] is not None:
        return Terms(dist["rate_bp"], None, "distributor")
    return Terms(goods.get("commission_bp"), goods.get("commission_fen"), "goods")


def rates_of(conn: sqlite3.Connection, handle: str) -> list[dict]:
    """A distributor's per-SKU and per-category rates, SKUs first."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT r.scope, r.key, r.rate_bp, g.title, g.status, r.created_at FROM distributor_rates r "
            "LEFT JOIN goods g ON r.scope = 'sku' AND g.sku = r.key "
            "WHERE r.handle = ? ORDER BY r.scope = 'category', r.key",
            (handle,),
        )
    ]


def _check_key(conn: sqlite3.Connection, scope: str, key: str) -> str:
    """A SKU of an active goods, or a category some active goods carry."""
    from weimai_cli.catalog.goods import close_matches_hint, get_goods

    if scope == "sku":
        if get_goods(conn, key)["status"] != "active":  # NotFound names close SKUs
            raise BadInput(
                tr("goods {sku!r} is archived: a rate for it would never apply").format(sku=key),
                close_matches_hint(conn, key, active_only=True),
            )
        return key
    known = [r[0] for r in conn.execute(
        "SELECT DISTINCT category FROM goods WHERE status = 'active' AND category IS NOT NULL "
        "AND category != '' ORDER BY category"
    )]
    if key not in known:
        close = did_you_mean(key, known)
        listed = tr("categories: {names}").format(
            names=", ".join(known[:10]) + (", …" if len(known) > 10 else "")) if known else (
            tr("no active goods has a category yet (`weimai goods edit SKU --category …`)")
        )
        raise NotFound(tr("no active goods in category {category!r}").format(category=key),
                       f"{close} {listed}" if close else listed)
    return key


def _check_scope(scope: str, key: str) -> str:
    if scope not in SCOPES:  # pragma: no cover - a caller's bug
        raise ValueError(f"scope {scope!r}")
    key = (key or "").strip()
    if not key:
        raise BadInput(tr("--{scope} is empty").format(scope=scope),
                       tr("give a SKU") if scope == "sku" else tr("give a category"))
    return key


def set_rate(conn: sqlite3.Connection, handle: str, scope: str, key: str, rate_bp: int) -> str:
    """Set a distributor's rate for one SKU or category: 'added', 'changed' or 'unchanged'."""
    key = _check_scope(scope, key)
    with transaction(conn):
        handle = get_distributor(conn, handle)["handle"]
        _check_key(conn, scope, key)
        old = conn.execute(
            "SELECT rate_bp FROM distributor_rates WHERE handle = ? AND scope = ? AND key = ?", (handle, scope, key)
        ).fetchone()
        if old is None:
            conn.execute(
                "INSERT INTO distributor_rates (handle, scope, key, rate_bp, created_at) VALUES (?, ?, ?, ?, ?)",
                (handle, scope, key, rate_bp, now_iso()),
            )
            return "added"
        if old[0] == rate_bp:
            return "unchanged"
        conn.execute(
            "UPDATE distributor_rates SET rate_bp = ? WHERE handle = ? AND scope = ? AND key = ?",
            (rate_bp, handle, scope, key),
        )
    return "changed"


def remove_rate(conn: sqlite3.Connection, handle: str, scope: str, key: str) -> int:
    """Drop a distributor's rate for one SKU or category; returns the rate it had."""
    key = _check_scope(scope, key)
    with transaction(conn):
        handle = get_distributor(conn, handle)["handle"]
        old = conn.execute(
            "SELECT rate_bp FROM distributor_rates WHERE handle = ? AND scope = ? AND key = ?", (handle, scope, key)
        ).fetchone()
        if old is None:
            raise NotFound(
                tr("{handle} has no {scope} rate for {key!r}").format(handle=handle, scope=tr(SCOPE_NAMES[scope]), key=key),
                tr("see `weimai distributors rate {handle}`").format(handle=handle),
            )
        conn.execute("DELETE FROM distributor_rates WHERE handle = ? AND scope = ? AND key = ?", (handle, scope, key))
    return old[0]


def rates_for_goods(conn: sqlite3.Connection, goods: dict) -> list[dict]:
    """The per-SKU and per-category rates of every distributor that touch
    ``goods``, with ``applies``: whether a share by that distributor now would
    take it (False when a per-SKU rate wins over a per-category one, or the
    distributor is deactivated)."""
    rows = [
        dict(r)
        for r in conn.execute(
            "SELECT r.handle, r.scope, r.key, r.rate_bp, d.active FROM distributor_rates r "
            "JOIN distributors d ON d.handle = r.handle "
            "WHERE (r.scope = 'sku' AND r.key = ?) OR (r.scope = 'category' AND r.key = ?) "
            "ORDER BY r.handle = 'me' DESC, r.handle, r.scope = 'category'",
            (goods["sku"], goods.get("category") or ""),
        )
    ]
    with_sku = {r["handle"] for r in rows if r["scope"] == "sku"}
    for r in rows:
        r["active"] = bool(r["active"])
        r["applies"] = r["active"] and (r["scope"] == "sku" or r["handle"] not in with_sku)
    return rows
