"""Images for ``--embed-images``: downloaded through weimai's network policy.

The same rules as supplier feeds (:mod:`weimai_cli.net`): https only and
public addresses only (``allow_private`` lifts both, for tests against a
local server), timeouts, redirects checked hop by hop, a size cap
(``WEIMAI_IMAGE_MAX_BYTES``, default 5 MB). Only raster images are kept
(JPEG, PNG, GIF, WebP, AVIF): an SVG could carry a script when opened on its
own. A file is named by its content's hash, so a rebuild keeps its bytes.
"""

from __future__ import annotations

import hashlib
import os

from weimai_cli import net
from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif"}
IMAGE_URL = N_("image URL")


class ImageError(Exception):
    """An image that could not be downloaded; the page keeps its URL."""


def max_bytes() -> int:
    raw = os.environ.get("WEIMAI_IMAGE_MAX_BYTES")
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit():
        raise BadInput(
            _("WEIMAI_IMAGE_MAX_BYTES={raw!r} is not a number of bytes").format(raw=raw),
            _("unset it or give bytes, e.g. 5000000"),
        )
    return int(raw)


def fetch(url: str, *, allow_private: bool = False, cap: int | None = None) -> tuple[bytes, str]:
    """(bytes, file extension) of an image; raises ImageError with a reason (no secrets)."""
    import requests

    cap = cap if cap is not None else max_bytes()
    timeout = net.timeouts()
    redact = net.redactor_for(url)[1]
    with net.session(allow_private=allow_private) as sess:
        try:
            try:
                resp = net.get_checked(sess, url, allow_private=allow_private, what=IMAGE_URL, timeout=timeout,
                                       max_redirects=MAX_REDIRECTS)
            except BadInput as exc:
                raise ImageError(exc.message) from None
            except net.TooManyRedirects as exc:
                raise ImageError(str(exc)) from None
            if resp.status_code != 200:
                resp.close()
                raise ImageError(_("answered HTTP {status}").format(status=resp.status_code))
            ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype not in TYPES:
                resp.close()
                raise ImageError(_("is {type}, not a JPEG, PNG, GIF, WebP or AVIF image").format(
                    type=ctype or _("of no type")))
            length = resp.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > cap:
                resp.close()
                raise ImageError(_("is {size:,} bytes, over the {cap:,}-byte cap (WEIMAI_IMAGE_MAX_BYTES)").format(
                    size=int(length), cap=cap))
            body = bytearray()
            for chunk in resp.iter_content(chunk_size=1 << 16):
                body += chunk
                if len(body) > cap:
                    resp.close()
                    raise ImageError(_("sent more than the {cap:,}-byte cap (WEIMAI_IMAGE_MAX_BYTES); stopped").format(
                        cap=cap))
            if not body:
                raise ImageError(_("answered an empty body"))
        except requests.exceptions.RequestException as exc:
            raise ImageError(redact(net.without_maybe_arrived(net.classify(exc, timeout).reason))) from None
    return bytes(body), TYPES[ctype]


def file_name(data: bytes, ext: str) -> str:
    return f"images/{hashlib.sha256(data).hexdigest()[:20]}.{ext}"
