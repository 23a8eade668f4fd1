"""Supplier catalogue feeds: a URL fetched with ETag / If-Modified-Since into the
goods importer.

A sync downloads the feed to a temporary file (streamed, with a size cap, a
read timeout and an overall time limit, TLS verified, same address policy as
delivery), checks that it is what the feed says it is (HTML error pages are
refused), then runs :func:`goods_import.import_goods` with ``archive_missing``:
the feed's own goods (``goods.source = 'feed:NAME'``) gone from it are
archived, never other feeds' or hand-added goods; price and rate changes land in
``goods_history``. Anything wrong before or during the import leaves the
catalogue as it was; the feed row records the error for ``weimai doctor``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from weimai_cli import net
from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound, WeimaiError
from weimai_cli.i18n import N_, _

FORMATS = ("auto", "json", "csv", "xlsx")
# container found by tables.encodings.sniff -> the --format it satisfies
_CONTAINER_FORMAT = {"json": "json", "jsonl": "json", "csv": "csv", "tsv": "csv", "xlsx": "xlsx", "xls": "xlsx", "zip": "csv"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_SECONDS = 300.0
MAX_REDIRECTS = 5


class FeedError(WeimaiError):
    """The feed could not be fetched or is not a catalogue; nothing was written."""

    exit_code = 1


def max_bytes() -> int:
    raw = os.environ.get("WEIMAI_FEED_MAX_BYTES")
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit():
        raise BadInput(_("WEIMAI_FEED_MAX_BYTES={raw!r} is not a byte count").format(raw=raw), _("give a whole number"))
    return int(raw)


def parse_map(items: list[str] | None) -> dict[str, str]:
    """``["货号=sku", "售价=price"]`` -> ``{"货号": "sku", "售价": "price"}`` (checked)."""
    from weimai_cli.catalog.goods_import import check_column_map

    out: dict[str, str] = {}
    for item in items or []:
        column, sep, fieldname = item.partition("=")
        if not sep or not column.strip() or not fieldname.strip():
            raise BadInput(_("--map {item!r} is not COLUMN=field").format(item=item), _("write e.g. --map 货号=sku"))
        out[column.strip()] = fieldname.strip()
    check_column_map(out)
    return out


def add_feed(conn: sqlite3.Connection, name: str, url: str, *, fmt: str = "auto",
             column_map: dict[str, str] | None = None, allow_private: bool = False,
             replace: bool = False) -> dict:
    from weimai_cli.config import NAME_RE

    if not NAME_RE.fullmatch(name):
        raise BadInput(_("feed name {name!r} is not allowed").format(name=name), _("use letters, digits, - _ . (≤ 40)"))
    if fmt not in FORMATS:
        raise BadInput(_("--format {fmt!r} is not one of {formats}").format(fmt=fmt, formats=", ".join(FORMATS)))
    net.check_url(url, allow_private=allow_private, what=N_("feed URL"))
    with transaction(conn):
        exists = conn.execute("SELECT 1 FROM feeds WHERE name = ?", (name,)).fetchone()
        if exists and not replace:
            raise BadInput(_("feed {name!r} already exists").format(name=name), _("use --replace to change it"))
        conn.execute("DELETE FROM feeds WHERE name = ?", (name,))
        conn.execute(
            "INSERT INTO feeds (name, url, format, column_map, allow_private, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, url, fmt, json.dumps(column_map or {}, ensure_ascii=False), int(allow_private), now_iso()),
        )
    return get_feed(conn, name)


def get_feed(conn, name: str) -> dict:
    row = conn.execute("SELECT * FROM feeds WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFound(
            _("no feed {name!r}").format(name=name), _("see `weimai feeds list`, add one with `weimai feeds add`")
        )
    return dict(row)


def list_feeds(conn) -> list[dict]:
    out = []
    for row in conn.execute("SELECT * FROM feeds ORDER BY name"):
        d = dict(row)
        d["url"] = net.redact_url(d["url"])[0]
        mapping = json.loads(d["column_map"] or "{}")
        d["map"] = " ".join(f"{k}={v}" for k, v in mapping.items())
        out.append(d)
    return out


def remove_feed(conn, name: str) -> None:
    get_feed(conn, name)
    with transaction(conn):
        conn.execute("DELETE FROM feeds WHERE name = ?", (name,))


@dataclass
class SyncResult:
    feed: str
    url: str
    status: str  # synced | not modified
    bytes: int = 0
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    archived: int = 0
    download_seconds: float = 0.0
    import_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _looks_like_html(head: bytes, content_type: str) -> bool:
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<"))


def _download(feed: dict, redact: net.Redactor, shown: str) -> tuple[str | None, dict]:
    """Fetch to a temp file: (path or None when not modified, info)."""
    import requests

    cap = max_bytes()
    timeout = net.timeouts()
    allow = bool(feed["allow_private"])
    sess = net.session(allow_private=allow)
    headers = {"Accept": "application/json, text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, */*;q=0.5"}
    if feed["etag"]:
        headers["If-None-Match"] = feed["etag"]
    if feed["last_modified"]:
        headers["If-Modified-Since"] = feed["last_modified"]
    url = feed["url"]
    deadline = time.monotonic() + net._env_float("WEIMAI_FEED_MAX_SECONDS", DEFAULT_MAX_SECONDS)

    def fail(reason: str) -> FeedError:
        return FeedError(
            _("feed {name} ({url}): {reason}; the catalogue is unchanged").format(
                name=feed["name"], url=shown, reason=redact(reason)),
            _("check the feed URL in a browser, then run `weimai goods sync` again"),
        )

    fd, path = tempfile.mkstemp(prefix="weimai-feed-")
    ok = False
    try:
        with sess, os.fdopen(fd, "wb") as out:
            try:
                try:
                    resp = net.get_checked(sess, url, allow_private=allow, what=N_("feed URL"), timeout=timeout,
                                           max_redirects=MAX_REDIRECTS, headers=headers)
                except BadInput as exc:
                    raise fail(exc.message) from None
                except net.TooManyRedirects as exc:
                    raise fail(str(exc)) from None
                if resp.status_code == 304:
                    resp.close()
                    return None, {}
                if resp.status_code != 200:
                    snippet = " ".join(net.read_capped(resp, 300).decode("utf-8", "replace").split())[:120]
                    raise fail(_("answered HTTP {status}").format(status=resp.status_code) + (f": {snippet}" if snippet else ""))
                length = resp.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > cap:
                    resp.close()
                    raise fail(_("is {size:,} bytes, over the {cap:,}-byte cap (WEIMAI_FEED_MAX_BYTES)").format(
                        size=int(length), cap=cap))
                ctype = resp.headers.get("Content-Type", "")
                total = 0
                head = b""
                for chunk in resp.iter_content(chunk_size=1 << 16):
                    if not head:
                        head = chunk[:512]
                        if _looks_like_html(head, ctype):
                            resp.close()
                            raise fail(_("answered an HTML page, not a catalogue (a login or error page?)"))
                    total += len(chunk)
                    if total > cap:
                        resp.close()
                        raise fail(_("sent more than the {cap:,}-byte cap (WEIMAI_FEED_MAX_BYTES); stopped").format(cap=cap))
                    if time.monotonic() > deadline:
                        resp.close()
                        raise fail(_("took longer than the time limit (WEIMAI_FEED_MAX_SECONDS); stopped"))
                    out.write(chunk)
                if total == 0:
                    raise fail(_("answered an empty body"))
            except requests.exceptions.RequestException as exc:
                raise fail(net.without_maybe_arrived(net.classify(exc, timeout).reason)) from None
        info = {"etag": resp.headers.get("ETag"), "last_modified": resp.headers.get("Last-Modified"), "bytes": total}
        ok = True
        return path, info
    finally:
        if not ok:
            os.unlink(path)


def _record(conn, name: str, **values) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    with transaction(conn):
        conn.execute(f"UPDATE feeds SET {sets} WHERE name = ?", (*values.values(), name))


def sync_feed(conn, name: str, *, warn: Callable[[str], None] | None = None) -> SyncResult:
    """Fetch one feed and import it (all-or-nothing); raises FeedError / BadInput."""
    from weimai_cli.catalog import goods_import as catalog
    from weimai_cli.tables.encodings import sniff

    feed = get_feed(conn, name)
    shown, redact = net.redactor_for(feed["url"])
    result = SyncResult(feed=name, url=shown, status="synced")
    started = now_iso()
    t0 = time.perf_counter()
    path = None
    try:
        path, info = _download(feed, redact, shown)
        result.download_seconds = time.perf_counter() - t0
        if path is None:
            result.status = "not modified"
            _record(conn, name, last_sync_at=started, last_ok_at=started,
                    last_status="not modified", last_error=None)
            return result
        result.bytes = info["bytes"]
        container, _enc = sniff(path)
        got = _CONTAINER_FORMAT.get(container, container)
        if feed["format"] != "auto" and got != feed["format"]:
            raise FeedError(
                _("feed {name} ({url}): expected {expected} but got {got}; the catalogue is unchanged").format(
                    name=name, url=shown, expected=feed["format"], got=container),
                _("fix the feed, or `weimai feeds add {name} URL --format {format} --replace`").format(
                    name=name, format=got),
            )
        t1 = time.perf_counter()
        try:
            summary = catalog.import_goods(
                conn, path, archive_missing=True, warn=warn, source=f"feed:{name}",
                column_map=json.loads(feed["column_map"] or "{}"),
            )
        except BadInput as exc:
            where = exc.file.replace(path, "download") if exc.file and exc.file != path else None
            exc.file = (_("feed {name} ({file})").format(name=name, file=where) if where
                        else _("feed {name}").format(name=name))
            exc.hint = (exc.hint or "") + _("; the catalogue is unchanged")
            raise
        result.import_seconds = time.perf_counter() - t1
    except WeimaiError as exc:
        _record(conn, name, last_sync_at=started, last_status="failed", last_error=redact(str(exc)))
        raise
    finally:
        if path is not None and os.path.exists(path):
            os.unlink(path)
    for key in ("rows", "added", "changed", "unchanged", "archived"):
        setattr(result, key, getattr(summary, key))
    result.warnings = summary.warnings
    _record(
        conn, name, etag=info["etag"], last_modified=info["last_modified"], last_sync_at=started,
        last_ok_at=started, last_error=None, items=summary.rows,
        last_status=f"{summary.added} added, {summary.changed} changed, {summary.archived} archived",
    )
    return result


def feed_names(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM feeds ORDER BY name")]
