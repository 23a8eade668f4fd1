"""weimai report daily|weekly|monthly: a report printed, written to a file, or delivered."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from weimai_cli.cli.options import AllDistributorsOpt, AsOpt, ForceOpt, LangOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import _

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


# --out FILE picks the format by its extension unless --format is given
BY_EXTENSION = {".md": "md", ".markdown": "md", ".json": "json", ".csv": "csv", ".txt": "text"}
EXTENSION = {"text": "txt", "md": "md", "json": "json", "csv": "csv"}


def format_for(out: str | None, fmt: ReportFmt | None) -> str:
    """--format if given, else by --out's extension (.md, .json, .csv, .txt), else text."""
    if fmt is not None:
        return fmt.value
    if not out or out == "-":
        return "text"
    from pathlib import Path

    return BY_EXTENSION.get(Path(out).suffix.lower(), "text")


@app.command("report")
def report(
    kind: Annotated[Kind, typer.Argument(help="daily, weekly (Monday–Sunday) or monthly.", case_sensitive=False)],
    date: Annotated[
        str | None,
        typer.Option("--date", help="A day in the period, YYYY-MM-DD (default: the last finished period)."),
    ] = None,
    as_: AsOpt = None,
    all_distributors: AllDistributorsOpt = False,
    each_distributor: Annotated[
        bool, typer.Option("--each-distributor", help="One report per active distributor with anything in the "
                           "period (their own, as --as gives it); the empty ones are skipped.")
    ] = False,
    fmt: Annotated[
        ReportFmt | None,
        typer.Option("--format", "-f", help="text, md, json or csv (default: by the --out file's extension "
                     ".md, .json, .csv or .txt, else text)."),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Write the report to FILE (atomically); - for stdout. With "
                                 "--each-distributor: a folder, or a file name pattern with {handle} (and {period}).")
    ] = None,
    force: ForceOpt = False,
    notify: Annotated[
        list[str] | None,
        typer.Option("--notify", help="Deliver it to this target (chat robots in their own shape, the webhook as "
                     "markdown, email as text); repeat for more."),
    ] = None,
    notify_from_distributor: Annotated[
        bool, typer.Option("--notify-from-distributor", help="With --each-distributor: deliver each report to "
                           "the target named in that distributor's notify target.")
    ] = False,
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

    --each-distributor makes one report per active distributor (skipping
    those with nothing in the period) and, with --notify-from-distributor,
    sends each to its distributor's own target; exit 4 if any delivery failed.
    """
    from weimai_cli import files
    from weimai_cli.errors import UsageError
    from weimai_cli.ledger.scope import known_distributor
    from weimai_cli.reports.periods import period_for

    if close and kind != Kind.monthly:
        raise UsageError(_("--close is for monthly reports only"), "weimai report monthly --close")
    if as_ and all_distributors:
        raise UsageError(_("--as and --all-distributors exclude each other"))
    if each_distributor and (as_ or all_distributors):
        raise UsageError(_("--each-distributor and {option} exclude each other").format(
            option="--as" if as_ else "--all-distributors"),
                         _("--each-distributor makes every active distributor's own report"))
    if notify_from_distributor and not each_distributor:
        raise UsageError(_("--notify-from-distributor goes with --each-distributor"),
                         "weimai report monthly --each-distributor --notify-from-distributor")
    period = period_for(kind.value, date)
    language = lang.value if lang else None  # None: the interface language (CSV: English), see _emit
    targets = list(dict.fromkeys(notify or []))
    if each_distributor:
        if fmt == ReportFmt.csv and (not out or out == files.STDOUT):
            raise UsageError(_("--each-distributor prints no CSV to stdout (one table per distributor)"),
                             _("write them to files: --out FOLDER or --out 'statements/{handle}.csv'"))
        _each(period, fmt, out, force, targets, notify_from_distributor, close, language,
              resend=resend, allow_private=allow_private, wait=wait)
        return
    chosen = format_for(out, fmt)
    out_path = files.check_target(out, force=force, stdout=True) if out else None
    if targets:  # every target must exist before anything is done
        from weimai_cli.notify import targets as notify_lib

        for name in targets:
            notify_lib.get_target(name)

    conn = open_db()
    distributor = None if all_distributors else (as_ or "me")
    if distributor is not None:
        known_distributor(conn, distributor)
    if close:
        _close(conn, period.key, wait)
    from weimai_cli.reports.data import build

    data = build(conn, period, distributor)
    _emit(data, chosen, language, out_path, printed=not targets or out == files.STDOUT, force=force)
    errors = _deliver(conn, data, targets, language, resend=resend, allow_private=allow_private, wait=wait)
    _raise(errors)


def _close(conn, month: str, wait: float) -> None:
    from weimai_cli.cli import output
    from weimai_cli.reports import closing

    if closing.close_month(conn, month, wait_seconds=wait):
        output.message(_("closed {month}").format(month=month))
    else:
        output.message(_("{month} is closed already; reporting the closed month").format(month=month))


def _emit(data: dict, fmt: str, lang: str | None, out_path, *, printed: bool, force: bool) -> None:
    """Write the report to ``out_path``, or print it when ``printed``. ``lang`` None: the
    interface language, but CSV (for scripts) in English."""
    from weimai_cli import files
    from weimai_cli.cli import output
    from weimai_cli.cli.render import reports as rendered
    from weimai_cli.cli.render.labels import default_lang

    text = rendered.render(data, fmt, lang or ("en" if fmt == "csv" else default_lang()))
    if out_path is not None:
        files.write_text(out_path, text, force=force)
        output.message(_("wrote {path}").format(path=out_path))
    elif printed:
        output.text(text)


def _deliver(conn, data: dict, targets: list[str], lang: str | None, *, resend: bool, allow_private: bool,
             wait: float, who: str = "") -> list[Exception]:
    """Deliver one report to its targets (markdown and text, and each robot's own shape) in
    ``lang`` (None: the interface language); print what happened; the errors, to be raised
    once everything was tried."""
    if not targets:
        return []
    from weimai_cli.cli import output
    from weimai_cli.cli.render import reports as rendered
    from weimai_cli.cli.render.chat import report_message
    from weimai_cli.cli.render.labels import default_lang
    from weimai_cli.reports import delivery

    lang = lang or default_lang()
    outcomes = delivery.deliver(
        conn, targets, delivery.report_key(data, lang), rendered.title(data, lang),
        rendered.render_md(data, lang), rendered.render_text(data, lang),
        resend=resend, allow_private=allow_private, wait_seconds=wait, message=report_message(data, lang))
    prefix = f"{who}: " if who else ""
    for o in outcomes:
        if o.result is None:
            continue
        for note in o.result.notes:
            output.warn(f"{prefix}{o.target}: {note}")
        if o.result.status == "already sent":
            output.message(prefix + _("already sent to {target} (delivery {id}); --resend sends it again").format(
                target=o.target, id=o.result.delivery_id))
        else:
            output.message(prefix + _("sent to {target} (delivery {id}, {n} message(s))").format(
                target=o.target, id=o.result.delivery_id, n=o.result.parts))
    return [o.error for o in outcomes if o.error]


def _raise(errors: list[Exception]) -> None:
    """Show every error but the worst, raise that one (a delivery failure, exit 4, before a busy one)."""
    from weimai_cli.cli.failures import show as show_failure
    from weimai_cli.errors import DeliveryFailed

    errors = sorted(errors, key=lambda e: isinstance(e, DeliveryFailed))
    for e in errors[:-1]:
        show_failure(e)
    if errors:
        raise errors[-1]


def _out_paths(out: str, fmt: ReportFmt | None, period_key: str, handles: list[str], force: bool):
    """Each distributor's --out file (a folder, or a pattern with {handle}) and the format; all checked."""
    from pathlib import Path

    from weimai_cli import files
    from weimai_cli.errors import BadInput, UsageError
    from weimai_cli.reports.each import file_name_part

    if "{handle}" in out:
        chosen = format_for(out.replace("{handle}", "x").replace("{period}", period_key), fmt)
        names = {h: out.replace("{handle}", file_name_part(h)).replace("{period}", period_key) for h in handles}
    elif Path(out).expanduser().is_dir():
        chosen = fmt.value if fmt else "text"
        folder = Path(out).expanduser()
        names = {h: str(folder / f"{file_name_part(h)}-{period_key}.{EXTENSION[chosen]}") for h in handles}
    else:
        raise UsageError(_("--out {out!r} with --each-distributor is neither a folder nor a pattern with "
                           "{{handle}}").format(out=out),
                         _("give a folder that exists, or a file name like 'statements/{handle}-{period}.md'"))
    if len(set(names.values())) < len(names):
        raise BadInput(_("two distributors' handles make the same --out file name"),
                       _("put {handle} in the file name part of the pattern"))
    return chosen, {h: files.check_target(n, force=force) for h, n in names.items()}


def _each(period, fmt: ReportFmt | None, out: str | None, force: bool, targets: list[str], from_distributor: bool,
          close: bool, lang: str | None, *, resend: bool, allow_private: bool, wait: float) -> None:
    """--each-distributor: every active distributor's own report, written, printed or delivered."""
    from weimai_cli import files
    from weimai_cli.cli import output
    from weimai_cli.errors import BadInput, DeliveryFailed, NotFound
    from weimai_cli.notify import targets as notify_lib
    from weimai_cli.reports.each import active_distributors, with_reports

    for name in targets:  # every --notify target must exist before anything is done
        notify_lib.get_target(name)
    conn = open_db()
    everyone = active_distributors(conn)
    if from_distributor and not any(r.notify_target for r in everyone):
        raise BadInput(_("no active distributor has a notify target, so --notify-from-distributor has nowhere "
                         "to send"), _("set one: weimai distributors edit HANDLE --notify TARGET"))
    busy, empty = with_reports(conn, period, everyone)  # before the close: refuse bad --out files first
    to_stdout = not out or out == files.STDOUT
    chosen, paths = (format_for(None, fmt), {}) if to_stdout else _out_paths(
        out, fmt, period.key, [r.handle for r in busy], force)
    if close:
        _close(conn, period.key, wait)
        busy = with_reports(conn, period, busy)[0]  # rebuilt: the closed month
    for r in empty:
        output.message(_("skipped {handle}: nothing in {period}").format(handle=r.handle, period=period.key))
    errors: list[Exception] = []
    printed = to_stdout and (not (targets or from_distributor) or out == files.STDOUT)
    if printed and chosen == "json":
        from weimai_cli.cli.output import json_text

        output.text(json_text([r.data for r in busy]) + "\n")
    for n, r in enumerate(busy):
        if printed and chosen != "json":
            if n:
                output.text("\n")
            _emit(r.data, chosen, lang, None, printed=True, force=force)
        elif paths:
            _emit(r.data, chosen, lang, paths[r.handle], printed=False, force=force)
        mine = list(targets)
        if from_distributor:
            if not r.notify_target:
                output.message(_("skipped {handle}: no notify target of their own "
                                 "(set one: weimai distributors edit {handle} --notify TARGET)").format(handle=r.handle))
            else:
                try:
                    notify_lib.get_target(r.notify_target)
                    mine = list(dict.fromkeys([*mine, r.notify_target]))
                except NotFound as exc:
                    errors.append(DeliveryFailed(
                        _("distributor {handle!r}: their notify target {target!r} does not exist; "
                          "their report was not sent there ({error})").format(
                            handle=r.handle, target=r.notify_target, error=exc.message),
                        _("fix it: weimai distributors edit {handle} --notify TARGET (see weimai notify list)").format(
                            handle=r.handle)))
        errors += _deliver(conn, r.data, mine, lang, resend=resend, allow_private=allow_private, wait=wait,
                           who=r.handle)
    if not busy:
        output.message(_("no active distributor has anything in {period}").format(period=period.key))
    _raise(errors)
