"""Run a child process inside the project's virtualenv and exit with its status.

>>> import sys
>>> run([sys.executable, "-c", "pass"], root=None)
0
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from lore.cli import virtualenv
from lore.errors import LoreError


def run(
    command: list[str],
    root: Path | None,
    cwd: Path | None = None,
    unset: Iterable[str] = (),
    **variables: str,
) -> int:
    """Run ``command`` with the virtualenv's PATH (when ``root`` has one); return its exit status.

    ``variables`` are set for it and the names in ``unset`` removed.
    """
    env = virtualenv.environ(root) if root is not None else virtualenv.environ_base()
    for name in unset:
        env.pop(name, None)
    env.update(variables)
    try:
        return subprocess.run(command, env=env, cwd=cwd).returncode
    except FileNotFoundError:
        raise LoreError(f"{command[0]}: command not found (in the project's virtualenv or on PATH)") from None
