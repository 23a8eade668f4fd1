"""weimai doctor: check everything a cron job depends on."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer()


@app.command("doctor")
def doctor(
    max_age: Annotated[
        str, typer.Option("--max-age", help="Newest import or feed sync may be at most this old: 36h, 2d, 90m.")
    ] = "2d",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing when every check passes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="All checks as JSON (for scripts).")] = False,
):
    """Check the config file, notify targets, database and freshness of imports.

    Exit 0 when everything passes, 1 with the list of problems otherwise.
    """
    from weimai_cli import config, i18n
    from weimai_cli.cli import output
    from weimai_cli.i18n import _
    from weimai_cli.reports import doctor as lib

    if quiet:
        output.state.quiet = True
    age = lib.parse_age(max_age)
    if as_json:  # JSON stays English (scripts read it)
        language = i18n.lang()
        i18n.set_lang("en")
        try:
            checks = lib.run_checks(config.db_path(config.DB_OVERRIDE), max_age=age)
        finally:
            i18n.set_lang(language)
        output.json_out([c.__dict__ for c in checks])
    else:
        checks = lib.run_checks(config.db_path(config.DB_OVERRIDE), max_age=age)
        for c in checks:
            if c.ok:
                output.message(_("ok       {name}: {detail}").format(name=lib.check_name(c.name), detail=c.detail))
            else:
                output.line(_("problem  {name}: {detail}").format(name=lib.check_name(c.name), detail=c.detail))
    problems = [c for c in checks if not c.ok]
    if problems:
        output.error(_("{n} problem(s) found").format(n=len(problems)), _("fix them, then run `weimai doctor` again"))
        raise typer.Exit(1)
