"""Re-importing a file that was just imported: the outcome without the work.

Importing the same bytes again changes nothing, and its report is known:
0 new, 0 changed, every other line unchanged, the same stale lines, the same
attribution counts and bad codes. That holds only while nothing that decides
the outcome has changed since, so each import records (``imports.outcome``)
what its report needs beyond the counts and a *replay key* and a *state
stamp*:

* the replay key: the code that reads and applies files (a digest of its
  source), the options (format, column maps, platform, ``--as``, the others
  that change what a file gives) and a tag
  of the tracking-code secret (an HMAC of a fixed text, not the secret);
* the state stamp, taken at the end of the import's transaction: the last
  import id (so any later import, of any file, breaks the chain), the last
  order event id (``orders attribute`` and every change to a line leave
  events), the highest order rowid and a digest of the shares (ids, SKUs,
  slots, distributors, times: what attribution reads).

A file is replayed when it is one part (not a zip of several CSVs or a
workbook of several sheets), its latest import had no rejected rows, and
both key and stamp are equal now. The new ``imports`` row carries the
replayed counts; no order line is touched, so no line gets this import as
its ``last_import_id``. Edits to ``orders`` made outside weimai (a SQL
shell) are not seen: re-import with ``--format`` spelled out, or import any
other file first, to force a full comparison.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from pathlib import Path

OUTCOME_VERSION = 1
_PACKAGE = Path(__file__).resolve().parent.parent
# the sources whose code decides what an import of a file does
_SOURCES = ("orders", "tables", "money.py", "sharing/codes.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    h = hashlib.sha256()
    for name in _SOURCES:
        path = _PACKAGE / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(f.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


def replay_key(*, format: str, extra: dict, platform: str | None, distributor: str | None,
               secret: bytes | None, **options) -> str:
    """What, besides the bytes and the database, decides an import's outcome."""
    tag = hmac.new(secret, b"weimai import replay", hashlib.sha256).hexdigest()[:16] if secret else None
    key = {
        "v": OUTCOME_VERSION, "code": code_digest(), "format": format,
        "maps": sorted((f, list(c)) for f, c in extra.items()), "platform": platform,
        "as": distributor, "secret": tag, **options,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def state_stamp(conn) -> str:
    """The database state an import's outcome depends on (see the module doc)."""
    imports, events, lines = conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM imports), "
        "(SELECT coalesce(max(id), 0) FROM order_events), (SELECT coalesce(max(rowid), 0) FROM orders)"
    ).fetchone()
    shares = hashlib.sha256()
    for row in conn.execute("SELECT id, sku, slot, distributor, created_at FROM shares ORDER BY id"):
        shares.update(json.dumps(list(row)).encode())
    return f"{imports}:{events}:{lines}:{shares.hexdigest()}"


def outcome(key: str, *, stale_keys: list[str], bad_code_list: list[str],
            repeated_header_rows: list[int], totals: list[tuple[int, str | dict]] = ()) -> str:
    """The ``imports.outcome`` of a finished part, without its stamp (see seal)."""
    return json.dumps({
        "key": key, "stale_keys": stale_keys, "bad_code_list": bad_code_list,
        "repeated_header_rows": repeated_header_rows, "totals": list(totals),
    }, ensure_ascii=False)


def seal(conn, import_ids: list[int]) -> None:
    """Stamp the outcomes of this transaction's imports; call last in it."""
    stamp = state_stamp(conn)
    conn.executemany(
        "UPDATE imports SET outcome = json_set(outcome, '$.stamp', ?) WHERE id = ? AND outcome IS NOT NULL",
        [(stamp, i) for i in import_ids],
    )


def find(conn, digest: str, part: str | None, key: str):
    """The latest import of these bytes, with its outcome, when replaying it is
    exact now; else None. Call inside the transaction that will record it."""
    prior = conn.execute(
        "SELECT * FROM imports WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (digest,)
    ).fetchone()
    if prior is None or prior["outcome"] is None or prior["finished_at"] is None:
        return None
    if prior["part"] != part or prior["rejected"]:
        return None
    recorded = json.loads(prior["outcome"])
    if recorded.get("key") != key or recorded.get("stamp") != state_stamp(conn):
        return None
    return prior, recorded
