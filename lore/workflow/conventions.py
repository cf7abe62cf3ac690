"""The workflow guide's docstring conventions, checked with :mod:`ast` (nothing is imported).

Every module has a docstring; a module that defines a step or stage shows how to
use it with a ``>>>`` example. A step or stage class documents its init
parameters, execution args, execution returns and persistence strategy under
those headings (any case). ``pickle.dump(f, data)``, with the open file first, is
flagged: the object comes first.

A step or stage class is one with a base whose name ends in ``Step`` or ``Stage``,
or any public class in a ``steps/`` folder or in the ``main.py`` of a stage (a
folder that has ``steps/``).

>>> from pathlib import Path
>>> source = 'class Split(Step):\\n    \"\"\"Split rows.\"\"\"\\n'
>>> for problem in check_source(source, Path("split.py")):
...     print(problem)  # doctest: +ELLIPSIS
split.py:1: module has no docstring; ...
split.py:1: step class Split has no 'Init parameters:' section ...
split.py:1: step class Split has no 'Execution Args:' section ...
split.py:1: step class Split has no 'Execution Returns:' section ...
split.py:1: step class Split has no 'Persist Strategy:' section ...
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lore.errors import LoreError

#: heading shown in messages -> (pattern matching it at the start of a docstring line, what to write)
SECTIONS: dict[str, tuple[re.Pattern[str], str]] = {
    "Init parameters": (
        re.compile(r"^\s*init(?:ialization)?\s+param(?:eter)?s\b", re.I | re.M),
        "each __init__ argument (the step's configuration)",
    ),
    "Execution Args": (
        re.compile(r"^\s*execut(?:e|ion)\s+arg(?:ument)?s\b", re.I | re.M),
        "the data execute() expects, or None",
    ),
    "Execution Returns": (
        re.compile(r"^\s*execut(?:e|ion)\s+returns\b", re.I | re.M),
        "the format of what execute() returns",
    ),
    "Persist Strategy": (
        re.compile(r"^\s*persist(?:ence)?\s+strategy\b", re.I | re.M),
        "how the result is persisted, or that it is not",
    ),
}
#: folders never walked into when a folder is linted
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "build", "dist", "venv", "site-packages"})


@dataclass(frozen=True)
class Problem:
    """One convention miss: where it is and what to do about it."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def python_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.py`` files named or under the folders named, sorted, hidden folders skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            if path.suffix != ".py":
                raise LoreError(f"cannot lint {path}: not a Python file; pass .py files or folders")
            found.append(path)
        elif path.is_dir():
            found.extend(
                file
                for file in path.rglob("*.py")
                if not any(
                    part.startswith(".") or part in SKIPPED_FOLDERS
                    for part in file.relative_to(path).parts[:-1]
                )
            )
        else:
            raise LoreError(f"cannot lint {path}: no such file or folder; pass existing paths")
    return sorted(dict.fromkeys(found))


def check_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Check every Python file under ``paths``; return the files checked and the problems."""
    files = python_files(paths)
    problems = [problem for file in files for problem in check_file(file)]
    return files, problems


def check_file(path: Path) -> list[Problem]:
    """The convention problems of one file."""
    return check_source(path.read_text(encoding="utf-8", errors="replace"), path)


def check_source(source: str, path: Path) -> list[Problem]:
    """The convention problems of ``source``, reported as being file ``path``."""
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as error:
        return [Problem(path, error.lineno or 1, f"syntax error: {error.msg}; fix it so lore can check it")]
    problems: list[Problem] = []
    docstring = ast.get_docstring(tree)
    if docstring is None and tree.body:  # an empty __init__.py needs nothing
        problems.append(
            Problem(path, 1, 'module has no docstring; start the file with a """one-line summary""" of it')
        )
    classes = [(node, kind) for node in tree.body if (kind := _workflow_kind(node, path))]
    if classes and docstring is not None and ">>>" not in docstring:
        node, kind = classes[0]
        problems.append(
            Problem(
                path,
                tree.body[0].lineno,
                f"module docstring has no usage example; add 'Example usage:' and '>>> ' lines "
                f"showing how to run the {kind} {node.name}",
            )
        )
    for node, kind in classes:
        problems.extend(_check_class(node, kind, path))
    problems.extend(_swapped_dumps(tree, path))
    return problems


def _base_name(base: ast.expr) -> str:
    while isinstance(base, ast.Subscript):  # Step[Frame] and the like
        base = base.value
    if isinstance(base, ast.Attribute):
        return base.attr
    return base.id if isinstance(base, ast.Name) else ""


def _workflow_kind(node: ast.stmt, path: Path) -> str:
    """'step' or 'stage' when ``node`` is a step or stage class, else ''."""
    if not isinstance(node, ast.ClassDef):
        return ""
    names = [_base_name(base) for base in node.bases]
    if any(name.endswith("Stage") for name in names):
        return "stage"
    if any(name.endswith("Step") for name in names):
        return "step"
    if node.name.startswith("_"):
        return ""
    if path.parent.name == "steps":
        return "step"
    if path.name == "main.py" and (path.parent / "steps").is_dir():
        return "stage"
    return ""


def _check_class(node: ast.ClassDef, kind: str, path: Path) -> list[Problem]:
    docstring = ast.get_docstring(node)
    if docstring is None:
        headings = ", ".join(f"'{heading}:'" for heading in SECTIONS)
        return [Problem(path, node.lineno, f"{kind} class {node.name} has no docstring; document {headings}")]
    return [
        Problem(
            path,
            node.lineno,
            f"{kind} class {node.name} has no '{heading}:' section in its docstring; "
            f"add one describing {what}",
        )
        for heading, (pattern, what) in SECTIONS.items()
        if not pattern.search(docstring)
    ]


def _pickle_dumps(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to the pickle module, and names bound to its ``dump`` function."""
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.asname or alias.name for alias in node.names if alias.name == "pickle")
        elif isinstance(node, ast.ImportFrom) and node.module == "pickle":
            functions.update(alias.asname or alias.name for alias in node.names if alias.name == "dump")
    return modules, functions


def _opened_files(tree: ast.Module) -> set[str]:
    """Names a ``with open(...) as name`` (or ``with path.open(...) as name``) binds."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                call, target = item.context_expr, item.optional_vars
                if (
                    isinstance(call, ast.Call)
                    and isinstance(target, ast.Name)
                    and _base_name(call.func) == "open"
                ):
                    names.add(target.id)
    return names


def _swapped_dumps(tree: ast.Module, path: Path) -> list[Problem]:
    modules, functions = _pickle_dumps(tree)
    handles = _opened_files(tree)
    problems = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) >= 2):
            continue
        func = node.func
        is_dump = (isinstance(func, ast.Name) and func.id in functions) or (
            isinstance(func, ast.Attribute)
            and func.attr == "dump"
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        )
        first, second = node.args[0], node.args[1]
        if (
            is_dump
            and isinstance(first, ast.Name)
            and first.id in handles
            and not (isinstance(second, ast.Name) and second.id in handles)
        ):
            data = ast.unparse(second)
            problems.append(
                Problem(
                    path,
                    node.lineno,
                    f"pickle.dump({first.id}, {data}) has its arguments swapped: the object comes first, "
                    f"then the file; write pickle.dump({data}, {first.id})",
                )
            )
    return problems
