"""quickparams.py patches typer internals (typer._coercion, typer.core._TyperParameter)
to keep pydantic out of start-up. pyproject.toml pins typer to the range it was
measured with; these tests fail loudly when the installed typer no longer has
the internals the patch replaces, or the patch no longer takes effect."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def test_installed_typer_is_in_the_pinned_range():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    spec = next(d for d in deps if re.match(r"typer\b", d))
    low, high = re.fullmatch(r"typer>=([\d.]+),<([\d.]+)", spec).groups()
    assert _numbers(low) <= _numbers(version("typer")) < _numbers(high), (spec, version("typer"))


def test_the_patched_internals_are_there():
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import coerce_cli_choice
    from typer.core import _TyperParameter
    from typer.models import ParameterInfo

    assert list(inspect.signature(_TyperParameter.get_runtime_param).parameters) == ["self"]
    assert "_runtime_param" in _TyperParameter.__annotations__
    assert "type_descriptor" in _TyperParameter.__annotations__
    assert list(inspect.signature(RuntimeParam._coerce_value).parameters) == ["self", "value", "param", "ctx"]
    assert list(inspect.signature(RuntimeParam).parameters) == ["parameter_info", "annotation"]
    assert list(inspect.signature(build_runtime_param).parameters) == ["descriptor"]
    assert {"annotation", "parameter_info", "file_annotation"} <= set(TypeDescriptor.__annotations__)
    assert {"choices", "case_sensitive", "ctx"} <= set(inspect.signature(coerce_cli_choice).parameters)
    info = ParameterInfo()
    for name in ("min", "max", "clamp", "case_sensitive", "parser"):
        assert hasattr(info, name), name


APP = '''
import sys
from enum import Enum
from typing import Annotated

import typer
from typer.testing import CliRunner

from weimai_cli.cli import quickparams

quickparams.install()


class Fmt(str, Enum):
    table = "table"
    json = "json"


app = typer.Typer()


@app.command()
def main(
    n: Annotated[int, typer.Option("--n", min=0)] = 1,
    s: Annotated[str, typer.Option("--s")] = "",
    f: Annotated[Fmt, typer.Option("--f")] = Fmt.table,
    w: Annotated[float, typer.Option("--w", min=0)] = 0.0,
    tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
):
    print(repr((n, s, f, w, tag)))


runner = CliRunner()
ok = runner.invoke(app, ["--n", "50", "--s", "abc", "--f", "json", "--w", "2.5", "--tag", "a", "--tag", "b"])
print(ok.output.strip())
print("pydantic" in sys.modules)
bad = runner.invoke(app, ["--n", "-1"])
print(bad.exit_code)
'''


def test_the_patch_coerces_without_pydantic_and_leaves_errors_to_typer():
    r = subprocess.run([sys.executable, "-c", APP], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = r.stdout.splitlines()
    assert lines[:2] == ["(50, 'abc', <Fmt.json: 'json'>, 2.5, ['a', 'b'])", "False"], r.stdout + r.stderr
    assert lines[2] == "2"  # -1 is below min=0: typer's own coercion says so (a usage error)
