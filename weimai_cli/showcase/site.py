"""Build a showcase into OUT, atomically.

The whole site is written into a temporary folder beside OUT
(``.OUT.new-XXXX``), then swapped in: OUT is renamed away
(``.OUT.old-XXXX``), the new folder renamed to OUT, the old one removed. A web
server serving OUT sees the old site or the new one, never half of either
(for the instant between the two renames OUT does not exist). A build that
fails before the swap removes its temporary folder and leaves OUT as it was.

Output is deterministic; a file whose bytes equal the old site's is copied
from it with its modification time (``shutil.copy2``), so caches and rsync
see it unchanged. OUT carries a marker file (:data:`MARKER`): a folder
without it is not replaced unless ``force`` (which deletes that folder's
contents).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from weimai_cli import net
from weimai_cli.errors import BadInput
from weimai_cli.i18n import _
from weimai_cli.showcase import data, images, pages

MARKER = ".weimai-showcase"
MARKER_TEXT = b"a showcase built by `weimai showcase build`; the folder is replaced on every build\n"


@dataclass
class BuildResult:
    out: str
    index: str
    pages: int  # share pages
    cards: int  # cards on the index
    written: int  # files new or changed
    unchanged: int  # files that kept their bytes
    removed: int  # files of the old site gone
    images: int = 0  # images embedded
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def check_base_url(url: str | None) -> str | None:
    """The base URL ending in /, or None; refuses anything but http(s)."""
    if not url:
        return None
    safe = pages.safe_url(url)
    if not safe:
        raise BadInput(
            _("--base-url {url!r} is not an http(s) URL").format(url=url),
            _("give where the site will be served, e.g. https://example.com/shop/"),
        )
    return safe if safe.endswith("/") else safe + "/"


def check_out(out: Path, force: bool, keep: Path | None = None) -> None:
    """Refuse an OUT that is a file, holds ``keep`` (the database), or is a
    non-empty folder that is not a showcase (unless ``force``)."""
    if keep is not None and (keep == out or out in keep.parents):
        raise BadInput(
            _("{path} holds weimai's database; a build replaces the whole folder").format(path=out),
            _("name a folder of its own for the site, e.g. {path}").format(path=out / "showcase"),
        )
    if out.exists() and not out.is_dir():
        raise BadInput(_("{path} is a file, not a folder").format(path=out), _("name a folder for the site"))
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()) and not force:
        raise BadInput(
            _("{path} is not empty and not a showcase").format(path=out),
            _("name a new folder, or add --force to replace this one (its contents are deleted)"),
        )


def render(show: data.Showcase, *, base_url: str | None, local: dict[str, str]) -> dict[str, bytes]:
    """Every file of the site: relative path -> bytes (images not included)."""
    imgs = pages.Images(local, base_url)
    files = {"index.html": pages.index_page(show, imgs, base_url).encode()}
    for item in show.items:
        files[item.page] = pages.share_page(item, imgs, pages.qr_svg(item.link), base_url).encode()
    files[MARKER] = MARKER_TEXT
    return files


def embed(show: data.Showcase, *, allow_private: bool, warn: Callable[[str], None]) -> tuple[dict[str, str], dict[str, bytes], list[str]]:
    """(url -> site path, site path -> bytes, warnings): an image that fails keeps its URL."""
    local: dict[str, str] = {}
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    urls = sorted({i.image_url for i in show.items if pages.safe_url(i.image_url)})
    for url in urls:
        try:
            body, ext = images.fetch(url, allow_private=allow_private)
        except images.ImageError as exc:
            text = _("image {url}: {reason}; the page links to it instead").format(
                url=net.redact_url(url)[0], reason=exc)
            warnings.append(text)
            warn(text)
            continue
        name = images.file_name(body, ext)
        local[url] = name
        files[name] = body
    return local, files, warnings


def _write(tmp: Path, out: Path, files: dict[str, bytes]) -> tuple[int, int]:
    written = unchanged = 0
    for rel, body in sorted(files.items()):
        dest = tmp / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        old = out / rel
        if old.is_file() and old.stat().st_size == len(body) and old.read_bytes() == body:
            shutil.copy2(old, dest)
            unchanged += 1
        else:
            dest.write_bytes(body)
            written += 1
        os.chmod(dest, 0o644)
    for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
        os.chmod(d, 0o755)
    return written, unchanged


def _old_files(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def swap(tmp: Path, out: Path) -> None:
    """Rename OUT away, the new site in, remove the old one."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "site")
        try:
            os.rename(tmp, out)
        except OSError:
            os.rename(old / "site", out)  # put the old site back
            old.rmdir()
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


def build(
    conn: sqlite3.Connection, out: Path, *, distributor: str = "me", campaign: str | None = None,
    since: str | None = None, base_url: str | None = None, embed_images: bool = False,
    allow_private: bool = False, force: bool = False, warn: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the showcase of ``distributor`` into ``out`` (see the module docstring)."""
    out = Path(out).resolve()
    base_url = check_base_url(base_url)
    db_file = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main" and r[2]), None)
    check_out(out, force, Path(db_file).resolve() if db_file else None)
    show = data.select(conn, distributor=distributor, campaign=campaign, since=since)
    warn = warn or (lambda _text: None)
    local, image_files, warnings = (embed(show, allow_private=allow_private, warn=warn)
                                    if embed_images else ({}, {}, []))
    files = render(show, base_url=base_url, local=local)
    files.update(image_files)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        written, unchanged = _write(tmp, out, files)
        removed = len(_old_files(out) - set(files))
        swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildResult(
        out=str(out), index=str(out / "index.html"), pages=len(show.items), cards=len(show.cards),
        written=written, unchanged=unchanged, removed=removed, images=len(image_files), warnings=warnings,
    )
