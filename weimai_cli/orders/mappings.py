"""Saved column mappings for generic order files (``--map``, ``--mapping``)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, UsageError
from weimai_cli.i18n import _


def parse_maps(items: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``COLUMN=field`` options -> {field: (column, …)}."""
    from weimai_cli.orders.formats.generic import FIELDS

    out: dict[str, list[str]] = {}
    for item in items:
        column, sep, fieldname = item.rpartition("=")
        column, fieldname = column.strip(), fieldname.strip()
        if not sep or not column or not fieldname:
            raise UsageError(_("--map {item!r}: write COLUMN=field").format(item=item),
                             _("fields: {fields}").format(fields=", ".join(FIELDS)))
        if fieldname not in FIELDS:
            raise UsageError(
                _("--map {item!r}: unknown field {field!r}").format(item=item, field=fieldname),
                _("fields: {fields}").format(fields=", ".join(FIELDS)),
            )
        out.setdefault(fieldname, []).append(column)
    return {f: tuple(cols) for f, cols in out.items()}


def save_mapping(conn, name: str, maps: dict, platform: str | None = None) -> None:
    if not maps:
        raise UsageError(_("give at least one --map COLUMN=field"))
    now = now_iso()
    with transaction(conn):
        conn.execute(
            "INSERT INTO order_mappings (name, platform, mapping, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET platform = excluded.platform, "
            "mapping = excluded.mapping, updated_at = excluded.updated_at",
            (name, platform, json.dumps(maps, ensure_ascii=False), now, now),
        )


def load_mapping(conn, name: str) -> tuple[dict, str | None]:
    row = conn.execute(
        "SELECT mapping, platform FROM order_mappings WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        names = [r[0] for r in conn.execute("SELECT name FROM order_mappings ORDER BY name")]
        raise BadInput(
            _("no saved mapping {name!r}").format(name=name),
            _("save one with `weimai orders mapping save NAME --map COLUMN=field`")
            + (_("; saved: {names}").format(names=", ".join(names)) if names else ""),
        )
    return {f: tuple(c) for f, c in json.loads(row[0]).items()}, row[1]


def list_mappings(conn) -> list[dict]:
    return [
        {"name": r[0], "platform": r[1], "mapping": r[2], "updated_at": r[3]}
        for r in conn.execute(
            "SELECT name, platform, mapping, updated_at FROM order_mappings ORDER BY name"
        )
    ]

