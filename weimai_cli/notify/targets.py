"""Delivery targets: they live in the config file (mode 0600) under
``[notify.NAME]``, with their secrets; the database keeps only the delivery
log (:mod:`delivery`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from weimai_cli import net
from weimai_cli.config import NAME_RE
from weimai_cli.errors import BadInput, NotFound
from weimai_cli.i18n import _

KINDS = ("webhook", "wecom", "dingtalk", "feishu", "slack", "email")
SERVICE = {
    "webhook": "webhook", "wecom": "WeCom", "dingtalk": "DingTalk", "feishu": "Feishu",
    "slack": "Slack", "email": "email",
}


@dataclass
class Target:
    name: str
    kind: str
    url: str
    secret: str | None = None
    password: str | None = None
    username: str | None = None
    sender: str | None = None
    to: list[str] = field(default_factory=list)
    allow_private: bool = False

    @property
    def shown_url(self) -> str:
        return net.redact_url(self.url)[0]

    @property
    def redact(self) -> net.Redactor:
        return net.redactor_for(self.url, self.secret, self.password)[1]

    def as_config(self) -> dict:
        data = {"kind": self.kind, "url": self.url}
        for key in ("secret", "password", "username", "sender"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.to:
            data["to"] = list(self.to)
        if self.allow_private:
            data["allow_private"] = True
        return data

    def summary(self) -> dict:
        """What `notify list` shows: never a secret."""
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.shown_url,
            "signing": "yes" if self.secret else "",
            "login": (self.username or "") if self.kind == "email" else "",
            "to": ", ".join(self.to),
            "allow_private": self.allow_private,
        }


def targets_from(cfg: dict) -> dict[str, Target]:
    out = {}
    for name, data in (cfg.get("notify") or {}).items():
        if not isinstance(data, dict) or data.get("kind") not in KINDS or not data.get("url"):
            continue
        out[name] = Target(
            name=name, kind=data["kind"], url=data["url"], secret=data.get("secret"),
            password=data.get("password"), username=data.get("username"),
            sender=data.get("sender"), to=list(data.get("to") or []),
            allow_private=bool(data.get("allow_private")),
        )
    return out


def load_targets() -> dict[str, Target]:
    from weimai_cli.config import load_config

    return targets_from(load_config())


def get_target(name: str) -> Target:
    targets = load_targets()
    if name not in targets:
        known = ", ".join(sorted(targets)) or _("none yet")
        raise NotFound(
            _("no notify target {name!r} (configured: {known})").format(name=name, known=known),
            _("add one with `weimai notify add NAME --kind wecom --url …`"),
        )
    return targets[name]


def all_secrets_redactor(target: Target | None = None) -> net.Redactor:
    """A redactor that knows the secrets of every configured target (and ``target``)."""
    red = net.Redactor()
    for t in [*load_targets().values(), *([target] if target else [])]:
        red.add(*t.redact.secrets)
    return red


def list_targets() -> list[dict]:
    return [t.summary() for _, t in sorted(load_targets().items())]


def check_target_url(t: Target, allow_private: bool) -> None:
    what = _("{service} URL").format(service=SERVICE[t.kind])
    if t.kind == "email":
        net.check_url(t.url, allow_private=allow_private, what=_("{service} URL").format(service="SMTP"),
                      schemes=("smtp", "smtps"))
        return
    net.check_url(t.url, allow_private=allow_private, what=what)
    parts = urlsplit(t.url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    need = {
        "wecom": ("key" in query, "…/cgi-bin/webhook/send?key=KEY"),
        "dingtalk": ("access_token" in query, "…/robot/send?access_token=TOKEN"),
        "feishu": ("/hook/" in parts.path, "…/open-apis/bot/v2/hook/TOKEN"),
        "slack": ("/services/" in parts.path, "…/services/T…/B…/XXX"),
    }.get(t.kind)
    if need and not need[0]:
        raise BadInput(
            _("{what} {url} does not look like a {service} robot URL").format(
                what=what, url=t.shown_url, service=SERVICE[t.kind]),
            _("copy the robot's webhook address; it looks like {example}").format(example=need[1]),
        )


def add_target(
    name: str,
    kind: str,
    url: str,
    *,
    secret: str | None = None,
    password: str | None = None,
    sender: str | None = None,
    to: list[str] | None = None,
    allow_private: bool = False,
    replace: bool = False,
) -> Target:
    """Validate and store a target in the config file (mode 0600)."""
    from weimai_cli.config import load_config, save_config

    if not NAME_RE.fullmatch(name):
        raise BadInput(_("target name {name!r} is not allowed").format(name=name),
                       _("use letters, digits, - _ . (≤ 40)"))
    if kind not in KINDS:
        raise BadInput(_("unknown kind {kind!r}").format(kind=kind),
                       _("use one of: {choices}").format(choices=", ".join(KINDS)))
    username = None
    if kind == "email":
        parts = urlsplit(url)
        if parts.password:
            raise BadInput(
                _("the SMTP URL holds a password; weimai never takes passwords on the command line"),
                _("give smtp://USER@HOST:587 and the password with --password-stdin "
                  "(or type it at the prompt)"),
            )
        from urllib.parse import unquote

        username = unquote(parts.username) if parts.username else None
        url = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        if not to:
            raise BadInput(_("an email target needs --to ADDRESS"), _("give --to once per recipient"))
        if username and not password:
            raise BadInput(
                _("the SMTP login {login!r} needs a password").format(login=username),
                _("pipe it in with --password-stdin, or run on a terminal to be asked"),
            )
        sender = sender or username
        if not sender or "@" not in sender:
            raise BadInput(_("an email target needs a sender address"), _("give --from ADDRESS"))
    else:
        if password or to or sender:
            raise BadInput(
                _("--password-stdin, --to and --from are for --kind email"), _("leave them out")
            )
        if secret and kind not in ("dingtalk", "feishu"):
            raise BadInput(
                _("--secret is for DingTalk and Feishu signing, not {kind}").format(kind=kind),
                _("put the key in the URL as the service gives it"),
            )
    target = Target(
        name=name, kind=kind, url=url, secret=secret, password=password, username=username,
        sender=sender, to=list(to or []), allow_private=allow_private,
    )
    check_target_url(target, allow_private)
    cfg = load_config()
    section = cfg.setdefault("notify", {})
    if name in section and not replace:
        raise BadInput(
            _("notify target {name!r} already exists").format(name=name),
            _("use --replace, or `weimai notify remove {name}` first").format(name=name),
        )
    section[name] = target.as_config()
    save_config(cfg)
    return target


def remove_target(name: str) -> None:
    from weimai_cli.config import load_config, save_config

    get_target(name)
    cfg = load_config()
    del cfg["notify"][name]
    save_config(cfg)
