"""weimai db: path, backup, check, migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from weimai_cli.db.store import open_db
from weimai_cli.i18n import _

app = typer.Typer(help="The database: path, backup, check, migrations.", no_args_is_help=True)


@app.command("path")
def path_cmd():
    """Print where the database is."""
    from weimai_cli import config
    from weimai_cli.cli import output

    output.line(str(config.db_path(config.DB_OVERRIDE)))


@app.command("backup")
def backup_cmd(dest: Annotated[str, typer.Argument(help="New file for the copy.")]):
    """Make a consistent copy, safe while other weimai processes use the database."""
    from weimai_cli import config
    from weimai_cli.cli import output
    from weimai_cli.db import store

    conn = open_db()
    copy = store.backup(conn, dest)
    output.message(_("backed up {db} to {copy}").format(db=config.db_path(config.DB_OVERRIDE), copy=copy))


@app.command("check")
def check_cmd():
    """Run integrity and foreign-key checks; exit 1 on a problem."""
    from weimai_cli.cli import output
    from weimai_cli.db import store

    conn = open_db()
    problems = store.integrity_problems(conn)
    for p in problems:
        output.line(p)
    if problems:
        output.error(_("{n} problem(s) found").format(n=len(problems)), _("restore from `weimai db backup` copy"))
        raise typer.Exit(1)
    output.message(_("ok: integrity and foreign keys check clean"))


@app.command("migrations")
def migrations_cmd():
    """List the migrations applied to this database."""
    from weimai_cli.cli import output

    conn = open_db()
    data = [dict(r) for r in conn.execute("SELECT name, applied_at FROM _migrations ORDER BY rowid")]
    output.rows(data, [output.Col("name", _("name")), output.Col("applied_at", _("applied_at"))])
