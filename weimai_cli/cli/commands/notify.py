"""weimai notify add|list|test|remove|log: delivery targets (secrets stay in the config file)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from weimai_cli.cli.options import MAX_ROWS, Fmt, FormatOpt
from weimai_cli.db.store import open_db
from weimai_cli.i18n import N_, _, lang, pgettext

app = typer.Typer(
    help="Delivery targets for reports: webhook, wecom, dingtalk, feishu, slack, email.",
    no_args_is_help=True,
)

def _shown_words(data: list[dict], key: str, fmt: Fmt) -> list[dict]:
    """``data`` with ``key``'s value (yes, a delivery's status) in the interface language,
    for table and md; json, nl, csv and tsv keep the stored words."""
    if fmt not in (Fmt.table, Fmt.md) or lang() == "en":
        return data
    words = {"yes": pgettext("value", "yes"), "sent": pgettext("value", "sent"),
             "failed": pgettext("value", "failed"), "unconfirmed": pgettext("value", "unconfirmed"),
             "sending": pgettext("value", "sending")}
    return [{**r, key: words.get(r.get(key), r.get(key))} for r in data]


AllowPrivateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Allow http:// and loopback/private addresses (testing against a local server).",
    ),
]


def _read_stdin_secret(what: str) -> str:
    from weimai_cli.errors import BadInput

    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise BadInput(_("{what}: nothing on standard input").format(what=what),
                       _("pipe the {what} in, e.g. from a file").format(what=what))
    return value


@app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="A name for the target, e.g. team.")],
    kind: Annotated[str, typer.Option("--kind", help="webhook, wecom, dingtalk, feishu, slack or email.")],
    url: Annotated[str, typer.Option("--url", help="The robot's webhook URL; for email smtp://USER@HOST:587.")],
    secret: Annotated[str | None, typer.Option("--secret", help="DingTalk (SEC…) or Feishu signing secret.")] = None,
    secret_stdin: Annotated[bool, typer.Option("--secret-stdin", help="Read the signing secret from stdin.")] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Email: read the SMTP password from stdin.")] = False,
    sender: Annotated[str | None, typer.Option("--from", help="Email: sender address (default: the login).")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="Email: a recipient (repeat for more).")] = None,
    allow_private: AllowPrivateOpt = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a target of the same name.")] = False,
):
    """Add a delivery target; it is stored with its secrets in the config file (mode 0600)."""
    from urllib.parse import urlsplit

    from weimai_cli.cli import output
    from weimai_cli.errors import BadInput
    from weimai_cli.notify import targets as notify

    if secret_stdin:
        secret = _read_stdin_secret(_("signing secret"))
    password = None
    if password_stdin:
        password = _read_stdin_secret(_("SMTP password"))
    elif kind == "email" and urlsplit(url).username and not urlsplit(url).password:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise BadInput(
                _("the SMTP password is needed and there is no terminal to ask on"),
                _("pipe it in with --password-stdin"),
            )
        password = typer.prompt(_("SMTP password"), hide_input=True, err=True)
    target = notify.add_target(
        name, kind, url, secret=secret, password=password, sender=sender, to=to or [],
        allow_private=allow_private, replace=replace,
    )
    output.message(_("added {kind} target {name}: {url}").format(kind=target.kind, name=target.name,
                                                                  url=target.shown_url))


@app.command("list")
def list_cmd(fmt: FormatOpt = Fmt.table):
    """List targets; secrets are never shown."""
    from weimai_cli.cli import output
    from weimai_cli.notify import targets as notify

    data = notify.list_targets()
    if not data:
        output.message(_("no notify targets; add one with `weimai notify add NAME --kind … --url …`"))
        return
    cols = [
        output.Col("name", N_("name")), output.Col("kind", N_("kind")), output.Col("url", N_("url")),
        output.Col("signing", N_("signing")), output.Col("login", N_("login")), output.Col("to", N_("to")),
    ]
    output.rows(_shown_words(data, "signing", fmt), cols, fmt.value)


@app.command("test")
def test_cmd(
    name: Annotated[str, typer.Argument(help="The target to send a test message to.")],
    allow_private: AllowPrivateOpt = False,
):
    """Send a short test message to a target (logged as report key "test")."""
    from weimai_cli.cli import output
    from weimai_cli.notify import delivery as notify

    result = notify.send_test(open_db(), name, allow_private=allow_private)
    for note in result.notes:
        output.warn(note)
    output.message(_("sent test message to {name} (delivery {id})").format(name=name, id=result.delivery_id))


@app.command("send")
def send_cmd(
    name: Annotated[str, typer.Argument(help="The target.")],
    file: Annotated[str, typer.Argument(help="A markdown file to send, or - for stdin.")],
    title: Annotated[str | None, typer.Option("--title", help="Title (default: the first line).")] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", help="De-duplication key (default: a hash of title and text)."),
    ] = None,
    resend: Annotated[bool, typer.Option("--resend", help="Send again even if it was sent.")] = False,
    allow_private: AllowPrivateOpt = False,
):
    """Send a markdown text to a target, once: the same key is never sent twice without --resend."""
    import hashlib
    from pathlib import Path

    from weimai_cli.cli import output
    from weimai_cli.errors import BadInput
    from weimai_cli.notify import delivery as notify
    from weimai_cli.notify.text import markdown_to_plain

    if file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(_("cannot read it ({error})").format(error=exc.__class__.__name__),
                           _("give a UTF-8 text file"), file=file) from None
    if not text.strip():
        raise BadInput(_("nothing to send: the text is empty"), file=file)
    title = title or markdown_to_plain(text.strip().splitlines()[0])[:100]
    key = key or "send:" + hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()[:16]
    result = notify.deliver(
        open_db(), name, key, title, text, markdown_to_plain(text),
        resend=resend, allow_private=allow_private,
    )
    for note in result.notes:
        output.warn(note)
    if result.status == "already sent":
        output.message(_("already sent to {target} (delivery {id}); --resend sends it again").format(
            target=name, id=result.delivery_id))
    else:
        output.message(_("sent to {target} (delivery {id}, {n} message(s))").format(
            target=name, id=result.delivery_id, n=result.parts))


@app.command("remove")
def remove_cmd(name: Annotated[str, typer.Argument(help="The target to remove.")]):
    """Remove a target (its delivery log stays)."""
    from weimai_cli.cli import output
    from weimai_cli.notify import targets as notify

    notify.remove_target(name)
    output.message(_("removed notify target {name}").format(name=name))


@app.command("log")
def log_cmd(
    target: Annotated[str | None, typer.Option("--target", help="Only this target.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=MAX_ROWS, help="At most this many rows.")] = 50,
    fmt: FormatOpt = Fmt.table,
):
    """The delivery log: one row per (target, report), newest first."""
    from weimai_cli.cli import output
    from weimai_cli.notify import delivery as notify

    data = notify.delivery_log(open_db(), target=target, limit=limit)
    cols = [
        output.Col("id", N_("delivery")), output.Col("target", N_("target")), output.Col("report_key", N_("report")),
        output.Col("status", N_("status")), output.Col("parts_sent", N_("sent"), "int"),
        output.Col("parts", N_("parts"), "int"), output.Col("attempts", N_("tries"), "int"),
        output.Col("sent_at", N_("sent at")), output.Col("error", N_("error")),
    ]
    output.rows(_shown_words(data, "status", fmt), cols, fmt.value, empty=_("no deliveries yet"))
