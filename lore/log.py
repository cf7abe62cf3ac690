"""Logging set up for the environment: ``logging.getLogger(__name__)`` just works.

- development: readable, coloured lines on stderr;
- test: plain lines in ``logs/test.log``;
- production: one JSON object per line on stdout, and to syslog when
  ``LORE_SYSLOG`` names a socket path or ``host:port``. Errors go to Sentry when
  ``SENTRY_DSN`` is set and sentry-sdk is installed (today's stand-in for the
  original's rollbar/loggly reporting).

``LORE_LOG_LEVEL`` overrides the level (INFO by default, DEBUG in development).
Libraries that log request details (botocore, urllib3, s3transfer...) are kept at
WARNING unless ``LORE_LOG_LEVEL`` is set, and every line goes through
:func:`lore.util.mask_text` (passwords in URLs, secret-named parameters and headers).

>>> import logging, lore.log
>>> lore.log.setup()
>>> logging.getLogger("lore.example").info("ready")
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
import time

from lore.env import DEVELOPMENT, PRODUCTION, TEST, Environment
from lore.util import mask_text

_COLOURS = {
    logging.DEBUG: "\033[36m",
    logging.INFO: "\033[32m",
    logging.WARNING: "\033[33m",
    logging.ERROR: "\033[31m",
    logging.CRITICAL: "\033[41m",
}
_RESET = "\033[0m"
_STANDARD = set(vars(logging.makeLogRecord({})))
_HANDLER_MARK = "_lore_handler"
#: Loggers of libraries that are quiet below WARNING unless LORE_LOG_LEVEL is set: their
#: DEBUG lines carry request headers, signatures and access key ids.
THIRD_PARTY = (
    "boto3",
    "botocore",
    "s3transfer",
    "urllib3",
    "requests",
    "httpx",
    "httpcore",
    "asyncio",
    "fsspec",
    "matplotlib",
    "PIL",
    "numba",
    "h5py",
    "tensorflow",
    "absl",
    "filelock",
    "distributed",
    "redis",
)


class ConsoleFormatter(logging.Formatter):
    """``HH:MM:SS LEVEL logger: message``, the level coloured on a terminal."""

    def __init__(self, colour: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        line = mask_text(super().format(record))
        if not self.colour:
            return line
        colour = _COLOURS.get(record.levelno, "")
        return line.replace(record.levelname, f"{colour}{record.levelname}{_RESET}", 1)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with any ``extra=`` fields kept."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def _handlers(env: Environment) -> list[logging.Handler]:
    if env.name == TEST:
        env.logs_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(env.logs_dir / "test.log", encoding="utf-8")
        handler.setFormatter(ConsoleFormatter(colour=False))
        return [handler]
    if env.name == PRODUCTION:
        handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
        target = os.environ.get("LORE_SYSLOG")
        if target:
            host, _, port = target.rpartition(":")
            address = (host, int(port)) if host and port.isdigit() else target
            handlers.append(logging.handlers.SysLogHandler(address=address))
        for handler in handlers:
            handler.setFormatter(JsonFormatter())
        return handlers
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ConsoleFormatter(colour=sys.stderr.isatty()))
    return [handler]


def _sentry(env: Environment) -> None:
    dsn = os.environ.get("SENTRY_DSN")
    if not dsn:
        return
    try:
        import sentry_sdk
    except ImportError:
        logging.getLogger(__name__).warning(
            'SENTRY_DSN is set but sentry-sdk is not installed: pip install "lore-ml[sentry]"'
        )
        return
    sentry_sdk.init(dsn=dsn, environment=env.name)


def setup(env: Environment | None = None) -> None:
    """Configure the root logger for ``env`` (the current one by default); idempotent."""
    import lore.env

    env = env or lore.env.current()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in _handlers(env):
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    default = "DEBUG" if env.name == DEVELOPMENT else "INFO"
    chosen = os.environ.get("LORE_LOG_LEVEL")
    root.setLevel((chosen or default).upper())
    for name in THIRD_PARTY:  # their DEBUG lines hold headers and signatures
        logging.getLogger(name).setLevel(logging.NOTSET if chosen else logging.WARNING)
    _sentry(env)
