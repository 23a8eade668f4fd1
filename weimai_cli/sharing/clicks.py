"""Clicks of the shares' short links, read from the shortener (issue #15).

:func:`sync` asks the shortener configured in ``[shortener]`` (see
:mod:`weimai_cli.sharing.shorten`, whose config and HTTP helpers it uses)
about every share that has a short link, and stores the clicks per
Asia/Shanghai day in ``share_clicks``; ``click_syncs`` remembers per share how
far it got.

* **Shlink**: ``GET {url}/rest/v3/short-urls/{shortCode}/visits`` with
  ``X-Api-Key``, page after page (``visits.pagination``), ``startDate`` = the
  last visit counted for the share (``click_syncs.last_visit_at``) and
  ``endDate`` = the time the sync started, so pages do not shift under new
  visits. Shlink's ``startDate`` is inclusive, so a visit is counted only if
  its time is strictly later than ``last_visit_at``. Shlink gives times to
  the second: a visit in the very same second as the last one counted, that
  reached Shlink after that sync, is not counted (the price of never counting
  one twice). Each new visit adds one click to its Asia/Shanghai day.
* **YOURLS** has totals only: ``action=url-stats`` gives ``link.clicks``; the
  increase over ``click_syncs.total`` is added to the day of the sync (the
  first sync books all clicks so far on that day). A total that went down (a
  link recreated) is taken as the new baseline, no clicks added.

A short link's short code is the path of the stored short link; its host must
be the host of ``[shortener] url`` or ``[shortener] domain`` (Shlink's domain
for the link is then sent as ``domain=``). Shares of other hosts are skipped.

Everything is asked first; then one transaction stores all of it. A shortener
that cannot be reached or answers anything unusable (HTTP errors, not JSON,
a JSON of another shape) raises :class:`ClicksSyncFailed` (exit 4) before
anything is written: stored clicks stay as they were. Only "this short code
is unknown" (a 404 in the shortener's own JSON) skips that one share.

Two syncs at once: each transaction counts again against the ``click_syncs``
row it finds under the write lock, so visits are never added twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urlsplit

from weimai_cli import clock
from weimai_cli.db.tx import transaction
from weimai_cli.errors import DeliveryFailed
from weimai_cli.i18n import _
from weimai_cli.sharing.shorten import (
    Shortener,
    ShortenError,
    call,
    service_name,
    shlink_headers,
    yourls_auth,
)

ITEMS_PER_PAGE = 500  # a Shlink visit is ~0.5 KB of JSON: a page stays well under the 1 MiB cap
MAX_PAGES = 10_000  # a server that never stops paging is an error, not an endless loop

# why a share was skipped (JSON values, English)
NOT_FOUND, OTHER_DOMAIN, NO_CODE = "not-found", "other-domain", "no-short-code"


class ClicksSyncFailed(DeliveryFailed):
    """The shortener failed: nothing of this sync was stored (exit 4)."""


@dataclass
class Fetched:
    """What the shortener said about one share."""

    share_id: int
    code: str
    short_link: str
    visits: list[datetime] = field(default_factory=list)  # Shlink: visit times after startDate
    total: int | None = None  # YOURLS: the running total


@dataclass
class SyncResult:
    service: str  # shlink | yourls
    url: str
    synced: list[dict] = field(default_factory=list)  # {code, short_link, new_clicks, days{day: n}}
    skipped: list[dict] = field(default_factory=list)  # {code, short_link, reason}

    @property
    def new_clicks(self) -> int:
        return sum(s["new_clicks"] for s in self.synced)

    def as_dict(self) -> dict:
        return {"shortener": self.service, "url": self.url, "shares": len(self.synced),
                "new_clicks": self.new_clicks, "synced": self.synced, "skipped": self.skipped}


def short_code(sh: Shortener, short_link: str) -> tuple[str | None, str | None]:
    """(short code, Shlink domain to send or None) of a stored short link, or
    (None, reason) when it is not one of this shortener's links."""
    try:
        parts = urlsplit(short_link.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None, NO_CODE
    base_host = (urlsplit(sh.url).hostname or "").lower()
    domain = sh.domain.lower().split(":")[0] if sh.domain else ""
    if not host or host not in (base_host, domain):
        return None, OTHER_DOMAIN
    code = parts.path.strip("/")
    if not code or "/" in code:
        return None, NO_CODE
    return code, (domain if sh.service == "shlink" and host == domain and domain != base_host else None)


def _failed(sh: Shortener, exc: ShortenError | str, code: str | None = None) -> ClicksSyncFailed:
    reason = exc.reason if isinstance(exc, ShortenError) else exc
    where = _(" (short code {code})").format(code=code) if code else ""
    return ClicksSyncFailed(
        _("{service} at {url}: {reason}{where}").format(service=service_name(sh), url=sh.url, reason=reason,
                                                         where=where),
        _("check [shortener] in the config file and that the shortener is up, then run `weimai clicks sync` "
          "again; stored clicks are unchanged"),
    )


def _shape(sh: Shortener, code: str) -> ClicksSyncFailed:
    return _failed(sh, _("unexpected answer (not the shape the API documents)"), code)


def _not_found_shlink(status: int, data: object) -> bool:
    return status == 404 and isinstance(data, dict) and (
        str(data.get("type", "")).endswith("short-url-not-found") or data.get("title") == "Short URL not found")


def _fetch_shlink(sh: Shortener, code: str, domain: str | None, since: datetime | None,
                  until: datetime) -> list[datetime] | None:
    """The share's visit times after ``since`` (strictly), up to ``until``; None when Shlink does not know the code."""
    endpoint = f"{sh.url}/rest/v3/short-urls/{quote(code, safe='')}/visits"
    visits: list[datetime] = []
    page = 1
    while True:
        params = {"page": page, "itemsPerPage": ITEMS_PER_PAGE, "endDate": until.isoformat(timespec="seconds")}
        if since is not None:
            params["startDate"] = since.isoformat(timespec="seconds")
        if domain:
            params["domain"] = domain
        try:
            status, data = call(sh, "GET", endpoint, params=params, headers=shlink_headers(sh))
        except ShortenError as exc:
            raise _failed(sh, exc, code) from None
        if page == 1 and _not_found_shlink(status, data):
            return None
        if status != 200:
            detail = (data.get("detail") or data.get("title")) if isinstance(data, dict) else None
            raise _failed(sh, f"HTTP {status}" + (f": {detail}" if detail else ""), code)
        try:
            body = data["visits"]
            rows, pagination = body["data"], body.get("pagination") or {}
            pages = int(pagination.get("pagesCount", 1))
            current = int(pagination.get("currentPage", page))
            if not isinstance(rows, list) or current != page:
                raise ValueError
            for row in rows:
                when = datetime.fromisoformat(str(row["date"]).replace("Z", "+00:00"))
                if when.tzinfo is None:
                    raise ValueError
                if since is None or when > since:
                    visits.append(when)
        except (KeyError, TypeError, ValueError):
            raise _shape(sh, code) from None
        if page >= pages:
            return visits
        page += 1
        if page > MAX_PAGES:
            raise _failed(sh, _("more than {n} pages of visits").format(n=MAX_PAGES), code)


def _fetch_yourls(sh: Shortener, code: str) -> int | None:
    """The share's click total; None when YOURLS does not know the keyword."""
    endpoint = f"{sh.url}/yourls-api.php"
    form = {"action": "url-stats", "shorturl": code, "format": "json", **yourls_auth(sh)}
    try:
        status, data = call(sh, "POST", endpoint, data=form)
    except ShortenError as exc:
        raise _failed(sh, exc, code) from None
    if status == 404 and isinstance(data, dict) and str(data.get("statusCode", data.get("errorCode"))) == "404":
        return None
    if status != 200:
        message = data.get("message") if isinstance(data, dict) else None
        raise _failed(sh, f"HTTP {status}" + (f": {message}" if message else ""), code)
    try:
        clicks = data["link"]["clicks"]
        if isinstance(clicks, bool) or isinstance(clicks, float):
            raise ValueError
        total = int(str(clicks).strip())
        if total < 0:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise _shape(sh, code) from None
    return total


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def sync(conn: sqlite3.Connection, sh: Shortener, warn=lambda text: None) -> SyncResult:
    """Ask the shortener about every share with a short link, then store the
    new clicks in one transaction (see the module's docstring)."""
    started = clock.now()
    result = SyncResult(sh.service, sh.url)
    shares = conn.execute(
        "SELECT s.id, s.code, s.short_link, c.shortener, c.last_visit_at, c.total FROM shares s "
        "LEFT JOIN click_syncs c ON c.share_id = s.id "
        "WHERE s.short_link IS NOT NULL AND trim(s.short_link) != '' ORDER BY s.id"
    ).fetchall()
    fetched: list[Fetched] = []
    for row in shares:
        code, domain = short_code(sh, row["short_link"])
        if code is None:
            result.skipped.append({"code": row["code"], "short_link": row["short_link"], "reason": domain})
            continue
        item = Fetched(row["id"], row["code"], row["short_link"])
        if sh.service == "shlink":
            since = _parse_time(row["last_visit_at"]) if row["shortener"] == "shlink" else None
            visits = _fetch_shlink(sh, code, domain, since, started)
            if visits is None:
                found = False
            else:
                found, item.visits = True, visits
        else:
            total = _fetch_yourls(sh, code)
            found, item.total = total is not None, total
        if not found:
            warn(_("{code}: short link {link} not found at {service}; skipped").format(
                code=row["code"], link=row["short_link"], service=service_name(sh)))
            result.skipped.append({"code": row["code"], "short_link": row["short_link"], "reason": NOT_FOUND})
            continue
        fetched.append(item)
    _store(conn, sh, fetched, result, started)
    return result


def _store(conn: sqlite3.Connection, sh: Shortener, fetched: list[Fetched], result: SyncResult,
           started: datetime) -> None:
    now_iso = clock.now_iso()
    today = clock.day_of(started.isoformat(timespec="seconds"))
    with transaction(conn):
        for item in fetched:
            state = conn.execute(
                "SELECT shortener, last_visit_at, total FROM click_syncs WHERE share_id = ?", (item.share_id,)
            ).fetchone()
            same = state is not None and state["shortener"] == sh.service
            days: Counter[str] = Counter()
            last = _parse_time(state["last_visit_at"]) if same else None
            total = state["total"] if same and state["total"] is not None else 0
            if sh.service == "shlink":
                # counted against the row found under the write lock: a sync that ran meanwhile is not repeated
                new = [v for v in item.visits if last is None or v > last]
                for v in new:
                    days[clock.day_of(v.isoformat())] += 1
                if new:
                    last = max(new)
            else:
                grown = item.total - total
                if grown > 0:
                    days[today] += grown
                total = item.total
            for day, n in sorted(days.items()):
                conn.execute(
                    "INSERT INTO share_clicks (share_id, day, clicks, source, synced_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (share_id, day) DO UPDATE SET clicks = clicks + excluded.clicks, "
                    "source = excluded.source, synced_at = excluded.synced_at",
                    (item.share_id, day, n, sh.service, now_iso),
                )
            last_iso = last.astimezone(clock.SHANGHAI).isoformat(timespec="seconds") if last else None
            if sh.service == "shlink":
                total = total + sum(days.values())
            conn.execute(
                "INSERT INTO click_syncs (share_id, shortener, last_visit_at, total, synced_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (share_id) DO UPDATE SET shortener = excluded.shortener, "
                "last_visit_at = excluded.last_visit_at, total = excluded.total, synced_at = excluded.synced_at",
                (item.share_id, sh.service, last_iso, total, now_iso),
            )
            result.synced.append({"code": item.code, "short_link": item.short_link,
                                  "new_clicks": sum(days.values()), "days": dict(sorted(days.items()))})


# ---------------------------------------------------------------- reading


def _where(*conds: tuple[str, object]) -> tuple[str, list]:
    """`` WHERE a AND b`` and its parameters, of the (sql, value) pairs whose value is not None."""
    kept = [(sql, value) for sql, value in conds if value is not None]
    return (" WHERE " + " AND ".join(sql for sql, _v in kept) if kept else ""), [v for _s, v in kept]


def clicks_by_share(conn: sqlite3.Connection, share_ids=None, since: str | None = None,
                    until: str | None = None) -> dict[int, int]:
    """Stored clicks per share id: ``{share_id: clicks}`` for shares with any.

    ``share_ids`` limits it to those shares (None: all); ``since`` / ``until``
    are Asia/Shanghai days ``YYYY-MM-DD``, both inclusive (None: open). A
    share with no clicks in range is absent (read ``.get(id, 0)``)."""
    ids = None if share_ids is None else json.dumps([int(i) for i in share_ids])
    if ids == "[]":
        return {}
    # the ids as one JSON parameter: any number of them, no SQL variable limit
    where, params = _where(("share_id IN (SELECT value FROM json_each(?))", ids), ("day >= ?", since or None),
                           ("day <= ?", until or None))
    sql = f"SELECT share_id, sum(clicks) FROM share_clicks{where} GROUP BY share_id HAVING sum(clicks) != 0"
    return {sid: n for sid, n in conn.execute(sql, params)}


def click_rows(conn: sqlite3.Connection, since: str | None = None, share_id: int | None = None) -> list[dict]:
    """Stored clicks per share and day, newest day first:
    {day, code, sku, short_link, clicks, source, synced_at}; ``since`` a day, inclusive."""
    where, params = _where(("c.day >= ?", since or None), ("c.share_id = ?", share_id))
    sql = ("SELECT c.day, s.code, s.sku, s.short_link, c.clicks, c.source, c.synced_at FROM share_clicks c "
           f"JOIN shares s ON s.id = c.share_id{where} ORDER BY c.day DESC, s.code")
    return [dict(r) for r in conn.execute(sql, params)]
