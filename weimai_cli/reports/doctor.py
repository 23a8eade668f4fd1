"""weimai doctor: everything a cron job depends on, as a list of checks.

Each check is (name, ok, detail). Checks: the config file (mode 0600, valid
TOML), notify targets configured (and their URLs pass the address policy),
the database (opens, integrity and foreign keys clean), the last import
(newest of order imports when that table exists, feed syncs and catalogue
imports) not older than ``max_age``, every feed's last sync succeeded and is
recent, and no delivery left failed or unconfirmed.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from weimai_cli.clock import SHANGHAI, now
from weimai_cli.errors import WeimaiError
from weimai_cli.i18n import N_, _

_AGE = re.compile(r"(\d+)\s*([mhd])")


# the checks' names as people read them (JSON keeps the English name)
NAMES = {"config": N_("config"), "notify": N_("notify"), "database": N_("database"),
         "last import": N_("last import"), "feed": N_("feed"), "delivery": N_("delivery")}


def check_name(name: str) -> str:
    """A check's name in the interface language."""
    return _(NAMES[name]) if name in NAMES else name


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def parse_age(text: str) -> timedelta:
    """"36h", "2d", "90m" -> timedelta."""
    m = _AGE.fullmatch(text.strip().lower())
    if not m:
        from weimai_cli.errors import UsageError

        raise UsageError(_("--max-age {text!r} is not an age").format(text=text), _("write e.g. 36h, 2d or 90m"))
    n, unit = int(m.group(1)), m.group(2)
    return timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: n})


def _age_text(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return _("{hours} h ago").format(hours=f"{hours:.0f}")
    return _("{days} days ago").format(days=f"{hours / 24:.0f}")


def _age_limit(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return _("{hours} h").format(hours=f"{hours:.0f}")
    return _("{days} days").format(days=f"{hours / 24:.0f}")


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)


def _has_table(conn, name: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone() is not None


def _last_import_times(conn) -> list[tuple[str, datetime]]:
    """(what, when) for the newest order import, feed sync and catalogue import."""
    out = []
    if _has_table(conn, "imports"):
        cols = [r[1] for r in conn.execute("PRAGMA table_info(imports)")]
        col = next((c for c in ("finished_at", "imported_at", "started_at", "created_at") if c in cols), None)
        if col:
            t = _parse_time(conn.execute(f"SELECT max({col}) FROM imports").fetchone()[0])
            if t:
                out.append((_("order import"), t))
    if _has_table(conn, "feeds"):
        t = _parse_time(conn.execute("SELECT max(last_ok_at) FROM feeds").fetchone()[0])
        if t:
            out.append((_("feed sync"), t))
    t = _parse_time(conn.execute(
        "SELECT max(changed_at) FROM goods_history WHERE source NOT IN ('add', 'edit', 'archive', 'm011')"
    ).fetchone()[0])
    if t:
        out.append((_("catalogue import"), t))
    return out


# the delivery states a check names (notify log keeps them as stored)
STATUS = {"failed": N_("failed"), "unconfirmed": N_("unconfirmed")}


def run_checks(db_path, *, max_age: timedelta) -> list[Check]:
    from weimai_cli import config, net
    from weimai_cli.db import store
    from weimai_cli.notify import targets as notify

    checks: list[Check] = []
    cfg_path = config.config_path()
    cfg = None
    try:
        cfg = config.load_config()
        if cfg_path.exists():
            checks.append(Check("config", True, _("{path}: mode 0600").format(path=cfg_path)))
        else:
            checks.append(Check("config", True, _("{path}: not created yet").format(path=cfg_path)))
    except WeimaiError as exc:
        checks.append(Check("config", False, _("{error} (hint: {hint})").format(error=exc, hint=exc.hint)))

    if cfg is not None:
        targets = notify.targets_from(cfg)
        if not targets:
            checks.append(Check("notify", False, _("no notify targets configured "
                                                   "(hint: weimai notify add NAME --kind wecom --url …)")))
        for name, t in sorted(targets.items()):
            try:
                notify.check_target_url(t, t.allow_private)
                checks.append(Check("notify", True, _("{name}: {kind} {url}").format(
                    name=name, kind=t.kind, url=t.shown_url)))
            except WeimaiError as exc:
                checks.append(Check("notify", False, _("{name}: {error}").format(name=name, error=exc)))

    if not db_path.exists():
        checks.append(Check("database", False, _("{path}: no database yet "
                                                 "(hint: weimai goods import FILE or weimai goods sync)").format(
            path=db_path)))
        return checks
    try:
        conn = store.connect(db_path)
        problems = store.integrity_problems(conn)
    except WeimaiError as exc:
        checks.append(Check("database", False, _("{error} (hint: {hint})").format(error=exc, hint=exc.hint)))
        return checks
    except sqlite3.DatabaseError as exc:
        checks.append(Check("database", False, _("{path}: {error} (hint: run `weimai db check`)").format(
            path=db_path, error=exc)))
        return checks
    if problems:
        checks.append(Check("database", False, _("{path}: {error}").format(path=db_path,
                                                                           error=_("; ").join(problems[:5]))))
    else:
        checks.append(Check("database", True, _("{path}: integrity and foreign keys clean").format(path=db_path)))

    current = now()
    times = _last_import_times(conn)
    if not times:
        checks.append(Check("last import", False, _("nothing imported yet (hint: weimai goods import FILE)")))
    else:
        what, when = max(times, key=lambda p: p[1])
        age = current - when
        ok = age <= max_age
        detail = _("{what} at {when} ({age})").format(what=what, when=when.isoformat(), age=_age_text(age))
        if not ok:
            detail += _(", older than {limit}").format(limit=_age_limit(max_age))
        checks.append(Check("last import", ok, detail))

    if _has_table(conn, "feeds"):
        for f in conn.execute("SELECT name, url, last_ok_at, last_sync_at, last_error FROM feeds ORDER BY name"):
            shown = net.redact_url(f["url"])[0]
            ok_at = _parse_time(f["last_ok_at"])
            if f["last_error"] and (f["last_sync_at"] or "") >= (f["last_ok_at"] or ""):
                checks.append(Check("feed", False, _("{name} ({url}): last sync failed: {error}").format(
                    name=f["name"], url=shown, error=f["last_error"])))
            elif ok_at is None:
                checks.append(Check("feed", False, _("{name} ({url}): never synced (hint: weimai goods sync)").format(
                    name=f["name"], url=shown)))
            elif current - ok_at > max_age:
                checks.append(Check("feed", False, _("{name} ({url}): last synced {age}").format(
                    name=f["name"], url=shown, age=_age_text(current - ok_at))))
            else:
                checks.append(Check("feed", True, _("{name}: synced {age}").format(
                    name=f["name"], age=_age_text(current - ok_at))))

    if _has_table(conn, "deliveries"):
        stuck = conn.execute(
            "SELECT id, target, report_key, status, error FROM deliveries "
            "WHERE status IN ('failed', 'unconfirmed') ORDER BY updated_at"
        ).fetchall()
        for d in stuck:
            checks.append(Check("delivery", False, _("{id} ({key}) to {target}: {status}: {error}").format(
                id=d["id"], key=d["report_key"], target=d["target"], status=_(STATUS.get(d["status"], d["status"])),
                error=d["error"])))
    conn.close()
    return checks
