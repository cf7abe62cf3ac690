"""What ``lore api`` reads from the environment, checked once at start-up.

Every setting is an environment variable (or a line in the project's ``.env``), so
the same image runs in every environment:

===========================  ==============  =======================================================
variable                     default         meaning
===========================  ==============  =======================================================
``LORE_API_ALIAS``           (none)          fitting alias or number to serve; without it,
                                             ``production`` when that alias exists, else the latest
``LORE_API_TOKEN``           (none)          bearer token every request must carry (not in
                                             development; ``/health`` and ``/ready`` stay open)
``LORE_API_MAX_BODY``        ``10000000``    largest request body, in bytes (413 above)
``LORE_API_MAX_ROWS``        ``10000``       most rows in one request (413 above)
``LORE_API_MAX_VALUES``      ``1000000``     most JSON values (numbers, strings, lists, objects...)
                                             in one body, counted before decoding (413 above)
``LORE_API_TIMEOUT``         ``30``          seconds a prediction may take (504 after)
``LORE_API_HEADER_TIMEOUT``  ``10``          seconds from a connection's first byte (or its
                                             opening) to the end of the request headers (408)
``LORE_API_READ_TIMEOUT``    ``10``          seconds from the end of the headers to the end of
                                             the body, first read included (408)
``LORE_API_KEEP_ALIVE``      ``5``           seconds an idle keep-alive connection stays open
``LORE_API_BATCHING``        ``1``           merge concurrent single-row requests into one
                                             prediction (:mod:`lore.server.batching`); ``0``: off
``LORE_API_ACCESS_LOG``      production      ``1`` or ``0``: one log record per request
===========================  ==============  =======================================================

>>> settings = Settings.from_environment({"LORE_API_MAX_ROWS": "50"})
>>> settings.max_rows, settings.alias
(50, None)
>>> Settings.from_environment({"LORE_API_MAX_ROWS": "many"})
Traceback (most recent call last):
...
lore.errors.ConfigError: LORE_API_MAX_ROWS='many' is not a whole number above 0; set it to one (default 10000)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from lore.errors import ConfigError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


@dataclasses.dataclass(frozen=True)
class Settings:
    """The server's settings; see the module documentation for each one."""

    alias: str | None = None
    token: str | None = None
    max_body: int = 10_000_000
    max_rows: int = 10_000
    max_values: int = 1_000_000
    timeout: float = 30.0
    header_timeout: float = 10.0
    read_timeout: float = 10.0
    keep_alive: float = 5.0
    batching: bool = True
    access_log: bool = False

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, environment: str | None = None
    ) -> Settings:
        """Settings from ``environ`` (``os.environ`` by default) for ``environment``'s name.

        A token is ignored in development, and access logs default to on in production.
        """
        environ = os.environ if environ is None else environ
        production = environment == "production"
        token = environ.get("LORE_API_TOKEN") or None
        return cls(
            alias=environ.get("LORE_API_ALIAS") or None,
            token=None if environment == "development" else token,
            max_body=_number(environ, "LORE_API_MAX_BODY", cls.max_body, int),
            max_rows=_number(environ, "LORE_API_MAX_ROWS", cls.max_rows, int),
            max_values=_number(environ, "LORE_API_MAX_VALUES", cls.max_values, int),
            timeout=_number(environ, "LORE_API_TIMEOUT", cls.timeout, float),
            header_timeout=_number(environ, "LORE_API_HEADER_TIMEOUT", cls.header_timeout, float),
            read_timeout=_number(environ, "LORE_API_READ_TIMEOUT", cls.read_timeout, float),
            keep_alive=_number(environ, "LORE_API_KEEP_ALIVE", cls.keep_alive, float),
            batching=_flag(environ, "LORE_API_BATCHING", True),
            access_log=_flag(environ, "LORE_API_ACCESS_LOG", production),
        )


def _number(environ: Mapping[str, str], name: str, default: float, kind: type) -> float:
    text = environ.get(name)
    if text is None or text == "":
        return default
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if value <= 0:
        what = "whole number" if kind is int else "number"
        shown = int(default) if kind is int else default
        raise ConfigError(f"{name}={text!r} is not a {what} above 0; set it to one (default {shown})")
    return value


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    text = environ.get(name)
    if text is None:
        return default
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}={text!r} is neither on nor off; set it to 1 or 0")
