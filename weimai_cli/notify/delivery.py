"""The delivery engine: :func:`deliver` is the one entry point for every
sender (``notify test``, ``notify send``, ``report --notify``).

It splits the text to the service's limits, claims the delivery row
``(target, report key)`` so a re-run or a concurrent run never posts twice,
sends part by part (each part's success is committed before the next),
retries only what certainly did not arrive, and turns any failure into
:class:`DeliveryFailed` (exit 4) naming the target with its URL redacted.

Delivery states: ``sending`` (a process holds the lease), ``sent``,
``failed`` (certainly not delivered: a re-run sends it again, continuing
after the parts that were sent) and ``unconfirmed`` (a read timeout or a
reset after the request went out: it may have arrived, so a re-run does not
send it again unless ``resend``).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass, field

from weimai_cli import net
from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, DatabaseBusy, DeliveryFailed
from weimai_cli.i18n import _
from weimai_cli.notify.message import Message
from weimai_cli.notify.services import (
    MAX_ATTEMPTS,
    RETRY_AFTER_CAP,
    SendError,
    body_bytes,
    pause,
    payload,
    post_part,
    send_email,
)
from weimai_cli.notify.shapes import message_parts
from weimai_cli.notify.targets import Target, all_secrets_redactor, get_target

# Pause between the parts of one report (seconds, scaled by WEIMAI_HTTP_BACKOFF).
PACE = {"slack": 1.1, "feishu": 0.25, "wecom": 0.0, "dingtalk": 0.0, "webhook": 0.0, "email": 0.0}


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
                _("another weimai is sending delivery {id} ({key}) to {target!r} right now").format(
                    id=did, key=key, target=target.name),
                _("wait for it to finish; `weimai notify log` shows the outcome"),
            )
        if status == "sent" and not resend:
            return None
        if status in ("unconfirmed", "sending") and not resend:
            why = (row["error"] or _("the sending process stopped midway")).replace(net.MAYBE_ARRIVED, "")
            raise DeliveryFailed(
                _("delivery {id} ({key}) to {target!r} is unconfirmed ({why}); "
                  "it may have arrived, so it is not sent again").format(id=did, key=key, target=target.name, why=why),
                _("look in the group; to send it anyway, run again with --resend"),
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
    message: Message | None = None,
) -> DeliveryResult:
    """Send one report to one target, logged and de-duplicated by (target, report_id).

    With ``message`` (the report as figures and rows), a chat robot gets it in
    its own shape (:mod:`.shapes`: no tables); the webhook gets the markdown
    and email the plain text either way.

    Raises DeliveryFailed (exit 4) with a redacted message when it cannot be
    delivered, DatabaseBusy (exit 3) when another process is delivering the
    same report and does not finish within ``wait_seconds``.
    """
    target = get_target(target_name)
    allow = allow_private or target.allow_private
    redact = all_secrets_redactor(target)
    texts, notes = message_parts(target, title, text_markdown, text_plain, message)
    digest = hashlib.sha256("\x00".join(
        [title, *(t if isinstance(t, str) else body_bytes(t).decode() for t in texts)]).encode()).hexdigest()
    owner = secrets.token_hex(8)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            claim = _claim(conn, target, report_id, title, len(texts), digest, resend, owner)
            break
        except DatabaseBusy:
            if time.monotonic() >= deadline:
                raise
            pause(min(0.5, max(0.05, deadline - time.monotonic())))
    if claim is None:
        row = _row(conn, target.name, report_id)
        return DeliveryResult(row["id"], target.name, target.kind, report_id, "already sent", row["parts"], notes)
    did, start = claim

    def fail(reason: str, maybe_received: bool):
        status = "unconfirmed" if maybe_received else "failed"
        reason = redact(reason)
        _update(conn, did, owner, status=status, error=reason, lease_until=None)
        hint = (
            _("it may have arrived: look in the group; `--resend` sends it again")
            if maybe_received else
            _("fix the cause and run the same command again: parts already sent are not sent twice")
        )
        raise DeliveryFailed(
            _("delivery {id} to {target!r} ({kind} {url}) failed: {reason}").format(
                id=did, target=target.name, kind=target.kind, url=target.shown_url, reason=reason), hint
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
                pause(PACE[target.kind] * net.backoff_base())
            if target.kind == "email":
                send_email(target, title, texts[i], did, allow)
            elif isinstance(texts[i], dict):  # a whole body in the service's shape (card, blocks)
                post_part(sess, target, texts[i])
            else:
                body = payload(target.kind, title if len(texts) == 1 else f"{title} ({i + 1}/{len(texts)})",
                                texts[i], {**meta, "part": i + 1})
                post_part(sess, target, body)
            _update(conn, did, owner, parts_sent=i + 1,
                    lease_until=int(time.time()) + _lease_seconds(len(texts) - i))
    except SendError as exc:
        failure = (exc.reason, exc.maybe_received)
    except BaseException:
        _update(conn, did, owner, status="unconfirmed", error=_("interrupted while sending"), lease_until=None)
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
    title = _("weimai test")
    md = f"### {title}\n\n" + _("This is a test message from weimai to **{name}** at {time}.").format(
        name=name, time=now_iso())
    plain = f"{title}\n\n" + _("This is a test message from weimai to {name} at {time}.").format(
        name=name, time=now_iso())
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
