"""weimai report daily|weekly|monthly: a report printed, written to a file, or delivered."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from weimai_cli.cli.options import AllDistributorsOpt, AsOpt, ForceOpt, LangOpt
from weimai_cli.db.store import open_db

app = typer.Typer(add_completion=False)


class Kind(str, Enum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


class ReportFmt(str, Enum):
    text = "text"
    md = "md"
    json = "json"
    csv = "csv"


@app.command("report")
def report(
    kind: Annotated[Kind, typer.Argument(help="daily, weekly (Monday–Sunday) or monthly.", case_sensitive=False)],
    date: Annotated[
        str | None,
        typer.Option("--date", help="A day in the period, YYYY-MM-DD (default: the last finished period)."),
    ] = None,
    as_: AsOpt = None,
    all_distributors: AllDistributorsOpt = False,
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="text, md, json or csv.")] = ReportFmt.text,
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Write the report to FILE (atomically); - for stdout.")
    ] = None,
    force: ForceOpt = False,
    notify: Annotated[
        list[str] | None,
        typer.Option("--notify", help="Deliver it (as markdown) to this target; repeat for more."),
    ] = None,
    resend: Annotated[bool, typer.Option("--resend", help="Deliver again even if it was already sent.")] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow http:// and local addresses (testing).")
    ] = False,
    wait: Annotated[
        float,
        typer.Option("--wait", min=0, help="If another weimai is closing or sending the same report, wait up to "
                     "SECONDS (default: exit 3 at once)."),
    ] = 0.0,
    close: Annotated[
        bool, typer.Option("--close", help="Monthly only: close the month first (fine if it is already closed).")
    ] = False,
    lang: LangOpt = None,
):
    """A daily, weekly or monthly report: printed, written with --out, or delivered with --notify.

    Without --date the period is the last finished one in Asia/Shanghai time:
    yesterday, last week, last month. With --out FILE or --notify nothing is
    printed on stdout (--out - prints it); with -q nothing at all on success.
    An existing --out file is replaced only with --force.
    """
    from weimai_cli import files
    from weimai_cli.cli import output
    from weimai_cli.cli.failures import show as show_failure
    from weimai_cli.cli.render import reports as rendered
    from weimai_cli.cli.render.chat import report_message
    from weimai_cli.cli.render.labels import default_lang
    from weimai_cli.errors import DeliveryFailed, UsageError
    from weimai_cli.ledger import statements
    from weimai_cli.notify import targets as notify_lib
    from weimai_cli.reports import closing, delivery
    from weimai_cli.reports.data import build
    from weimai_cli.reports.periods import period_for

    if close and kind != Kind.monthly:
        raise UsageError("--close is for monthly reports only", "weimai report monthly --close")
    if as_ and all_distributors:
        raise UsageError("--as and --all-distributors exclude each other")
    period = period_for(kind.value, date)
    language = lang.value if lang else default_lang()
    out_path = files.check_target(out, force=force, stdout=True) if out else None
    targets = list(dict.fromkeys(notify or []))
    for name in targets:  # every target must exist before anything is done
        notify_lib.get_target(name)

    conn = open_db()
    distributor = None if all_distributors else (as_ or "me")
    if distributor is not None:
        statements.known_distributor(conn, distributor)
    if close:
        if closing.close_month(conn, period.key, wait_seconds=wait):
            output.message(f"closed {period.key}")
        else:
            output.message(f"{period.key} is closed already; reporting the closed month")
    data = build(conn, period, distributor)
    text = rendered.render(data, fmt.value, language)
    if out_path is not None:
        files.write_text(out_path, text, force=force)
        output.message(f"wrote {out_path}")
    elif not targets or out == files.STDOUT:
        output.text(text)

    outcomes = []
    if targets:  # markdown, with the text rendering as its plain form
        outcomes = delivery.deliver(
            conn, targets, delivery.report_key(data, language), rendered.title(data, language),
            rendered.render_md(data, language), rendered.render_text(data, language),
            resend=resend, allow_private=allow_private, wait_seconds=wait, message=report_message(data, language))
    for o in outcomes:
        if o.result is None:
            continue
        for note in o.result.notes:
            output.warn(f"{o.target}: {note}")
        if o.result.status == "already sent":
            output.message(f"already sent to {o.target} (delivery {o.result.delivery_id}); --resend sends it again")
        else:
            output.message(f"sent to {o.target} (delivery {o.result.delivery_id}, {o.result.parts} message(s))")
    errors = sorted((o.error for o in outcomes if o.error), key=lambda e: isinstance(e, DeliveryFailed))
    for e in errors[:-1]:
        show_failure(e)
    if errors:
        raise errors[-1]
