"""What commands that run project code share: the project on ``sys.path``, imports by name.

>>> split_options(["--epochs", "20", "--learning-rate=0.1", "--shuffle"])
{'epochs': '20', 'learning_rate': '0.1', 'shuffle': True}
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

import lore.env
from lore.errors import LoreError


def enter() -> lore.env.Environment:
    """The current project, importable (its root first on ``sys.path``); NotInProject outside one."""
    env = lore.env.current()
    root = str(env.require_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    return env


def import_object(path: str, what: str, error: type[LoreError] = LoreError) -> Any:
    """Import ``package.module.Name``; a path relative to the app package works too.

    A module that fails to import is reported with the ImportError's own message.
    """
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise error(f"{path!r} is not a {what} path; write module.Name (e.g. my_app.models.churn.Churn)")
    app = lore.env.current().app
    names = [module_name] + (
        [f"{app}.{module_name}"] if app and not module_name.startswith(f"{app}.") else []
    )
    module = None
    first_error: ModuleNotFoundError | None = None
    for name in names:
        try:
            module = importlib.import_module(name)
            break
        except ModuleNotFoundError as missing:
            if not (missing.name and name.startswith(missing.name)):
                raise error(f"cannot import {what} {path}: {missing}") from None
            first_error = first_error or missing  # not this spelling: try the next one
        except Exception as failure:
            raise error(f"cannot import {what} {path}: {type(failure).__name__}: {failure}") from None
    if module is None:
        raise error(f"cannot import {what} {path}: {first_error}")
    try:
        return getattr(module, attribute)
    except AttributeError:
        found = sorted(
            name
            for name, value in vars(module).items()
            if callable(value)
            and not name.startswith("_")
            and getattr(value, "__module__", None) == module.__name__
        )
        raise error(
            f"{module.__name__} has no {attribute!r}; it defines: {', '.join(found) or 'nothing public'}"
        ) from None


def split_options(args: list[str]) -> dict[str, Any]:
    """``--name value`` / ``--name=value`` / ``--flag`` pairs -> ``{"name": "value", "flag": True}``."""
    options: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("--") or arg == "--":
            raise click.UsageError(f"unexpected argument {arg!r}; parameters are written --name value")
        name, equals, value = arg[2:].partition("=")
        if not equals:
            following = args[index + 1] if index + 1 < len(args) else None
            if following is None or following.startswith("--"):
                value = True
            else:
                value = following
                index += 1
        options[name.replace("-", "_")] = value
        index += 1
    return options


def convert(name: str, text: Any, example: Any) -> Any:
    """``text`` as the type of ``example`` (a default value, or an annotation like ``int``)."""
    kind = example if isinstance(example, type) else type(example)
    if isinstance(example, str) and example in {"int", "float", "bool", "str"}:
        kind = {"int": int, "float": float, "bool": bool, "str": str}[example]
    if text is True:
        if kind in (bool, type(None)):
            return True
        raise click.BadParameter(f"--{name.replace('_', '-')} needs a value")
    try:
        if kind is bool:
            lowered = str(text).lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(text)
            return lowered in {"true", "1", "yes"}
        if kind in (int, float, str):
            return kind(text)
    except ValueError:
        raise click.BadParameter(
            f"--{name.replace('_', '-')} expects {kind.__name__}, got {text!r}"
        ) from None
    return literal(text)


def literal(text: str) -> Any:
    """An untyped value: an int, a float, true/false/none, or else the string itself."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False, "none": None}.get(text.lower(), text)
