"""How each service is posted to: the JSON body of one part, signing
(DingTalk, Feishu), the reply that means accepted, retries that never post
twice, and email over SMTP (STARTTLS or implicit TLS, never in clear)."""

from __future__ import annotations

import hashlib
import json
import time
from urllib.parse import urlsplit

from weimai_cli import net
from weimai_cli.i18n import _
from weimai_cli.notify.targets import SERVICE, Target

MAX_ATTEMPTS = 3
RETRY_AFTER_CAP = 60.0

# Throttle replies: the message was refused, so sending again is safe.
THROTTLED = {"wecom": {45009}, "dingtalk": {130101}, "feishu": {11232}}


def body_bytes(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def payload(kind: str, title: str, text: str, meta: dict) -> dict:
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
    return url, body_bytes(body), headers


def _reply_problem(kind: str, status: int, raw: bytes) -> tuple[str, bool] | None:
    """None when the service accepted the message, else (reason, throttled)."""
    text = raw.decode("utf-8", errors="replace").strip()
    snippet = " ".join(text.split())[:200]
    if kind in ("webhook", "slack"):
        if 200 <= status < 300 and (kind == "webhook" or text == "ok"):
            return None
        return _answered(status, snippet), False
    if status != 200:
        return _answered(status, snippet), False
    try:
        reply = json.loads(text)
    except json.JSONDecodeError:
        return _("answered something that is not the robot's JSON reply: {reply!r}").format(reply=snippet), False
    if not isinstance(reply, dict):
        return _("answered unexpected JSON: {reply!r}").format(reply=snippet), False
    if kind == "feishu":
        code = reply.get("code", reply.get("StatusCode"))
        msg = reply.get("msg", reply.get("StatusMessage", ""))
    else:
        code, msg = reply.get("errcode"), reply.get("errmsg", "")
    if code == 0:
        return None
    reason = _("{service} refused the message: code {code} {msg}").format(service=SERVICE[kind], code=code, msg=msg)
    return reason.rstrip(), code in THROTTLED.get(kind, ())


def _answered(status: int, snippet: str) -> str:
    if snippet:
        return _("answered HTTP {status}: {reply}").format(status=status, reply=snippet)
    return _("answered HTTP {status}").format(status=status)


def pause(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def post_part(sess, target: Target, body: dict) -> None:
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
                pause(wait)
                continue
            raise SendError(failure.reason, maybe_received=failure.maybe_received) from None
        if 300 <= resp.status_code < 400:
            where = urlsplit(resp.headers.get("Location", "")).hostname or _("elsewhere")
            raise SendError(
                _("answered HTTP {status}, a redirect to {where}; weimai never follows redirects when posting").format(
                    status=resp.status_code, where=where)
            )
        if resp.status_code == 429:
            if not last:
                after = resp.headers.get("Retry-After", "")
                seconds = float(after) if after.replace(".", "", 1).isdigit() else 2 ** attempt
                pause(min(seconds, RETRY_AFTER_CAP) * base)
                continue
            raise SendError(_("rate limited (HTTP 429) after {n} tries").format(n=MAX_ATTEMPTS))
        problem = _reply_problem(target.kind, resp.status_code, raw)
        if problem is None:
            return
        reason, throttled = problem
        if throttled and not last:
            pause(wait)
            continue
        raise SendError(reason)


def send_email(target: Target, title: str, text: str, delivery_id: str, allow_private: bool) -> None:
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
                    raise SendError(_("the SMTP server does not offer STARTTLS; weimai never logs in or sends in clear"))
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
        raise SendError(_("the SMTP server refused the login ({code})").format(code=exc.smtp_code)) from None
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise SendError(_("the SMTP server refused: {code} {detail}").format(code=exc.smtp_code, detail=detail)) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(_("the SMTP server refused the recipients {recipients}").format(
            recipients=", ".join(exc.recipients))) from None
    except ssl.SSLCertVerificationError as exc:
        raise SendError(_("TLS certificate verification failed ({detail})").format(detail=exc.verify_message)) from None
    except ssl.SSLError as exc:
        raise SendError(_("TLS failed ({detail})").format(detail=exc.reason)) from None
    except TimeoutError:
        raise SendError(_("no answer within {seconds} s").format(seconds=f"{timeout:g}"),
                        maybe_received=sent_data) from None
    except ConnectionRefusedError:
        raise SendError(_("connection refused")) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"{exc.__class__.__name__}: {exc}", maybe_received=sent_data) from None
