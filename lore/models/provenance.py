"""Where a fitting came from: the code's git commit and the versions of the libraries.

>>> sorted(package_versions(["lore"]))
['lore', 'python']
"""

from __future__ import annotations

import functools
import logging
import platform
import subprocess
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)

#: Distributions whose versions every fitting records (when installed).
PACKAGES = (
    "lore",
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


def package_versions(packages: tuple[str, ...] | list[str] = PACKAGES) -> dict[str, str]:
    """Installed versions of ``packages`` (absent ones left out), plus Python's."""
    return dict(_versions(tuple(packages)))


@functools.lru_cache(maxsize=8)
def _versions(packages: tuple[str, ...]) -> dict[str, str]:
    """Read once per process: installed versions do not change under a running fit."""
    versions = {"python": platform.python_version()}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions
