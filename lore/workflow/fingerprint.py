"""Fingerprints that tell whether a persisted result is still the one a run would make.

A fingerprint hashes the code of the classes involved, their configuration and the
fingerprints of the results upstream. Equal fingerprints mean a re-run would compute
the same thing, so the persisted result can be reused.

>>> of_config({"b": 1, "a": [1, 2]}) == of_config({"a": [1, 2], "b": 1})
True
"""

from __future__ import annotations

import hashlib
import inspect
import json
from typing import Any


def of_config(config: Any) -> str:
    """A stable hash of a (JSON-like) configuration; other values hash by ``repr``."""
    text = json.dumps(config, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def of_code(*classes: type) -> str:
    """A hash of the source code of ``classes`` (their own definitions)."""
    digest = hashlib.sha256()
    for klass in classes:
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            source = f"{klass.__module__}.{klass.__qualname__}"
        digest.update(source.encode())
    return digest.hexdigest()


def combine(*parts: str) -> str:
    """One fingerprint from several."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
