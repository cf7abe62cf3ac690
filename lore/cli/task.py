"""``lore task NAME [ARGS] [--name value ...]``: run a function of the app's tasks.

``NAME`` is a function or class in ``<app>.tasks`` (a module or a package), or a
module ``<app>.tasks.NAME`` whose ``main`` function runs (``lore generate task NAME``
writes one). Arguments are
converted to the types of the function's defaults or annotations. A class is
instantiated with the arguments and its ``run()`` is called; a class with a
``main()`` method instead (the original Lore's tasks, subclasses of :class:`Task`) is
instantiated without arguments and ``main`` gets them. ``NAME`` may also be the full
path the original Lore used, ``<app>.tasks.<module>.<Class>``. A value the task
returns is printed.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import click

from lore.cli.project import convert, enter, import_object, split_options
from lore.errors import LoreError


class Task:
    """A task as the original Lore wrote them: subclass it and define ``main(self, **arguments)``.

    >>> class Count(Task):
    ...     def main(self, up_to: int = 3):
    ...         return list(range(up_to))
    >>> call(Count, [], {"up_to": "2"})
    [0, 1]
    """

    def main(self, **arguments: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define main()")


def call(task: Any, positional: list[str], options: dict[str, Any]) -> Any:
    """Call ``task`` with its arguments converted to the types its signature declares."""
    if isinstance(task, type) and hasattr(task, "main") and not hasattr(task, "run"):
        task = task().main
    target = task.__init__ if isinstance(task, type) else task
    signature = inspect.signature(target)
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    examples = {
        p.name: p.default if p.default is not inspect.Parameter.empty else p.annotation for p in parameters
    }
    examples = {name: None if value is inspect.Parameter.empty else value for name, value in examples.items()}
    args = [convert(p.name, value, examples[p.name]) for p, value in zip(parameters, positional)]
    kwargs = {name: convert(name, value, examples.get(name)) for name, value in options.items()}
    try:
        signature.bind(*([None] if isinstance(task, type) else []), *args, **kwargs)
    except TypeError as error:
        raise click.UsageError(f"task {task.__name__}: {error}") from None
    return task(*args, **kwargs).run() if isinstance(task, type) else task(*args, **kwargs)


def find(path: str) -> Any:
    """The task at ``path``: a module's ``main`` function, or a function or class by name."""
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError as missing:
        if missing.name != path:
            raise LoreError(f"cannot import task {path}: {missing}") from None
        return import_object(path, "task", LoreError)
    if not hasattr(module, "main"):
        raise LoreError(f"task module {path} has no main() function to run")
    return module.main


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name")
@click.pass_context
def task(ctx: click.Context, name: str) -> None:
    """Run function NAME of the app's tasks module with the arguments that follow."""
    env = enter()
    name = name.replace("-", "_")
    function = find(name if name.startswith(f"{env.app}.tasks.") else f"{env.app}.tasks.{name}")
    if not callable(function):
        raise LoreError(f"{env.app}.tasks.{name} is not a function or class")
    args = list(ctx.args)
    first_option = next((i for i, arg in enumerate(args) if arg.startswith("--")), len(args))
    result = call(function, args[:first_option], split_options(args[first_option:]))
    if result is not None:
        click.echo(result)
