"""The root command: global options, lazily loaded command groups, and the one
place errors end a run (mapped to a message, a hint and an exit code by
:mod:`weimai_cli.cli.failures`).

Command modules are imported only when their command runs, so ``weimai
--help`` costs about as much as an empty typer app. To add a command, put a
typer app in ``weimai_cli/commands/`` and a line in :data:`COMMANDS`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup

from weimai_cli import __version__
from weimai_cli.cli import failures

# name -> (module, attribute holding a typer.Typer, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("weimai_cli.cli.commands.demo", "app", "Build a demo home and run weimai's main jobs in front of you."),
    "list-goods": ("weimai_cli.cli.commands.goods", "list_app", "List the catalogue (filters, sorting, formats)."),
    "goods": ("weimai_cli.cli.commands.goods", "app", "Keep the goods catalogue: add, import, show, edit, archive."),
    "db": ("weimai_cli.cli.commands.db", "app", "The database: path, backup, check, migrations."),
    "share": ("weimai_cli.cli.commands.share", "share_app", "Share a product: tracked link, post, QR code and card."),
    "shares": ("weimai_cli.cli.commands.share", "shares_app", "The history of shares: list, show and render again."),
    "codes": ("weimai_cli.cli.commands.share", "codes_app", "Tracking codes: verify one."),
    "distributors": ("weimai_cli.cli.commands.distributors", "app", "Distributors (达人) and their rate overrides."),
    "orders": ("weimai_cli.cli.commands.orders", "app", "Import platform order exports; list, show and attribute order lines."),
    "notify": ("weimai_cli.cli.commands.notify", "app", "Delivery targets: webhook, WeCom, DingTalk, Feishu, Slack, email."),
    "feeds": ("weimai_cli.cli.commands.feeds", "app", "Supplier catalogue feeds (fetched by `weimai goods sync`)."),
    "earnings": ("weimai_cli.cli.commands.earnings", "app", "Commission statements by month; close a month."),
    "payouts": ("weimai_cli.cli.commands.earnings", "payouts_app", "Money paid out to distributors: record, list."),
    "spend": ("weimai_cli.cli.commands.earnings", "spend_app", "Promotion spend per share or campaign: add, list."),
    "doctor": ("weimai_cli.cli.commands.doctor", "app", "Check everything a cron job depends on."),
    "report": ("weimai_cli.cli.commands.report", "app", "Daily, weekly and monthly reports: print, --out, --notify."),
}


class LazyGroup(TyperGroup):
    """A TyperGroup that imports command modules only when a command is run."""

    _listing = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # typer's pydantic coercion layer (0.28+) is what quickparams works around
        if hasattr(getattr(typer.core, "_TyperParameter", None), "get_runtime_param"):
            from weimai_cli.cli import quickparams

            quickparams.install()

    def list_commands(self, ctx) -> list[str]:
        return [*self.commands, *COMMANDS]

    def get_command(self, ctx, cmd_name):
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module, attr, help_text = spec
        if self._listing:
            return TyperCommand(name=cmd_name, help=help_text, callback=lambda: None)
        import importlib

        sub_app = getattr(importlib.import_module(module), attr)
        cmd = typer.main.get_command(sub_app)
        cmd.name = cmd_name
        return cmd

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Usage errors as one line and a hint, like every other weimai error (exit 2)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from typer import _click
        from typer.exceptions import Abort

        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.exceptions.ClickException as exc:
            if exc.__class__.__name__ == "NoArgsIsHelpError":  # the help is already shown
                sys.exit(exc.exit_code)
            message, hint, code = failures.describe(exc)
            failures.print_error(message, hint)
            sys.exit(code)
        except Abort:
            print("Aborted.", file=sys.stderr)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def format_help(self, ctx, formatter):
        self._listing = True
        try:
            return super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            failures.fail(exc)


app = typer.Typer(
    cls=LazyGroup,
    help="weimai: catalogue, shares, orders and commission for social-commerce sellers and 达人.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        typer.echo(f"weimai {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="WEIMAI_DB", help="Database file (default: <home>/weimai.db).", show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
):
    from weimai_cli import config
    from weimai_cli.cli import output

    config.DB_OVERRIDE = db
    output.state.quiet = quiet


def main() -> None:
    app()
