"""Delivering a rendered report to notify targets, each tried whatever the others did.

The report is rendered by the caller (the CLI): this module takes its title,
markdown and plain text, so the domain never imports a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from weimai_cli.errors import DatabaseBusy


def report_key(data: dict, lang: str) -> str:
    """The de-duplication key: one delivery per report, period, distributor and language."""
    who = "all" if data["distributor"] == "*" else data["distributor"]
    return f"{data['report']}:{data['period']}:{who}:{lang}"


@dataclass
class Outcome:
    target: str
    result: object | None = None  # notify.DeliveryResult
    error: Exception | None = None  # DeliveryFailed or DatabaseBusy


def deliver(conn, targets: list[str], key: str, title: str, md: str, plain: str, *, resend: bool = False,
            allow_private: bool = False, wait_seconds: float = 0.0, message=None) -> list[Outcome]:
    """Send a report (``md``, with ``plain`` as its plain form) to every target,
    once per ``key`` (:func:`report_key`) unless ``resend``. ``message`` (a
    :class:`weimai_cli.notify.message.Message`) is what chat robots get, each in
    its own shape; the webhook keeps the markdown, email the plain text.

    Each target is tried even if an earlier one failed; the outcomes say what happened.
    """
    from weimai_cli.errors import DeliveryFailed
    from weimai_cli.notify import delivery as notify

    out = []
    for name in targets:
        try:
            out.append(Outcome(name, notify.deliver(conn, name, key, title, md, plain, resend=resend,
                                                    allow_private=allow_private, wait_seconds=wait_seconds,
                                                    message=message)))
        except (DeliveryFailed, DatabaseBusy) as exc:
            out.append(Outcome(name, error=exc))
    return out
