"""Signatures over manifests: which fittings may run code when they are loaded.

A fitting's ``manifest.json`` holds every file's SHA-256, so a signature over the
manifest vouches for every byte of the fitting. lore signs with HMAC-SHA256 under a
secret key:

- ``LORE_SIGNING_KEY`` (at least 32 characters) signs new manifests and verifies;
- ``LORE_TRUSTED_KEYS`` (comma-separated) are further keys accepted when verifying,
  for key rotation;
- without ``LORE_SIGNING_KEY``, outside production, lore makes a per-user key once
  (``$XDG_CONFIG_HOME/lore/signing.key``, mode 0600), so the fittings you make are
  signed and load on your machine, and nobody else's are.

A fitting holding a file that can run code while it is read (pickle, Keras, anything
but the plain data formats in :data:`DATA_SUFFIXES`) is loaded only when its manifest
verifies against one of those keys, or when ``LORE_ALLOW_UNSIGNED=1`` says to load it
anyway (for local work; never set it in production). See docs/stores.rst for what
this does and does not protect.

>>> manifest = {"format": 1, "files": [{"path": "pipeline.pkl", "size": 1, "sha256": "00"}]}
>>> signed = sign(manifest, b"k" * 32)
>>> signed["signature"]["algorithm"], verifies(signed, {key_id(b"k" * 32): b"k" * 32})
('hmac-sha256', True)
>>> verifies({**signed, "metadata": {"forged": True}}, {key_id(b"k" * 32): b"k" * 32})
False
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from lore.errors import ConfigError, UntrustedFitting

logger = logging.getLogger(__name__)

ALGORITHM = "hmac-sha256"
SIGNATURE = "signature"
KEY_VARIABLE = "LORE_SIGNING_KEY"
TRUSTED_VARIABLE = "LORE_TRUSTED_KEYS"
ALLOW_VARIABLE = "LORE_ALLOW_UNSIGNED"
MIN_KEY_LENGTH = 32
#: Files read as plain data: no code runs when lore loads them (``.npy`` without
#: pickle, skops with a type-by-type trust list, XGBoost's UBJSON, Parquet, JSON).
DATA_SUFFIXES = frozenset({".json", ".npy", ".parquet", ".skops", ".ubj", ".arrow", ".txt"})


@functools.lru_cache(maxsize=64)
def key_id(key: bytes) -> str:
    """A short public name of ``key`` (the start of its SHA-256), recorded with each signature."""
    return hashlib.sha256(key).hexdigest()[:16]


def _environment() -> str:
    import lore.env

    return lore.env.current().name  # also reads .env, where the keys may be set


def _user_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lore" / "signing.key"


#: user key file -> its key, read once per process (a warm load reads no file)
_user_keys: dict[Path, bytes] = {}


def _user_key(create: bool) -> bytes | None:
    """The per-user key, made once (atomically: a complete file or none) when ``create``."""
    path = _user_key_path()
    if path in _user_keys:
        return _user_keys[path]
    try:
        _user_keys[path] = path.read_bytes().strip()
        return _user_keys[path]
    except FileNotFoundError:
        if not create:
            return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing.key-")
    try:
        with os.fdopen(descriptor, "w") as stream:  # mkstemp makes it 0600
            stream.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # fails if another process made it first: theirs wins
            logger.info("made a signing key for your fittings in %s", path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    _user_keys[path] = path.read_bytes().strip()
    return _user_keys[path]


def _checked(value: str, variable: str) -> bytes:
    if len(value) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"{variable} holds a key of {len(value)} characters; use at least {MIN_KEY_LENGTH} random ones "
            '(python -c "import secrets; print(secrets.token_hex(32))")'
        )
    return value.encode()


def signing_key() -> bytes | None:
    """The key new manifests are signed with: ``LORE_SIGNING_KEY``, else (not in production) the user's."""
    environment = _environment()
    value = os.environ.get(KEY_VARIABLE)
    if value:
        return _checked(value, KEY_VARIABLE)
    return None if environment == "production" else _user_key(create=True)


def trusted_keys() -> dict[str, bytes]:
    """Every key a signature may verify against, by :func:`key_id`."""
    environment = _environment()
    keys = [_checked(value, KEY_VARIABLE)] if (value := os.environ.get(KEY_VARIABLE)) else []
    keys += [
        _checked(part.strip(), TRUSTED_VARIABLE)
        for part in os.environ.get(TRUSTED_VARIABLE, "").split(",")
        if part.strip()
    ]
    if environment != "production" and (user := _user_key(create=False)) is not None:
        keys.append(user)
    return {key_id(key): key for key in keys}


def _signed_bytes(manifest: dict[str, Any]) -> bytes:
    """The canonical bytes a signature covers: the manifest without its signature."""
    body = {name: value for name, value in manifest.items() if name != SIGNATURE}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign(manifest: dict[str, Any], key: bytes) -> dict[str, Any]:
    """``manifest`` with a ``signature`` over the rest of it (after a JSON round trip)."""
    body = json.loads(json.dumps({n: v for n, v in manifest.items() if n != SIGNATURE}, default=str))
    value = hmac.new(key, _signed_bytes(body), hashlib.sha256).hexdigest()
    return {**body, SIGNATURE: {"algorithm": ALGORITHM, "key": key_id(key), "value": value}}


def sign_with_current_key(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` signed with :func:`signing_key`, or as it is (with a warning) when there is none."""
    key = signing_key()
    if key is None:
        logger.warning(
            "%s is not set: this fitting is not signed, and lore will not load its executable files "
            "elsewhere; set it to sign fittings",
            KEY_VARIABLE,
        )
        return manifest
    return sign(manifest, key)


def verifies(manifest: dict[str, Any], keys: dict[str, bytes]) -> bool:
    """Whether ``manifest`` carries a valid signature by one of ``keys``."""
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        return False
    key = keys.get(str(signature.get("key")))
    value = signature.get("value")
    if key is None or not isinstance(value, str):
        return False
    expected = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, value)


def executable(manifest: dict[str, Any]) -> list[str]:
    """The files of ``manifest`` that can run code when read (not in :data:`DATA_SUFFIXES`)."""
    return [
        entry["path"]
        for entry in manifest["files"]
        if PurePosixPath(entry["path"]).suffix.lower() not in DATA_SUFFIXES
    ]


def allowed_unsigned() -> bool:
    """Whether ``LORE_ALLOW_UNSIGNED`` is set to a true value (``1``, ``true``, ``yes``)."""
    return os.environ.get(ALLOW_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def check(manifest: dict[str, Any], where: Path | str) -> None:
    """Refuse ``where`` (:class:`UntrustedFitting`): executable files without a trusted signature."""
    risky = executable(manifest)
    if not risky or verifies(manifest, trusted_keys()):
        return
    state = "is signed by a key this machine does not trust" if SIGNATURE in manifest else "is not signed"
    if allowed_unsigned():
        logger.warning("%s %s; loading it because %s is set", where, state, ALLOW_VARIABLE)
        return
    raise UntrustedFitting(
        f"{where} holds {', '.join(risky[:3])}, which run(s) code when loaded, and its manifest {state}; "
        f"set {KEY_VARIABLE} (or {TRUSTED_VARIABLE}) to the key that signed it, or {ALLOW_VARIABLE}=1 "
        "to load it anyway for local work"
    )
