"""JSON and JSON Lines files as rows, and the members of a zip worth reading."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator

from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _

NESTED = N_("not valid JSON for a table (nested too deeply)")
NESTED_HINT = N_("give an array of flat objects, one per row")


def _json_rows(path: str, enc: str, container: str):
    if container == "json":
        with open(path, encoding=enc) as fh:
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise BadInput(
                    _("not valid JSON ({error})").format(error=exc.msg), _("check the file"), file=path, row=exc.lineno
                ) from None
            except RecursionError:
                raise BadInput(_(NESTED), _(NESTED_HINT), file=path) from None
        if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
            raise BadInput(_("JSON must be an array of objects"), file=path)
        items: Iterator[tuple[int, dict]] = enumerate(data, start=1)
    else:
        fh = open(path, encoding=enc)

        def lines():
            with fh:
                for n, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise BadInput(
                            _("not valid JSON ({error})").format(error=exc.msg), file=path, row=n
                        ) from None
                    except RecursionError:
                        raise BadInput(_(NESTED), _(NESTED_HINT), file=path, row=n) from None
                    if not isinstance(obj, dict):
                        raise BadInput(_("each JSON line must be an object"), file=path, row=n)
                    yield n, obj

        items = lines()
    first = next(items, None)
    if first is None:
        raise BadInput(_("the file is empty"), _("export the data again"), file=path)
    keys = list(first[1].keys())
    if container == "json":
        for obj in data:
            for k in obj:
                if k not in keys:
                    keys.append(k)

    def gen():
        yield first[0], [first[1].get(k) for k in keys]
        for n, obj in items:
            yield n, [obj.get(k) for k in keys]

    return keys, gen()


def _zip_members(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if n.lower().endswith((".csv", ".tsv", ".txt"))]

