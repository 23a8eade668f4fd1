"""Columns of `weimai clicks list`."""

from __future__ import annotations

from weimai_cli.cli.output import Col
from weimai_cli.i18n import N_


def list_cols() -> list[Col]:
    return [Col("day", N_("day")), Col("code", N_("code")), Col("sku", N_("SKU")), Col("clicks", N_("clicks"), "int"),
            Col("source", N_("source")), Col("short_link", N_("short link"))]
