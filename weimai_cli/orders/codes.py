"""Tracking codes in order lines: reading and verifying them, counting the bad ones."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from weimai_cli.i18n import _


def code_reader(secret: bytes | None, problem: Exception | None = None) -> Callable[..., dict]:
    """``codes(*texts)``: the first code-shaped token, verified against the secret.

    ``problem`` (the config could not be read, see :func:`read_secret`) is raised
    at the first code: a file that needs the secret fails (exit 5, nothing
    written) rather than reporting genuine codes as forged; a file without
    codes imports as usual. (In a forked reader it is raised in the child and
    re-raised here, as every error there.)"""
    from weimai_cli.sharing.codes import find_codes, normalise, verify

    empty: dict = {}

    def codes(*texts) -> dict:
        for t in texts:
            if not t or "wm" not in t.lower():
                continue
            found = find_codes(t)
            if not found:
                continue
            if problem is not None:
                raise problem
            if secret is None:
                return {"tracking_code": normalise(found[0]), "code_status": "signature"}
            verdict = verify(found[0], secret)
            return {
                "tracking_code": verdict.code,
                "code_share_id": verdict.share_id,
                "code_status": verdict.reason,
            }
        return empty

    return codes



def read_secret(conn) -> tuple[bytes | None, Exception | None]:
    """(the code secret or None, the problem that keeps it from being read).

    No secret yet (nothing was ever shared) is no problem: codes then verify
    against nothing. A config that cannot be read or holds a broken secret
    is one, and so is a missing secret while shares exist (they were made
    with one: the config was lost or replaced)."""
    from weimai_cli.config import config_path, load_config
    from weimai_cli.errors import EnvironmentProblem
    from weimai_cli.sharing.codes import get_secret

    try:
        codes = load_config().get("codes", {})
        if not isinstance(codes, dict):
            return None, EnvironmentProblem(_("{path}: [codes] is not a table").format(path=config_path()),
                                            _("restore config.toml from a backup"))
        if codes.get("secret"):
            return get_secret(create=False), None
    except EnvironmentProblem as exc:
        return None, exc
    if conn.execute("SELECT 1 FROM shares LIMIT 1").fetchone() is None:
        return None, None
    return None, EnvironmentProblem(
        _("{path}: no tracking-code secret, but the shares were made with one").format(path=config_path()),
        _("restore config.toml (its [codes] secret) from a backup, then run the command again"),
    )



class BadCodes:
    """Tracking codes that do not verify or name no share, counted as the
    lines go by, keeping the first ten different ones (every line may carry
    one: memory stays flat)."""

    def __init__(self, conn):
        self.shares = {r[0] for r in conn.execute("SELECT id FROM shares")}
        self.count = 0
        self.first: dict[str, None] = {}

    def add(self, codes: Iterable[tuple]) -> None:
        """``codes``: (tracking_code, code_status, code_share_id) of each line."""
        for code, status, share in codes:
            if code is not None and (status != "ok" or share not in self.shares):
                self.count += 1
                if len(self.first) < 10:
                    self.first.setdefault(code)

