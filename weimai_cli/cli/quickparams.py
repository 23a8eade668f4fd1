"""Keep pydantic out of a command's start-up.

Typer (0.28+) coerces every non-flag parameter through a pydantic
``TypeAdapter``, built the first time the parameter is processed, even when its
value is ``None``. Importing pydantic for that costs about 100 ms, more than
the rest of a ``weimai list-goods`` run. weimai's parameters are plain text,
whole numbers, enum choices and lists of text, so :func:`install` gives each
such parameter (and every flag) a coercer that returns the values pydantic would return for
the ordinary cases (``"abc"`` → ``"abc"``, ``"50"`` → ``50``, ``"2.5"`` → ``2.5`` within the
option's min/max, ``"json"`` → ``Fmt.json``) and hands every other value
(and so every error message) to typer's own coercion, unchanged.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, get_args, get_origin

from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice
from typer.core import _TyperParameter

_WHOLE = re.compile(r"0|[1-9][0-9]{0,17}")
_DECIMAL = re.compile(r"(0|[1-9][0-9]{0,8})(\.[0-9]{1,6})?")


class QuickParam(RuntimeParam):
    """Plain values without pydantic; anything else through typer's coercion."""

    def _coerce_value(self, value: Any, param, ctx) -> Any:
        done, result = _quick(self.annotation, self.parameter_info, value, ctx)
        if done:
            return result
        full = build_runtime_param(param.type_descriptor)
        param._runtime_param = full
        return full._coerce_value(value, param=param, ctx=ctx)


def _quick(ann, info, value, ctx) -> tuple[bool, Any]:
    if ann is str:
        return type(value) is str, value
    if ann is int:
        if info.clamp:
            return False, None
        if type(value) is str and _WHOLE.fullmatch(value):
            value = int(value)
        if type(value) is not int:
            return False, None
        in_range = (info.min is None or value >= info.min) and (info.max is None or value <= info.max)
        return in_range, value
    if ann is float:  # seconds (--wait): never money
        if type(value) is str and _DECIMAL.fullmatch(value):
            value = float(value)
        if type(value) not in (int, float) or info.clamp:
            return False, None
        in_range = (info.min is None or value >= info.min) and (info.max is None or value <= info.max)
        return in_range, float(value)
    if isinstance(ann, type) and issubclass(ann, Enum):
        # exactly what typer's pydantic validator calls for a choice
        try:
            return True, coerce_cli_choice(value, choices=tuple(ann), case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:  # not one of the choices: typer's own coercion words the error
            return False, None
    if get_origin(ann) is list and get_args(ann) == (str,):
        if isinstance(value, (list, tuple)) and all(type(v) is str for v in value):
            return True, list(value)
    return False, None


def _supported(ann) -> bool:
    # bool: typer itself skips coercion for True/False, and None needs no adapter
    return (
        ann is str
        or ann is bool
        or ann is int
        or ann is float
        or (isinstance(ann, type) and issubclass(ann, Enum))
        or (get_origin(ann) is list and get_args(ann) == (str,))
    )


def _get_runtime_param(self) -> RuntimeParam:
    if self._runtime_param is None:
        desc = self.type_descriptor
        info = desc.parameter_info
        if desc.file_annotation is None and info.parser is None and _supported(desc.annotation):
            self._runtime_param = QuickParam(parameter_info=info, annotation=desc.annotation)
        else:
            self._runtime_param = build_runtime_param(desc)
    return self._runtime_param


def install() -> None:
    """Make typer's parameters (weimai's, and the help and completion options
    typer adds on its own) start with the quick coercer. Idempotent."""
    _TyperParameter.get_runtime_param = _get_runtime_param
