"""Small helpers every project rewrites: timing, metrics and atomic file writes.

``timer`` and ``timed`` record wall time. In development the figure goes to the log;
when ``STATSD_HOST`` (and optionally ``STATSD_PORT``, default 8125) is set, it is
also sent to StatsD as a timing metric (today's equivalent of the original's librato).

>>> import lore.util
>>> with lore.util.timer("example.step", log=False) as elapsed:
...     total = sum(range(1000))
>>> elapsed.seconds >= 0
True
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any, TypeVar

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


class Elapsed:
    """Seconds since a timer started; final once the timer's block ends."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.seconds = 0.0

    def stop(self) -> float:
        self.seconds = time.perf_counter() - self.start
        return self.seconds


def send_metric(name: str, milliseconds: float) -> None:
    """Send a StatsD timing to ``$STATSD_HOST`` if set; never raises."""
    host = os.environ.get("STATSD_HOST")
    if not host:
        return
    port = int(os.environ.get("STATSD_PORT", "8125"))
    prefix = os.environ.get("STATSD_PREFIX", "lore")
    payload = f"{prefix}.{name}:{milliseconds:.3f}|ms".encode()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(payload, (host, port))
    except OSError as error:  # metrics must never break the job
        logger.debug("statsd send failed: %s", error)


@contextmanager
def timer(name: str, log: bool = True, level: int = logging.INFO) -> Iterator[Elapsed]:
    """Time a block; log it (development) and send it to StatsD (when configured).

    A block that raises is not logged (its error is what the user sees), only measured.
    """
    elapsed = Elapsed()
    failed = True
    try:
        yield elapsed
        failed = False
    finally:
        seconds = elapsed.stop()
        if log and not failed:
            logger.log(level, "%s took %.3fs", name, seconds)
        send_metric(name, seconds * 1000)


def timed(function: F | None = None, *, name: str | None = None) -> Any:
    """Decorator form of :func:`timer`, named after the function by default."""

    def decorate(func: F) -> F:
        label = name or f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with timer(label):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate(function) if function is not None else decorate


def umask() -> int:
    """The process umask, read without changing it (Linux's /proc; elsewhere set and restored)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def shared(path: str | os.PathLike[str]) -> Path:
    """Give ``path`` (made private by mkstemp/mkdtemp) the modes the process umask allows.

    Files become 0644 and folders 0755 under umask 022, so a server running as another
    user can read fittings and caches.

    >>> import tempfile
    >>> oct(shared(tempfile.mkdtemp()).stat().st_mode & 0o777) == oct(0o777 & ~umask())
    True
    """
    target = Path(path)
    target.chmod((0o777 if target.is_dir() else 0o666) & ~umask())
    return target


#: The folder of the innermost :func:`synced_together` (absolute, with a trailing separator):
#: ``atomic_write`` leaves the disk wait of the files under it to the block's end.
_SYNC_LATER: ContextVar[str | None] = ContextVar("lore_sync_later", default=None)


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Write ``path`` through a temporary file in the same folder, renamed on success.

    A crash half way leaves the old file (or none) in place, never a half-written one.
    The file is on disk (``fsync``) when the block ends, or, inside
    :func:`synced_together`, when that ends.
    """
    with atomic_path(path) as temporary, open(temporary, mode) as stream:
        yield stream
        stream.flush()
        later = _SYNC_LATER.get()
        if later is None or not os.path.abspath(path).startswith(later):
            os.fsync(stream.fileno())


@contextmanager
def synced_together(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Fill a new, private ``folder``, then put every file in it on disk at once.

    Inside the block :func:`atomic_write` skips its own ``fsync`` for files under
    ``folder`` (and only those); on a clean exit every file under it (whoever wrote it)
    and the folders themselves are synced in parallel threads, so the writes wait for
    the disk about once rather than once per file. For a folder that only becomes
    visible afterwards (renamed into place), as a model store's new fitting does.

    >>> import tempfile, pathlib
    >>> with synced_together(tempfile.mkdtemp()) as folder:
    ...     with atomic_write(folder / "a.json", "w") as stream:
    ...         _ = stream.write("{}")
    >>> (folder / "a.json").read_text()
    '{}'
    """
    target = Path(folder)
    token = _SYNC_LATER.set(os.path.join(os.path.abspath(target), ""))
    try:
        yield target
    finally:
        _SYNC_LATER.reset(token)
    paths = [target]
    for root, folders, files in os.walk(target):
        paths += [Path(root, name) for name in (*folders, *files)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        list(pool.map(_fsync, paths))


def _fsync(path: Path) -> None:
    """Put ``path`` (a file or, where the system allows, a folder) on disk."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except (IsADirectoryError, PermissionError):  # a folder on a system that cannot open one
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write with any library; rename on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    shared(temporary)
    try:
        yield Path(temporary)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


@contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a new folder beside ``path`` to fill; on success it replaces ``path`` whole.

    The old folder is renamed aside, the new one renamed in, then the old one deleted,
    so ``path`` never holds a half-written result. An exception removes the new folder
    and leaves ``path`` as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "result"
    >>> with atomic_folder(target) as folder:
    ...     _ = (folder / "x.txt").write_text("done")
    >>> (target / "x.txt").read_text()
    'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = shared(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        yield staging
        if target.exists():
            retired = staging.with_suffix(".old")
            os.replace(target, retired)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


#: TensorFlow's start-up notices: absl writes them to stderr before its logging is set up,
#: whatever ``TF_CPP_MIN_LOG_LEVEL`` says.
_TF_NOTICES = re.compile(
    r"absl::InitializeLog|oneDNN custom operations|cpu_feature_guard|TensorFlow binary is optimized"
    r"|To enable the following instructions|Unable to register cu|TF-TRT Warning|computation_placer"
)


@contextmanager
def quiet_tensorflow() -> Iterator[None]:
    """Around the first import of Keras: its TensorFlow backend, start-up notices silenced.

    TensorFlow's C++ start-up lines (oneDNN, CPU features, CUDA) are hidden unless
    ``$LORE_TF_LOG`` asks for them: ``LORE_TF_LOG=0`` shows everything, ``1`` hides
    INFO, ``2`` warnings too (TensorFlow's own ``TF_CPP_MIN_LOG_LEVEL``, when set, wins).
    Some of those lines ignore that level, so while TensorFlow first loads, stderr is
    caught and given back without them (anything else it printed is kept).

    >>> import os
    >>> with quiet_tensorflow():
    ...     pass
    >>> os.environ["KERAS_BACKEND"] in {"tensorflow", "jax", "torch"}
    True
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    asked = os.environ.get("LORE_TF_LOG", "").strip()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", asked if asked in {"0", "1", "2", "3"} else "2")
    if asked or "tensorflow" in sys.modules:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            lines = caught.read().decode(errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not _TF_NOTICES.search(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


def optional(module: str, extra: str, purpose: str = "") -> Any:
    """Import ``module`` of lore's ``extra``; when it is not installed, :class:`MissingDependency`.

    The error is one line naming the extra to install (inside a project, the
    requirements.txt line to write). An ImportError raised inside an installed
    module (a broken install) is not disguised as a missing one.

    >>> optional("json", "core").__name__
    'json'
    >>> optional("no_such_module", "xgboost", "boosted models")
    Traceback (most recent call last):
    ...
    lore.errors.MissingDependency: no_such_module is needed for boosted models: pip install "lore-ml[xgboost]"
    """
    from lore.errors import MissingDependency

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as missing:
        top = module.split(".")[0]
        if missing.name is None or missing.name.split(".")[0] != top:
            raise
        raise MissingDependency(top, extra, purpose) from None


#: Parts of a name that mark its value as secret, matched anywhere in the name...
_SECRET_WORDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE")
#: ...and parts that must stand alone (``DB_PASS``, ``PGPWD``, ``SENTRY_DSN``, ``X-Amz-Signature``).
_SECRET_PARTS = frozenset({"PASS", "PWD", "DSN", "AUTH", "SIG", "SIGNATURE", "SESSION", "COOKIE", "APIKEY"})
_NAME_PARTS = re.compile(r"[^A-Z0-9]+|(?<=PG)(?=PWD)|(?<=PG)(?=PASS)")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
_PAIR = re.compile(r"([?&;#])([^=&;#\s]+)=([^&;#\s]*)")
MASK = "****"


def is_secret_name(name: str) -> bool:
    """Whether a variable, key or query parameter named ``name`` holds a secret.

    One rule for ``lore env``, URLs, errors and logs: a name holding ``PASSWORD``,
    ``SECRET``, ``TOKEN``, ``KEY``, ``CREDENTIAL``, ``PRIVATE`` anywhere, or a part
    ``PASS``, ``PWD``, ``DSN``, ``AUTH``, ``SIG``, ``SESSION``, ``COOKIE`` between
    separators (any case).

    >>> [is_secret_name(n) for n in ("DB_PASS", "PGPWD", "api_key", "X-Amz-Signature", "PASSENGERS")]
    [True, True, True, True, False]
    """
    upper = name.upper()
    if any(word in upper for word in _SECRET_WORDS):
        return True
    return any(part in _SECRET_PARTS for part in _NAME_PARTS.split(upper))


def _mask_one_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    end = min([rest.find(stop) for stop in "/?#" if stop in rest] or [len(rest)])
    authority, tail = rest[:end], rest[end:]
    userinfo, at, host = authority.rpartition("@")  # a raw '@' in a password stays in userinfo
    if at and ":" in userinfo:
        user, _, password = userinfo.partition(":")
        authority = f"{user}:{MASK}@{host}" if password else authority
    tail = _PAIR.sub(lambda m: f"{m[1]}{m[2]}={MASK}" if is_secret_name(m[2]) and m[3] else m[0], tail)
    return f"{scheme}://{authority}{tail}"


def mask_url(text: str) -> str:
    """``text`` with the secrets in every URL in it masked: passwords, and secret-named query parameters.

    A password may hold a raw ``@`` (the user information ends at the last ``@`` before
    the path); a query parameter is masked when :func:`is_secret_name` says so.

    >>> mask_url("postgresql://u:p@ss@db:5432/x?sslmode=require&password=hunter2")
    'postgresql://u:****@db:5432/x?sslmode=require&password=****'
    >>> mask_url("cannot reach redis://:pw@cache:6379/0 (refused)")
    'cannot reach redis://:****@cache:6379/0 (refused)'
    """
    if "://" not in text:
        return text
    return _URL.sub(lambda match: _mask_one_url(match[0]), text)


_TEXT_PAIR = re.compile(r"(?<![\w-])([A-Za-z_][\w-]*)=([^\s,&;'\"]+)")
_QUOTED_PAIR = re.compile(r"""(['"])([A-Za-z_][\w-]*)\1(\s*:\s*b?)(['"])([^'"]*)\4""")


def mask_text(text: str) -> str:
    """``text`` (a log line, an error) with :func:`mask_url` applied and every secret-named pair masked.

    Pairs are ``name=value`` and ``'name': 'value'`` (a printed dict of headers), masked
    when :func:`is_secret_name` says the name is secret.

    >>> mask_text("Authorization: AWS4-HMAC-SHA256 Credential=AKIA1/x, Signature=ab12")
    'Authorization: AWS4-HMAC-SHA256 Credential=****, Signature=****'
    >>> mask_text("{'X-Amz-Security-Token': b'IQo', 'Host': 'h'}")
    "{'X-Amz-Security-Token': b'****', 'Host': 'h'}"
    """
    if "=" not in text and ":" not in text:
        return text
    text = mask_url(text)
    text = _TEXT_PAIR.sub(lambda m: f"{m[1]}={MASK}" if is_secret_name(m[1]) else m[0], text)

    def quoted(m: re.Match[str]) -> str:
        return f"{m[1]}{m[2]}{m[1]}{m[3]}{m[4]}{MASK}{m[4]}" if is_secret_name(m[2]) and m[5] else m[0]

    return _QUOTED_PAIR.sub(quoted, text)


def mask_secret(key: str, value: str) -> str:
    """``value`` of the setting ``key`` as it may be shown: all of it masked for a secret name, else its URLs.

    >>> mask_secret("DB_PASS", "hunter2"), mask_secret("DATABASE_URL", "postgres://u:pw@h/db")
    ('****', 'postgres://u:****@h/db')
    """
    if is_secret_name(key):
        return MASK if value else value
    return mask_url(value)


def to_json(value: Any, indent: int | None = None) -> str:
    """JSON text for lore's records (``model.json``, ``estimator.json``), keys sorted.

    numpy scalars are written as the Python numbers they hold; anything else JSON
    cannot hold as its ``repr``.

    Parameters
    ----------
    value
        What to write.
    indent
        As for :func:`json.dumps`.

    Returns
    -------
    str
        The JSON text.

    >>> import numpy
    >>> to_json({"b": numpy.float32(0.5), "a": {1, 2}})
    '{"a": "{1, 2}", "b": 0.5}'
    """
    import json

    def plain(item: Any) -> Any:
        if type(item).__module__ == "numpy" and getattr(item, "ndim", None) == 0:
            return item.item()  # a numpy scalar
        return repr(item)

    return json.dumps(value, default=plain, sort_keys=True, indent=indent)


def package_versions(packages: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Installed versions of the distributions ``packages`` (absent ones left out), plus Python's.

    The one place lore reads versions: a fitting's record (``packages``) and each
    serialized object's sidecar (``versions``) both come from here. Read once per process
    (installed versions do not change under a running fit).

    Parameters
    ----------
    packages
        Distribution names as pip knows them (``scikit-learn``, ``tensorflow-cpu``).

    Returns
    -------
    dict
        ``{"python": "3.11.9", "scikit-learn": "1.6.1", ...}``.

    >>> sorted(package_versions(["lore-ml", "not-a-package-at-all"]))
    ['lore-ml', 'python']
    """
    return dict(_versions(tuple(packages)))


@functools.lru_cache(maxsize=32)
def _versions(packages: tuple[str, ...]) -> dict[str, str]:
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def lazy_exports(
    package: str, exports: dict[str, str], fallback: Callable[[str], Any] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose public names import on first use.

    ``exports`` maps each public name to the module that defines it; a name is imported
    the first time it is read, then kept on the package. This is how ``lore.io``,
    ``lore.stores``, ``lore.estimators`` and ``lore.server`` export their classes without
    importing pandas, boto3, Keras or FastAPI: the one lazy-export mechanism of lore.

    Parameters
    ----------
    package
        The package's ``__name__``.
    exports
        Public name -> module that defines it.
    fallback
        Called with any other name (``lore.io.<connection>``); it returns the value or
        raises ``AttributeError``. Without it, other names are an ``AttributeError``.

    Returns
    -------
    tuple
        The package's ``__getattr__`` and ``__dir__``.

    >>> getattr_, dir_ = lazy_exports("lore.util", {"dedent": "textwrap"})
    >>> getattr_("dedent")("  x")
    'x'
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            if fallback is not None:
                return fallback(name)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__


def with_hooks(method: F) -> F:
    """Call ``self.before_<name>`` and ``self.after_<name>`` around ``method``.

    Both hooks get the method's own arguments (as the original Lore's callbacks did);
    the class defines them, as no-ops a subclass overrides.

    >>> class Counter:
    ...     calls = []
    ...     def before_run(self, n): self.calls.append(("before", n))
    ...     def after_run(self, n): self.calls.append(("after", n))
    ...     @with_hooks
    ...     def run(self, n): return n * 2
    >>> Counter().run(3), Counter.calls
    (6, [('before', 3), ('after', 3)])
    """
    name = method.__name__

    @functools.wraps(method)
    def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
        getattr(self, f"before_{name}")(*args, **kwargs)
        result = method(self, *args, **kwargs)
        getattr(self, f"after_{name}")(*args, **kwargs)
        return result

    return hooked  # type: ignore[return-value]
