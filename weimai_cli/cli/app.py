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

from weimai_cli import __version__, i18n
from weimai_cli.cli import failures, options, translate
from weimai_cli.i18n import N_

# name -> (module, attribute holding a typer.Typer, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("weimai_cli.cli.commands.demo", "app", N_("Build a demo home and run weimai's main jobs in front of you.")),
    "list-goods": ("weimai_cli.cli.commands.goods", "list_app", N_("List the catalogue (filters, sorting, formats).")),
    "goods": ("weimai_cli.cli.commands.goods", "app", N_("Keep the goods catalogue: add, import, show, edit, archive.")),
    "db": ("weimai_cli.cli.commands.db", "app", N_("The database: path, backup, check, migrations.")),
    "share": ("weimai_cli.cli.commands.share", "share_app", N_("Share a product: tracked link, post, QR code and card.")),
    "shares": ("weimai_cli.cli.commands.share", "shares_app", N_("The history of shares: list, show and render again.")),
    "clicks": ("weimai_cli.cli.commands.clicks", "app", N_("Clicks on the shares' short links: sync from Shlink or YOURLS, list.")),
    "codes": ("weimai_cli.cli.commands.share", "codes_app", N_("Tracking codes: verify one.")),
    "distributors": ("weimai_cli.cli.commands.distributors", "app", N_("Distributors (达人) and their rate overrides.")),
    "orders": ("weimai_cli.cli.commands.orders", "app", N_("Import platform order exports; list, show and attribute order lines.")),
    "notify": ("weimai_cli.cli.commands.notify", "app", N_("Delivery targets: webhook, WeCom, DingTalk, Feishu, Slack, email.")),
    "feeds": ("weimai_cli.cli.commands.feeds", "app", N_("Supplier catalogue feeds (fetched by `weimai goods sync`).")),
    "earnings": ("weimai_cli.cli.commands.earnings", "app", N_("Commission statements by month; close a month.")),
    "payouts": ("weimai_cli.cli.commands.earnings", "payouts_app", N_("Money paid out to distributors: record, list.")),
    "spend": ("weimai_cli.cli.commands.earnings", "spend_app", N_("Promotion spend per share or campaign: add, list.")),
    "doctor": ("weimai_cli.cli.commands.doctor", "app", N_("Check everything a cron job depends on.")),
    "showcase": ("weimai_cli.cli.commands.showcase", "app", N_("A static showcase site of your shares: product cards and a page per share.")),
    "report": ("weimai_cli.cli.commands.report", "app", N_("Daily, weekly and monthly reports: print, --out, --notify.")),
}


def _root_lang(args) -> str | None:
    """The root's ``--lang`` (before the command's name), read before click
    parses anything: help texts are translated as commands are built."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--db":
            continue
        if not arg.startswith("-") and (i == 0 or args[i - 1] != "--db"):
            return None  # the command's name: its own --lang is its own
    return None


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
            return TyperCommand(name=cmd_name, help=i18n.tr(help_text), callback=lambda: None)
        import importlib

        sub_app = getattr(importlib.import_module(module), attr)
        cmd = typer.main.get_command(sub_app)
        cmd.name = cmd_name
        return translate.command(options.with_headers(cmd))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Usage errors as one line and a hint, like every other weimai error (exit 2)."""
        i18n.set_lang(i18n.resolve(_root_lang(sys.argv[1:] if args is None else args)))
        translate.install()
        if i18n.lang() != "en":
            translate.command(self, recurse=False)
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
            print(i18n.tr(translate.TYPER_WORDS["ABORTED_TEXT"]), file=sys.stderr)
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
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="zh|en", show_default=False,
                     help="Interface language: zh or en (default: WEIMAI_LANG, \\[ui] lang in the config, "
                          "else the locale)."),
    ] = None,
):
    from weimai_cli import config
    from weimai_cli.cli import output

    if lang is not None and i18n.normalise(lang) is None:
        from weimai_cli.errors import UsageError

        raise UsageError(i18n._("--lang {lang!r} is not zh or en").format(lang=lang))
    config.DB_OVERRIDE = db
    output.state.quiet = quiet
    output.state.headers = "en"  # a command's --headers sets it


def main() -> None:
    app()
