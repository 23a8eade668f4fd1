"""Option aliases shared across commands (Annotated, as in the hf CLI)."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Annotated

import typer


class Fmt(str, Enum):
    table = "table"
    json = "json"
    nl = "nl"
    csv = "csv"
    tsv = "tsv"
    md = "md"


FormatOpt = Annotated[
    Fmt,
    typer.Option("--format", "-f", help="Output: table (default), json, nl, csv, tsv or md.", case_sensitive=False),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as JSON (for scripts).")]
# --limit: rows; the cap keeps it inside SQLite's 64-bit LIMIT (a larger number is a usage error)
MAX_ROWS = 10**12
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=0, max=MAX_ROWS, help="At most this many rows.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace output files that exist already (never a symbolic link).")
]


class TextFmt(StrEnum):
    text = "text"
    json = "json"


TextFormatOpt = Annotated[
    TextFmt,
    typer.Option("--format", "-f", help="Output: text (default) or json.", case_sensitive=False),
]


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Headers(str, Enum):
    en = "en"
    zh = "zh"


HeadersOpt = Annotated[
    Headers | None,
    typer.Option("--headers", metavar="zh|en", show_default=False,
                 help="CSV/TSV column titles: en (default, for scripts) or zh (for Excel)."),
]


def with_headers(cmd):
    """Give every command of ``cmd`` that offers ``--format table|…|csv`` (a
    table of rows) the option ``--headers zh|en`` (it sets
    ``output.state.headers``); returns ``cmd``."""
    subs = getattr(cmd, "commands", None)
    if subs:
        for sub in subs.values():
            with_headers(sub)
        return cmd
    params = getattr(cmd, "params", ())
    # the formats of output.rows (a report's or a statement's csv has titles of its own)
    offers_csv = any("--format" in getattr(p, "opts", ()) and {"table", "csv"} <= _choices(p) for p in params)
    if offers_csv and not any("--headers" in getattr(p, "opts", ()) for p in params):
        cmd.params.append(_headers_param())
    return cmd


def _choices(param) -> set[str]:
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or ()
    return {getattr(c, "value", c) for c in choices}


def _headers_param():
    app = typer.Typer()

    @app.command()
    def one(headers: HeadersOpt = None):  # pragma: no cover - never run, it only builds the option
        pass

    param = typer.main.get_command(app).params[0]
    param.expose_value = False
    param.callback = _set_headers
    return param


def _set_headers(ctx, param, value):
    from weimai_cli.cli import output

    output.state.headers = getattr(value, "value", value) or "en"
    return value


LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Labels: zh or en (default: from the locale).")]
# whose figures (statements, reports): one distributor, or all of them together
AsOpt = Annotated[str | None, typer.Option("--as", help="One distributor (default: me).")]
AllDistributorsOpt = Annotated[bool, typer.Option("--all-distributors", help="Every distributor together.")]
SkuOpt = Annotated[str | None, typer.Option("--sku", help="Only this SKU.")]
