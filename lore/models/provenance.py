"""Where a fitting came from: the code's git commit, and which libraries' versions to record.

The versions themselves are read by :func:`lore.util.package_versions`, the one
function for them.

>>> "scikit-learn" in PACKAGES
True
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)

#: Distributions whose versions every fitting records (when installed).
PACKAGES = (
    "lore-ml",
    "numpy",
    "pandas",
    "scikit-learn",
    "xgboost",
    "keras",
    "tensorflow-cpu",
    "tensorflow",
    "skops",
)


def code_version(root: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` in the project root (``-dirty`` when files changed), else ``None``."""
    import lore.env

    folder = root or lore.env.current().root or Path.cwd()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        logger.debug("no git commit for %s: %s", folder, error)
        return None
    return f"{commit}-dirty" if changed else commit or None
