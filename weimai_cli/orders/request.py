"""What an import is asked to do, and what it reports.

:class:`ImportRequest` gathers the options of ``weimai orders import`` (the
CLI builds one and calls :func:`weimai_cli.orders.importer.import_files`);
:class:`Run` is a request made ready once for all its files;
:class:`ImportResult` is the report of one file part; :class:`Target` is
where one part's lines go (platform, kind, owner, import), what the stages
after the read share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weimai_cli.orders.rejects import Rejects


@dataclass(frozen=True)
class ImportRequest:
    """The options of an import, for every file of it.

    ``format``: a format name or ``auto``; ``maps``: {field: (column, …)}
    (``--map``, see :func:`weimai_cli.orders.mappings.parse_maps`), over the
    saved ``mapping``'s; ``platform``: the platform of generic files;
    ``distributor``: ``--as`` (affiliate reports); ``dry_run``: check and
    report, write nothing; ``skip_bad``: bad rows go to the ``rejects`` file
    (a path; ``force``: it may replace an existing file);
    ``allow_any_date``: no bounds on times; ``currency``: of lines whose
    file names none. Callbacks: ``warn(message)``, ``progress(name)`` ->
    ``bar(done, total)``, ``done(result)`` after each part."""

    format: str = "auto"
    maps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mapping: str | None = None
    platform: str | None = None
    distributor: str | None = None
    dry_run: bool = False
    skip_bad: bool = False
    rejects: str | None = None
    force: bool = False
    allow_any_date: bool = False
    currency: str | None = None
    warn: Callable[[str], None] | None = None
    progress: Callable[[str], Callable[[int, int], None]] | None = None
    done: Callable[[ImportResult], None] | None = None


@dataclass
class ImportResult:
    file: str
    format: str
    platform: str
    kind: str
    container: str | None = None
    encoding: str | None = None
    sha256: str = ""
    import_id: int | None = None
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    stale: int = 0
    merged: int = 0
    rejected: int = 0
    unmatched: int = 0
    attributed: int = 0
    unattributed: int = 0
    bad_codes: int = 0
    ledger_entries: int = 0
    adjustments: int = 0
    dry_run: bool = False
    same_as_import: int | None = None
    warnings: list[str] = field(default_factory=list)
    bad_code_list: list[str] = field(default_factory=list)
    stale_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)



@dataclass(frozen=True)
class Target:
    """Where a part's lines go: their platform and kind (shop or affiliate),
    whose earnings affiliate lines are (``owner``: ``--as``, else ``me``;
    None for shop lines) and the ``imports`` row."""

    platform: str
    kind: str
    owner: str | None
    import_id: int


@dataclass(frozen=True)
class Run:
    """A request made ready for all its files (importer.prepare): the
    ``request`` resolved (the saved mapping's maps and platform merged in,
    ``generic`` for maps without a format, the currency checked), the
    tracking-code reader, the replay key (replay.py), the bounds of times
    (None: any date) and the rejects file."""

    request: ImportRequest
    codes: Callable[..., dict]
    key: str
    dates: tuple | None
    rejects: Rejects
