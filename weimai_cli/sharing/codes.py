"""Signed tracking codes: ``wm`` + share id + HMAC check + checksum.

A code looks like ``wm0001K7QX``: the letters ``wm``, the share id in
Crockford base32 (at least 4 characters), 3 characters of
HMAC-SHA256(secret, id) and one weighted mod-32 check character. Crockford
base32 has no I, L, O or U, so codes are easy to read out; parsing is
case-insensitive and reads O as 0 and I/L as 1.

* the HMAC characters make codes unguessable: a forged code passes with
  probability 1/32768;
* the check character catches *every* single-character typo (the weights
  are odd, so they are invertible mod 32), before the HMAC is consulted.

The secret is created on first use and kept in the config file (mode 0600);
it never appears in output.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from weimai_cli.i18n import tr

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1})
PREFIX = "wm"
MIN_BODY = 4
HMAC_CHARS = 3
CODE_RE = re.compile(r"(?<![0-9A-Za-z])wm[0-9A-Za-z]{%d,}(?![0-9A-Za-z])" % (MIN_BODY + HMAC_CHARS + 1), re.I)


def _b32(n: int, width: int) -> str:
    out = []
    while n:
        n, r = divmod(n, 32)
        out.append(ALPHABET[r])
    return "".join(reversed(out)).rjust(width, "0")


def _mac(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:4], "big")
    return "".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(HMAC_CHARS))


def _check(chars: str) -> str:
    total = sum((2 * i + 1) * _VALUE[c] for i, c in enumerate(chars))
    return ALPHABET[total % 32]


def make_code(share_id: int, secret: bytes) -> str:
    if share_id < 1:
        raise ValueError("share ids start at 1")
    body = _b32(share_id, MIN_BODY)
    signed = body + _mac(secret, body)
    return PREFIX + signed + _check(signed)


@dataclass(frozen=True)
class Verdict:
    code: str  # normalised
    share_id: int | None
    ok: bool
    reason: str  # "ok", "checksum", "signature", "malformed"


def normalise(code: str) -> str:
    """Canonical spelling: ``wm`` + upper case, O→0, I/L→1."""
    code = code.strip()
    if code[:2].lower() != PREFIX:
        return code
    rest = code[2:].upper().replace("O", "0").replace("I", "1").replace("L", "1")
    return PREFIX + rest


def verify(code: str, secret: bytes) -> Verdict:
    norm = normalise(code)
    rest = norm[2:]
    if (
        norm[:2] != PREFIX
        or len(rest) < MIN_BODY + HMAC_CHARS + 1
        or any(c not in _VALUE for c in rest)
    ):
        return Verdict(norm, None, False, "malformed")
    signed, check = rest[:-1], rest[-1]
    if _check(signed) != check:
        return Verdict(norm, None, False, "checksum")
    body, mac = signed[:-HMAC_CHARS], signed[-HMAC_CHARS:]
    if not hmac.compare_digest(_mac(secret, body), mac):
        return Verdict(norm, None, False, "signature")
    share_id = 0
    for c in body:
        share_id = share_id * 32 + _VALUE[c]
    return Verdict(norm, share_id, True, "ok")


def find_codes(text: str) -> list[str]:
    """Every code-shaped token in a text (a link, a note), in order."""
    return CODE_RE.findall(text or "")


def get_secret(create: bool = True) -> bytes:
    """The code secret from the config file, made on first use."""
    from weimai_cli.config import load_config, update_config

    hexed = load_config().get("codes", {}).get("secret")
    if not hexed:
        if not create:
            from weimai_cli.errors import EnvironmentProblem

            raise EnvironmentProblem(
                tr("no tracking-code secret yet"), tr("share something first with `weimai share`")
            )
        hexed = secrets.token_hex(32)
        update_config("codes", "secret", hexed)
    try:
        return bytes.fromhex(hexed)
    except (TypeError, ValueError):
        from weimai_cli.config import config_path
        from weimai_cli.errors import EnvironmentProblem

        raise EnvironmentProblem(
            tr("{file}: [codes] secret is not the hex secret weimai wrote").format(file=config_path()),
            tr("restore config.toml from a backup (codes made with another secret never verify)"),
        ) from None
