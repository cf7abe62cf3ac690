"""Project files to and from S3: :func:`upload` and :func:`download` (``lore.io.upload``).

Objects live under ``<bucket>/<prefix>/<environment>/`` as configured in section
``[S3]`` of ``config/aws.cfg``; the transfer itself is :class:`lore.s3.Remote`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from lore.errors import RemoteStorageError
from lore.s3 import Remote, check_remote, settings
from lore.util import atomic_path


def remote_from_local(local: str | os.PathLike[str]) -> str:
    """The remote path that mirrors a local file's place in the project.

    ``data/x.csv`` under the project root becomes ``data/x.csv``; a file outside the
    project keeps only its name.

    >>> remote_from_local("/somewhere/else/model.pkl")
    'model.pkl'
    """
    import lore.env

    local = Path(local)
    root = lore.env.current().root
    resolved = local.resolve()
    if root is not None and resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    return local.name


def prefix_remote_root(remote: str) -> str:
    """The object key of ``remote`` in this environment: ``<prefix>/<environment>/<remote>``.

    A leading ``/`` is dropped, and a path that already starts with the prefix and
    environment is returned as is, so applying it twice is harmless.

    >>> prefix_remote_root("/data/x.csv")  # doctest: +SKIP
    'churn/development/data/x.csv'
    """
    found = settings()
    root = found.key("")
    remote = remote.lstrip("/")
    if root and (remote == root or remote.startswith(root + "/")):
        return remote
    return found.key(remote)


def upload(local: str | os.PathLike[str], remote: str | None = None) -> str:
    """Upload a file, or every file under a folder; return its ``s3://`` URL.

    ``remote`` defaults to the path relative to the project root (``data/x.csv``), or
    the file name outside a project.

    >>> upload("data/features.parquet")  # doctest: +SKIP
    's3://my-team-models/churn/development/data/features.parquet'
    """
    source = Path(local)
    if not source.exists():
        raise RemoteStorageError(f"cannot upload {source}: no such file or folder")
    target = check_remote(remote if remote is not None else remote_from_local(source))
    found = settings()
    if source.is_dir():
        files = sorted(path for path in source.rglob("*") if path.is_file())
        pairs = [(path, f"{target}/{path.relative_to(source).as_posix()}") for path in files]
    else:
        pairs = [(source, target)]
    Remote(found).upload_files(pairs)
    return found.url(target)


def download(remote: str, local: str | os.PathLike[str] | None = None) -> Path:
    """Download an object (or every object under a folder) to ``local``; return the path.

    ``local`` defaults to ``remote`` under the project root. Each file is written
    to a temporary name and renamed when complete, so an interrupted download never
    leaves a partial file under the final name.
    """
    import lore.env

    remote = check_remote(remote)
    destination = Path(local) if local is not None else (lore.env.current().root or Path.cwd()) / remote
    store = Remote(settings())
    keys = store.list(remote)
    if remote in keys:
        pairs = [(remote, destination)]
    else:
        pairs = [(key, destination / key[len(remote) + 1 :]) for key in keys if key.startswith(remote + "/")]
    if not pairs:
        raise RemoteStorageError(f"nothing to download: no object {store.url(remote)}")
    with contextlib.ExitStack() as stack:
        staged = [(key, stack.enter_context(atomic_path(path))) for key, path in pairs]
        store.download_files(staged)
    return destination
