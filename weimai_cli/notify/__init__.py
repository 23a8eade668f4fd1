"""Delivery targets and the delivery engine.

Targets live in the config file (mode 0600) under ``[notify.NAME]``, with
their secrets; the database keeps only the delivery log (``deliveries``).

:func:`deliver` is the one entry point for every sender (``notify test``,
``report --notify``): it splits the text to the service's limits, claims the
delivery row ``(target, report key)`` so a re-run or a concurrent run never
posts twice, sends part by part (each part's success is committed before the
next), retries only what certainly did not arrive, and turns any failure into
:class:`DeliveryFailed` (exit 4) naming the target with its URL redacted.

Delivery states: ``sending`` (a process holds the lease), ``sent``,
``failed`` (certainly not delivered: a re-run sends it again, continuing
after the parts that were sent) and ``unconfirmed`` (a read timeout or a
reset after the request went out: it may have arrived, so a re-run does not
send it again unless ``resend``).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from weimai_cli import net
from weimai_cli.clock import now_iso
from weimai_cli.config import NAME_RE
from weimai_cli.db.store import transaction
from weimai_cli.errors import BadInput, DatabaseBusy, DeliveryFailed, NotFound

KINDS = ("webhook", "wecom", "dingtalk", "feishu", "slack", "email")
MAX_ATTEMPTS = 3
MAX_PARTS = 10  # WeCom and DingTalk take 20 messages a minute; keep well below
RETRY_AFTER_CAP = 60.0

# Throttle replies: the message was refused, so sending again is safe.
THROTTLED = {"wecom": {45009}, "dingtalk": {130101}, "feishu": {11232}}
# Pause between the parts of one report (seconds, scaled by WEIMAI_HTTP_BACKOFF).
PACE = {"slack": 1.1, "feishu": 0.25, "wecom": 0.0, "dingtalk": 0.0, "webhook": 0.0, "email": 0.0}
SERVICE = {
    "webhook": "webhook", "wecom": "WeCom", "dingtalk": "DingTalk", "feishu": "Feishu",
    "slack": "Slack", "email": "email",
}


# ---------------------------------------------------------------- targets


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


def _targets_from(cfg: dict) -> dict[str, Target]:
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

    return _targets_from(load_config())


def get_target(name: str) -> Target:
    targets = load_targets()
    if name not in targets:
        known = ", ".join(sorted(targets)) or "none yet"
        raise NotFound(
            f"no notify target {name!r} (configured: {known})",
            "add one with `weimai notify add NAME --kind wecom --url …`",
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


def _check_target_url(t: Target, allow_private: bool) -> None:
    what = f"{SERVICE[t.kind]} URL"
    if t.kind == "email":
        net.check_url(t.url, allow_private=allow_private, what="SMTP URL", schemes=("smtp", "smtps"))
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
            f"{what} {t.shown_url} does not look like a {SERVICE[t.kind]} robot URL",
            f"copy the robot's webhook address; it looks like {need[1]}",
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
        raise BadInput(f"target name {name!r} is not allowed", "use letters, digits, - _ . (≤ 40)")
    if kind not in KINDS:
        raise BadInput(f"unknown kind {kind!r}", f"use one of: {', '.join(KINDS)}")
    username = None
    if kind == "email":
        parts = urlsplit(url)
        if parts.password:
            raise BadInput(
                "the SMTP URL holds a password; weimai never takes passwords on the command line",
                "give smtp://USER@HOST:587 and the password with --password-stdin "
                "(or type it at the prompt)",
            )
        from urllib.parse import unquote

        username = unquote(parts.username) if parts.username else None
        url = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        if not to:
            raise BadInput("an email target needs --to ADDRESS", "give --to once per recipient")
        if username and not password:
            raise BadInput(
                f"the SMTP login {username!r} needs a password",
                "pipe it in with --password-stdin, or run on a terminal to be asked",
            )
        sender = sender or username
        if not sender or "@" not in sender:
            raise BadInput("an email target needs a sender address", "give --from ADDRESS")
    else:
        if password or to or sender:
            raise BadInput(
                "--password-stdin, --to and --from are for --kind email", "leave them out"
            )
        if secret and kind not in ("dingtalk", "feishu"):
            raise BadInput(
                f"--secret is for DingTalk and Feishu signing, not {kind}",
                "put the key in the URL as the service gives it",
            )
    target = Target(
        name=name, kind=kind, url=url, secret=secret, password=password, username=username,
        sender=sender, to=list(to or []), allow_private=allow_private,
    )
    _check_target_url(target, allow_private)
    cfg = load_config()
    section = cfg.setdefault("notify", {})
    if name in section and not replace:
        raise BadInput(
            f"notify target {name!r} already exists",
            f"use --replace, or `weimai notify remove {name}` first",
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


# ---------------------------------------------------------------- message shapes


def slack_mrkdwn(markdown: str) -> str:
    """Markdown to Slack mrkdwn: escape & < >, **b** → *b*, headings → bold, links."""
    s = markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"<\2|\1>", s)
    s = re.sub(r"\*\*(.+?)\*\*", r"*\1*", s)
    s = re.sub(r"__(.+?)__", r"_\1_", s)
    s = re.sub(r"^#{1,6}\s+(.+?)\s*#*$", r"*\1*", s, flags=re.M)
    return s


def markdown_to_plain(markdown: str) -> str:
    """A readable plain-text version: no heading marks, emphasis or link syntax."""
    s = re.sub(r"^#{1,6}\s+", "", markdown, flags=re.M)
    s = re.sub(r"\[([^\]]+)\]\((\S+?)\)", r"\1 (\2)", s)
    s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
    return s


def _body_bytes(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _payload(kind: str, title: str, text: str, meta: dict) -> dict:
    """The JSON body for one part (before signing)."""
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}, "at": {"isAtAll": False}}
    if kind == "feishu":
        lines = text.split("\n")
        return {
            "msg_type": "post",
            "content": {"post": {"zh_cn": {"title": title, "content": [[{"tag": "text", "text": ln}] for ln in lines]}}},
        }
    if kind == "slack":
        return {"text": text}
    return {"title": title, "text": text, **meta}


# How each kind measures a part against its limit. Feishu and DingTalk limits
# are on the whole body; leave room for signing fields and the part marker.
_SIGN_ROOM = 200


def _fits(kind: str, title: str, meta: dict) -> Callable[[str], bool]:
    if kind == "wecom":
        return lambda t: len(t.encode("utf-8")) <= 4096
    if kind in ("dingtalk", "feishu"):
        return lambda t: len(_body_bytes(_payload(kind, title, t, meta))) <= 20000 - _SIGN_ROOM
    if kind == "slack":
        return lambda t: len(t) <= 40000
    return lambda t: True


def _limit_text(kind: str) -> str:
    return {
        "wecom": "WeCom markdown takes at most 4096 bytes",
        "dingtalk": "DingTalk takes at most 20000 bytes",
        "feishu": "Feishu takes at most 20 KB",
        "slack": "Slack truncates text over 40,000 characters",
    }.get(kind, "")


def _hard_split(line: str, fits: Callable[[str], bool]) -> list[str]:
    out = []
    while line:
        lo, hi = 1, len(line)
        while lo < hi:  # longest prefix that fits
            mid = (lo + hi + 1) // 2
            if fits(line[:mid]):
                lo = mid
            else:
                hi = mid - 1
        out.append(line[:lo])
        line = line[lo:]
    return out


TRIM_NOTE = "… (trimmed: the rest did not fit in {n} messages; see the full report with weimai)"


def split_text(kind: str, title: str, text: str, meta: dict | None = None) -> tuple[list[str], list[str]]:
    """Split ``text`` into parts that fit the service's limit; (parts, notes)."""
    meta = meta or {}
    raw_fits = _fits(kind, title, meta)
    if raw_fits(text):
        return [text], []
    marker_room = "\n\n(10/10)"
    fits = lambda t: raw_fits(t + marker_room)  # noqa: E731
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if fits(line) else _hard_split(line, fits)
        for piece in pieces:
            candidate = piece if not current else current + "\n" + piece
            if fits(candidate):
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    notes = [f"split into {len(parts)} messages ({_limit_text(kind)})"]
    if len(parts) > MAX_PARTS:
        dropped = len(parts) - MAX_PARTS
        parts = parts[:MAX_PARTS]
        note = TRIM_NOTE.format(n=MAX_PARTS)
        last = parts[-1]
        while last and not fits(last + "\n" + note):
            last = last[: max(0, len(last) - 200)]
        parts[-1] = (last + "\n" + note) if last else note
        notes = [f"split into {MAX_PARTS} messages and trimmed: {dropped} more would not be sent "
                 f"({_limit_text(kind)}, at most {MAX_PARTS} messages per report)"]
    n = len(parts)
    return [f"{p}\n\n({i}/{n})" for i, p in enumerate(parts, start=1)], notes


def render_parts(target: Target, title: str, text_markdown: str, text_plain: str) -> tuple[list[str], list[str]]:
    if target.kind in ("webhook", "email"):
        return [text_markdown if target.kind == "webhook" else text_plain], []
    text = {
        "wecom": text_markdown, "dingtalk": text_markdown, "feishu": text_plain,
        "slack": slack_mrkdwn(text_markdown),
    }[target.kind]
    return split_text(target.kind, title, text)


# ---------------------------------------------------------------- sending


class SendError(Exception):
    def __init__(self, reason: str, *, maybe_received: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.maybe_received = maybe_received


def _dingtalk_sign(secret: str) -> tuple[str, str]:
    import base64
    import hmac
    from urllib.parse import quote_plus

    ts = str(int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return ts, quote_plus(base64.b64encode(digest))


def _feishu_sign(secret: str) -> tuple[str, str]:
    import base64
    import hmac

    ts = str(int(time.time()))
    digest = hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return ts, base64.b64encode(digest).decode()


def _prepare(target: Target, body: dict) -> tuple[str, bytes, dict]:
    """URL, body and headers for one attempt (signatures are made fresh each time)."""
    url = target.url
    body = dict(body)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if target.kind == "dingtalk" and target.secret:
        ts, sign = _dingtalk_sign(target.secret)
        url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={sign}"
    if target.kind == "feishu" and target.secret:
        ts, sign = _feishu_sign(target.secret)
        body = {"timestamp": ts, "sign": sign, **body}
    if target.kind == "webhook":
        headers["Idempotency-Key"] = f"{body.get('delivery_id')}-{body.get('part')}"
    return url, _body_bytes(body), headers


def _reply_problem(kind: str, status: int, raw: bytes) -> tuple[str, bool] | None:
    """None when the service accepted the message, else (reason, throttled)."""
    text = raw.decode("utf-8", errors="replace").strip()
    snippet = " ".join(text.split())[:200]
    if kind in ("webhook", "slack"):
        if 200 <= status < 300 and (kind == "webhook" or text == "ok"):
            return None
        return f"answered HTTP {status}" + (f": {snippet}" if snippet else ""), False
    if status != 200:
        return f"answered HTTP {status}" + (f": {snippet}" if snippet else ""), False
    try:
        reply = json.loads(text)
    except json.JSONDecodeError:
        return f"answered something that is not the robot's JSON reply: {snippet!r}", False
    if not isinstance(reply, dict):
        return f"answered unexpected JSON: {snippet!r}", False
    if kind == "feishu":
        code = reply.get("code", reply.get("StatusCode"))
        msg = reply.get("msg", reply.get("StatusMessage", ""))
    else:
        code, msg = reply.get("errcode"), reply.get("errmsg", "")
    if code == 0:
        return None
    return f"{SERVICE[kind]} refused the message: code {code} {msg}".rstrip(), code in THROTTLED.get(kind, ())


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def _post_part(sess, target: Target, body: dict) -> None:
    """POST one part: no redirects, capped reply, retries only when nothing arrived."""
    import requests

    timeout = net.timeouts()
    base = net.backoff_base()
    for attempt in range(MAX_ATTEMPTS):
        last = attempt == MAX_ATTEMPTS - 1
        wait = base * (2 ** attempt)
        url, data, headers = _prepare(target, body)
        try:
            resp = sess.post(url, data=data, headers=headers, timeout=timeout,
                             allow_redirects=False, stream=True)
            raw = net.read_capped(resp)
        except requests.exceptions.RequestException as exc:
            failure = net.classify(exc, timeout)
            if failure.safe_to_retry and not last:
                _sleep(wait)
                continue
            raise SendError(failure.reason, maybe_received=failure.maybe_received) from None
        if 300 <= resp.status_code < 400:
            where = urlsplit(resp.headers.get("Location", "")).hostname or "elsewhere"
            raise SendError(
                f"answered HTTP {resp.status_code}, a redirect to {where}; "
                "weimai never follows redirects when posting"
            )
        if resp.status_code == 429:
            if not last:
                after = resp.headers.get("Retry-After", "")
                seconds = float(after) if after.replace(".", "", 1).isdigit() else 2 ** attempt
                _sleep(min(seconds, RETRY_AFTER_CAP) * base)
                continue
            raise SendError(f"rate limited (HTTP 429) after {MAX_ATTEMPTS} tries")
        problem = _reply_problem(target.kind, resp.status_code, raw)
        if problem is None:
            return
        reason, throttled = problem
        if throttled and not last:
            _sleep(wait)
            continue
        raise SendError(reason)


def _send_email(target: Target, title: str, text: str, delivery_id: str, allow_private: bool) -> None:
    import smtplib
    import ssl
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    parts = urlsplit(target.url)
    implicit_tls = parts.scheme == "smtps"
    port = parts.port or (465 if implicit_tls else 587)
    ca = net.verify_setting()
    ctx = ssl.create_default_context(cafile=ca if isinstance(ca, str) else None)
    timeout = net.timeouts()[1]
    msg = EmailMessage()
    msg["Subject"] = title
    msg["From"] = target.sender
    msg["To"] = ", ".join(target.to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(idstring=delivery_id, domain="weimai")
    msg.set_content(text)
    sent_data = False
    try:
        cls = smtplib.SMTP_SSL if implicit_tls else smtplib.SMTP
        kwargs = {"context": ctx} if implicit_tls else {}
        with cls(parts.hostname, port, timeout=timeout, **kwargs) as smtp:
            if not allow_private:
                net.check_peer(smtp.sock)
            smtp.ehlo()
            if not implicit_tls:
                if not smtp.has_extn("starttls"):
                    raise SendError("the SMTP server does not offer STARTTLS; weimai never logs in or sends in clear")
                smtp.starttls(context=ctx)
                smtp.ehlo()
            if target.username:
                smtp.login(target.username, target.password or "")
            sent_data = True
            smtp.send_message(msg)
    except SendError:
        raise
    except net.BlockedAddress as exc:
        raise SendError(str(exc)) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"the SMTP server refused the login ({exc.smtp_code})") from None
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise SendError(f"the SMTP server refused: {exc.smtp_code} {detail}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"the SMTP server refused the recipients {', '.join(exc.recipients)}") from None
    except ssl.SSLCertVerificationError as exc:
        raise SendError(f"TLS certificate verification failed ({exc.verify_message})") from None
    except ssl.SSLError as exc:
        raise SendError(f"TLS failed ({exc.reason})") from None
    except TimeoutError:
        raise SendError(f"no answer within {timeout:g} s", maybe_received=sent_data) from None
    except ConnectionRefusedError:
        raise SendError("connection refused") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"{exc.__class__.__name__}: {exc}", maybe_received=sent_data) from None


# ---------------------------------------------------------------- the delivery log


@dataclass
class DeliveryResult:
    delivery_id: str
    target: str
    kind: str
    report_key: str
    status: str  # sent | already sent
    parts: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _lease_seconds(parts: int) -> int:
    c, r = net.timeouts()
    per_part = MAX_ATTEMPTS * (c + r) + net.backoff_base() * (2 ** MAX_ATTEMPTS) + RETRY_AFTER_CAP
    return int(60 + parts * per_part)


def _row(conn, target: str, key: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM deliveries WHERE target = ? AND report_key = ?", (target, key)
    ).fetchone()


def _claim(conn, target: Target, key: str, title: str, parts: int, digest: str,
           resend: bool, owner: str) -> tuple[str, int] | None:
    """Take the delivery row: (delivery id, parts already sent), or None if already sent."""
    now_epoch = int(time.time())
    lease = now_epoch + _lease_seconds(parts)
    now = now_iso()
    with transaction(conn):
        row = _row(conn, target.name, key)
        if row is None:
            did = "d" + secrets.token_hex(6)
            conn.execute(
                "INSERT INTO deliveries (id, target, kind, report_key, title, status, parts, parts_sent, "
                "attempts, content_sha256, created_at, updated_at, lease_owner, lease_until) "
                "VALUES (?, ?, ?, ?, ?, 'sending', ?, 0, 1, ?, ?, ?, ?, ?)",
                (did, target.name, target.kind, key, title, parts, digest, now, now, owner, lease),
            )
            return did, 0
        did, status = row["id"], row["status"]
        if status == "sending" and (row["lease_until"] or 0) > now_epoch:
            raise DatabaseBusy(
                f"another weimai is sending delivery {did} ({key}) to {target.name!r} right now",
                "wait for it to finish; `weimai notify log` shows the outcome",
            )
        if status == "sent" and not resend:
            return None
        if status in ("unconfirmed", "sending") and not resend:
            why = (row["error"] or "the sending process stopped midway").replace(net.MAYBE_ARRIVED, "")
            raise DeliveryFailed(
                f"delivery {did} ({key}) to {target.name!r} is unconfirmed ({why}); "
                "it may have arrived, so it is not sent again",
                "look in the group; to send it anyway, run again with --resend",
            )
        start = row["parts_sent"] or 0
        if status == "sent" or row["content_sha256"] != digest or row["parts"] != parts:
            start = 0
        conn.execute(
            "UPDATE deliveries SET status = 'sending', kind = ?, title = ?, parts = ?, parts_sent = ?, "
            "attempts = attempts + 1, content_sha256 = ?, error = NULL, updated_at = ?, "
            "lease_owner = ?, lease_until = ? WHERE id = ?",
            (target.kind, title, parts, start, digest, now, owner, lease, did),
        )
        return did, start


def _update(conn, did: str, owner: str, **values) -> None:
    values["updated_at"] = now_iso()
    sets = ", ".join(f"{k} = ?" for k in values)
    with transaction(conn):
        conn.execute(
            f"UPDATE deliveries SET {sets} WHERE id = ? AND lease_owner = ?", (*values.values(), did, owner)
        )


def deliver(
    conn: sqlite3.Connection,
    target_name: str,
    report_id: str,
    title: str,
    text_markdown: str,
    text_plain: str,
    *,
    resend: bool = False,
    allow_private: bool = False,
    wait_seconds: float = 0.0,
) -> DeliveryResult:
    """Send one report to one target, logged and de-duplicated by (target, report_id).

    Raises DeliveryFailed (exit 4) with a redacted message when it cannot be
    delivered, DatabaseBusy (exit 3) when another process is delivering the
    same report and does not finish within ``wait_seconds``.
    """
    target = get_target(target_name)
    allow = allow_private or target.allow_private
    redact = all_secrets_redactor(target)
    texts, notes = render_parts(target, title, text_markdown, text_plain)
    digest = hashlib.sha256("\x00".join([title, *texts]).encode()).hexdigest()
    owner = secrets.token_hex(8)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            claim = _claim(conn, target, report_id, title, len(texts), digest, resend, owner)
            break
        except DatabaseBusy:
            if time.monotonic() >= deadline:
                raise
            _sleep(min(0.5, max(0.05, deadline - time.monotonic())))
    if claim is None:
        row = _row(conn, target.name, report_id)
        return DeliveryResult(row["id"], target.name, target.kind, report_id, "already sent", row["parts"], notes)
    did, start = claim

    def fail(reason: str, maybe_received: bool):
        status = "unconfirmed" if maybe_received else "failed"
        reason = redact(reason)
        _update(conn, did, owner, status=status, error=reason, lease_until=None)
        hint = (
            "it may have arrived: look in the group; `--resend` sends it again"
            if maybe_received else
            "fix the cause and run the same command again: parts already sent are not sent twice"
        )
        raise DeliveryFailed(
            f"delivery {did} to {target.name!r} ({target.kind} {target.shown_url}) failed: {reason}", hint
        ) from None

    refused = None
    try:
        net.check_url(target.url, allow_private=allow, what="URL",
                      schemes=("smtp", "smtps") if target.kind == "email" else ("https",))
    except BadInput as exc:
        refused = exc.message
    if refused:  # raised outside the except block: no exception context to leak
        fail(refused, False)
    sess = None if target.kind == "email" else net.session(allow_private=allow)
    failure: tuple[str, bool] | None = None
    meta = {"delivery_id": did, "target": target.name, "report": report_id,
            "text_plain": text_plain, "parts": len(texts)}
    try:
        for i in range(start, len(texts)):
            if i > start:
                _sleep(PACE[target.kind] * net.backoff_base())
            if target.kind == "email":
                _send_email(target, title, texts[i], did, allow)
            else:
                body = _payload(target.kind, title if len(texts) == 1 else f"{title} ({i + 1}/{len(texts)})",
                                texts[i], {**meta, "part": i + 1})
                _post_part(sess, target, body)
            _update(conn, did, owner, parts_sent=i + 1,
                    lease_until=int(time.time()) + _lease_seconds(len(texts) - i))
    except SendError as exc:
        failure = (exc.reason, exc.maybe_received)
    except BaseException:
        _update(conn, did, owner, status="unconfirmed", error="interrupted while sending", lease_until=None)
        raise
    finally:
        if sess is not None:
            sess.close()
    if failure:
        fail(*failure)
    _update(conn, did, owner, status="sent", sent_at=now_iso(), lease_until=None)
    return DeliveryResult(did, target.name, target.kind, report_id, "sent", len(texts), notes)


def send_test(conn, name: str, *, allow_private: bool = False) -> DeliveryResult:
    """`notify test`: a short message, always sent (logged under report key "test")."""
    title = "weimai test"
    md = f"### weimai test\n\nThis is a test message from weimai to **{name}** at {now_iso()}."
    plain = f"weimai test\n\nThis is a test message from weimai to {name} at {now_iso()}."
    return deliver(conn, name, "test", title, md, plain, resend=True, allow_private=allow_private)


def delivery_log(conn, *, target: str | None = None, limit: int = 50) -> list[dict]:
    sql = ("SELECT id, target, kind, report_key, status, parts, parts_sent, attempts, error, "
           "created_at, sent_at FROM deliveries")
    params: list = []
    if target:
        sql += " WHERE target = ?"
        params.append(target)
    sql += " ORDER BY updated_at DESC, rowid DESC LIMIT ?"
    params.append(limit)
    return [dict(r) for r in conn.execute(sql, params)]
