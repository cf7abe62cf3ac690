"""Run ``lore`` inside the project's virtualenv, with no activation step.

When ``lore <command>`` starts inside a project that has a ``.venv`` and the process
is not already running there, :func:`reexec` replaces it with
``.venv/bin/python -m lore <command> ...`` (``os.execve``: same process id, same
terminal, same exit code). It does not re-execute for ``init`` and ``install``
(they make the virtualenv), for ``lore --help`` / ``--version``, when
``LORE_NO_BOOTSTRAP=1``, or when it already did once for this virtualenv
(``LORE_BOOTSTRAPPED``), which guards against a loop when the virtualenv's Python
cannot see itself as such. Only the standard library and :mod:`lore.env` load here,
so the detour costs one interpreter start.

>>> command(["--verbose", "fit", "x"]) is None, command(["fit", "--help"])
(True, 'fit')
"""

from __future__ import annotations

import os
from pathlib import Path

from lore.cli import virtualenv

#: Commands that run in whatever Python started lore.
SKIP = frozenset({"init", "install"})
#: Set in the re-executed process to the virtualenv it entered.
MARK = "LORE_BOOTSTRAPPED"


def command(args: list[str]) -> str | None:
    """The subcommand named by ``args``, or None for ``lore --help`` and the like."""
    if not args or args[0].startswith("-"):
        return None
    return args[0]


def should(args: list[str], root: Path | None) -> bool:
    """Whether to re-execute ``lore args`` in the virtualenv of project ``root``."""
    name = command(args)
    if name is None or name in SKIP or os.environ.get("LORE_NO_BOOTSTRAP") == "1" or root is None:
        return False
    if not virtualenv.installed(root) or virtualenv.active(root):
        return False
    return os.environ.get(MARK) != str(virtualenv.folder(root))  # re-execute once, never loop


def reexec(args: list[str]) -> None:
    """Replace this process with lore in the project's virtualenv when it should."""
    from lore.env import find_root

    root = find_root()
    if not should(args, root):
        return
    python = str(virtualenv.python(root))
    env = virtualenv.environ(root)
    env[MARK] = str(virtualenv.folder(root))
    os.execve(python, [python, "-m", "lore", *args], env)
