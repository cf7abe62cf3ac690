"""Where a fitting came from: the code's git commit, and which libraries' versions to record.

The versions themselves are read by :func:`lore.util.package_versions`, the one
function for them.

>>> "scikit-learn" in PACKAGES
True
"""

from __future__ import annotations

import logging
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

logger = logging.getLogger(__name__)

#: Distributions whose versions every fitting records (when installed).
PACKAGES = (
    "lore-ml",
    "numpy",
    "pandas",
    "scikit-learn",
    "xgboost",
    "xgboost-cpu",
    "keras",
    "tensorflow-cpu",
    "tensorflow",
    "skops",
)


_background: ThreadPoolExecutor | None = None


def code_version_soon(root: Path | None = None) -> Future[str | None]:
    """:func:`code_version` started now on a background thread; ``.result()`` gives it.

    A fit asks for it before reading its data and takes it when saving, so ``git``
    runs while the model trains instead of on the fit's path.

    >>> code_version_soon(Path("/")).result() is None
    True
    """
    global _background
    if _background is None:
        _background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lore-code-version")
    return _background.submit(code_version, root)


def code_version(root: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` in the project root (``-dirty`` when files changed), else ``None``.

    One ``git status --porcelain=v2 --branch`` gives both the commit (its
    ``# branch.oid`` line) and the changed tracked files: one process per fit, not two.
    """
    import lore.env

    folder = root or lore.env.current().root or Path.cwd()
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain=v2", "--branch", "--untracked-files=no"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError) as error:
        logger.debug("no git commit for %s: %s", folder, error)
        return None
    commit = next((line.split()[2] for line in status if line.startswith("# branch.oid ")), "")
    if not commit or commit == "(initial)":
        return None  # a repository without a commit yet
    changed = any(line and not line.startswith("#") for line in status)
    return f"{commit}-dirty" if changed else commit
