"""What ``weimai shares show`` lists under a share: its terms now, its orders
and its earnings, each a :class:`~weimai_cli.sharing.lookup.Section`.

The composition lives here, above the packages it draws on (sharing, orders,
ledger), so none of them reaches up to the others. A capability adds a section
by appending a provider to :data:`SECTION_PROVIDERS`: a function taking
``(conn, share)`` and returning a Section or None, or (a plug-in outside
weimai) its ``"module:function"`` name, imported when a share is shown.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from weimai_cli.ledger.funnel import share_earnings_section
from weimai_cli.orders.query import share_orders_section
from weimai_cli.sharing.lookup import Section, goods_now_section

SECTION_PROVIDERS: list[Callable[[sqlite3.Connection, dict], Section | None] | str] = [
    goods_now_section,
    share_orders_section,
    share_earnings_section,
]


def _provider(spec) -> Callable[[sqlite3.Connection, dict], Section | None]:
    if callable(spec):
        return spec
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def share_sections(conn: sqlite3.Connection, share: dict) -> list[Section]:
    """The sections of a share (:func:`weimai_cli.sharing.lookup.get_share`), empty ones included."""
    out = []
    for spec in SECTION_PROVIDERS:
        section = _provider(spec)(conn, share)
        if section is not None:
            out.append(section)
    return out
