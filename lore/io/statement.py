"""SQL text with ``%(name)s`` parameters, turned into a safely bound statement.

Extracts name their parameters ``%(name)s`` (``%%`` is a literal ``%``). A
:class:`Statement` checks the parameters given against those the text uses (a missing
or an extra one is a :class:`~lore.errors.ParameterError` naming it), and renders the
text for a driver with placeholders only: values are always bound by the database
driver, never formatted into the SQL. A list or tuple expands to one placeholder per
item, for ``IN (...)``. Text with several statements separated by ``;`` splits into
one :class:`Statement` each (:meth:`Statement.split`), each with the parameters it uses.

Every statement starts with a comment carrying metadata (project, extract and the
calling file and line), on the same line as the first line of the query so the
database's line numbers still match the extract file::

    /* lore {"project": "churn", "extract": "subscribers", "caller": "app/models.py:12"} */

>>> s = Statement("SELECT * FROM t WHERE id IN %(ids)s AND name = %(name)s", {"ids": [1, 2], "name": "x"})
>>> s.numbered()
('SELECT * FROM t WHERE id IN ($1, $2) AND name = $3', [1, 2, 'x'])
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lore.errors import ParameterError
from lore.util import optional

_TOKEN = re.compile(r"%%|%\((\w+)\)s")
# what a ';' inside does not end a statement: quoted text, identifiers, comments, $tag$ bodies
_PIECE = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|\$(\w*)\$.*?\$\1\$|;""", re.S)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_READS = frozenset({"select", "with", "values", "show", "explain", "table"})
_SCALARS = (str, int, float, bool, bytes, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)
# frames that are lore's own plumbing: lore.io, and the old-keyword wrappers of lore.compat
_PLUMBING = (str(Path(__file__).parent), str(Path(__file__).parent.parent / "compat.py"))


def _check_value(name: str, value: Any) -> None:
    if value is None or isinstance(value, _SCALARS):
        return
    type_name = type(value).__name__
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalars
        return
    raise ParameterError(
        f"parameter {name!r} is a {type_name}, which cannot be bound; pass a number, string, "
        "date/datetime, None, or a list/tuple of those (for IN)"
    )


def _native(value: Any) -> Any:
    return value.item() if hasattr(value, "item") and not isinstance(value, (list, tuple)) else value


def typed(value: Any) -> list[Any]:
    """``value`` as ``[type tag, JSON value]``, so that values of different types never coincide.

    >>> typed(b"abc"), typed("b'abc'"), typed([1, True])
    (['bytes', '616263'], ['str', "b'abc'"], ['list', [['int', '1'], ['bool', True]]])
    """
    if value is None:
        return ["none"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, float):
        return ["float", value.hex()]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, (list, tuple)):
        return ["list", [typed(item) for item in value]]
    if isinstance(value, datetime.timedelta):
        return ["timedelta", [value.days, value.seconds, value.microseconds]]
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, decimal.Decimal):
        return ["decimal", str(value)]
    native = _native(value)
    if native is not value:
        return typed(native)
    return [f"{type(value).__module__}.{type(value).__qualname__}", repr(value)]


def caller() -> str:
    """``file:line`` of the first frame outside lore.io (who ran the query)."""
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PLUMBING):
        frame = frame.f_back
    if frame is None:  # pragma: no cover - always called from somewhere
        return "?"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


@dataclass
class Statement:
    """A query's text (``%(name)s`` parameters) with its values and metadata."""

    sql: str
    params: dict[str, Any]
    extract: str | None = None
    path: Path | None = None
    names: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.names = list(dict.fromkeys(m.group(1) for m in _TOKEN.finditer(self.sql) if m.group(1)))
        where = f"extract {self.extract!r}" if self.extract else "the query"
        missing = [name for name in self.names if name not in self.params]
        if missing:
            raise ParameterError(
                f"{where} needs parameter(s) {', '.join(missing)}; pass them as keyword arguments, "
                f"e.g. {missing[0]}=..."
            )
        extra = [name for name in self.params if name not in self.names]
        if extra:
            used = ", ".join(self.names) or "none"
            raise ParameterError(
                f"{where} does not use parameter(s) {', '.join(extra)} (it uses: {used}); "
                "remove them or add %(name)s to the SQL"
            )
        for name, value in self.params.items():
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                _check_value(name, item)
            if isinstance(value, (list, tuple)) and not value:
                raise ParameterError(
                    f"parameter {name!r} is an empty list; IN () matches nothing, skip the query"
                )

    @property
    def binds_text(self) -> bool:
        """Whether a parameter is a string (PostgreSQL types those from context only if untyped)."""
        values = self.values().values()
        return any(
            isinstance(item, str)
            for value in values
            for item in (value if isinstance(value, list) else [value])
        )

    @property
    def longest_list(self) -> int:
        """The number of items of the longest list parameter (0 without one)."""
        return max(
            (len(value) for value in self.params.values() if isinstance(value, (list, tuple))), default=0
        )

    @property
    def sha256(self) -> str:
        """SHA-256 of the SQL text (without the metadata comment)."""
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def comment(self, project: str | None, origin: str) -> str:
        """The metadata comment prefixed to the statement."""
        meta = {"project": project, "extract": self.extract, "caller": origin}
        text = json.dumps(meta, default=str).replace("*/", "* /")
        return f"/* lore {text} */ "

    def numbered(self, prefix: str = "") -> tuple[str, list[Any]]:
        """Text with ``$1, $2...`` placeholders and the values in order (libpq, ADBC)."""
        values: list[Any] = []

        def place(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return "%"
            value = self.params[match.group(1)]
            if isinstance(value, (list, tuple)):
                start = len(values)
                values.extend(_native(item) for item in value)
                return "(" + ", ".join(f"${start + i + 1}" for i in range(len(value))) + ")"
            values.append(_native(value))
            return f"${len(values)}"

        return prefix + _TOKEN.sub(place, self.sql), values

    def clause(self, prefix: str = "") -> Any:
        """A SQLAlchemy ``text()`` clause with bound (expanding for lists) parameters."""
        sqlalchemy = optional("sqlalchemy", "sql", "SQL statements")

        def place(match: re.Match[str]) -> str:
            return "%" if match.group(1) is None else f":{match.group(1)}"

        # colons in the SQL itself (casts, literals) must not be read as parameters
        text = _TOKEN.sub(place, (prefix + self.sql).replace(":", "\\:"))
        binds = [
            sqlalchemy.bindparam(name, expanding=isinstance(self.params[name], (list, tuple)))
            for name in self.names
        ]
        return sqlalchemy.text(text).bindparams(*binds), self.values()

    @property
    def reads(self) -> bool:
        """Whether the text is one query that only reads (``SELECT``, ``WITH``, ``VALUES``...).

        >>> Statement("/* x */ SELECT 1", {}).reads, Statement("DELETE FROM t", {}).reads
        (True, False)
        """
        words = _COMMENT.sub(" ", self.sql).split(None, 1)
        return bool(words) and words[0].lower() in _READS and len(self.split()) == 1

    def split(self) -> list[Statement]:
        """The statements of the text, in order (itself when it holds one).

        A ``;`` inside quotes, comments or a ``$$`` body does not split; pieces holding
        only comments or whitespace are dropped.

        >>> [s.sql for s in Statement("CREATE TABLE t (a text); INSERT INTO t VALUES (';')", {}).split()]
        ['CREATE TABLE t (a text)', "INSERT INTO t VALUES (';')"]
        """
        if ";" not in self.sql:
            return [self]
        pieces, start = [], 0
        for match in _PIECE.finditer(self.sql):
            if match.group(0) == ";":
                pieces.append(self.sql[start : match.start()])
                start = match.end()
        pieces.append(self.sql[start:])
        pieces = [piece.strip() for piece in pieces if _COMMENT.sub("", piece).strip()]
        if len(pieces) <= 1:
            return [self]
        return [
            Statement(
                piece,
                {name: self.params[name] for name in self.names if f"%({name})s" in piece},
                extract=self.extract,
                path=self.path,
            )
            for piece in pieces
        ]

    def values(self) -> dict[str, Any]:
        """Parameters with numpy scalars as Python values (lists stay lists)."""
        return {
            name: [_native(item) for item in value] if isinstance(value, (list, tuple)) else _native(value)
            for name, value in self.params.items()
        }

    def typed_params(self) -> dict[str, Any]:
        """Parameters with their types, as JSON: what a cache key is made of.

        ``b'abc'`` and ``"b'abc'"``, ``1`` and ``"1"`` or ``1.0``, a date and its ISO
        text, all give different values here (:func:`typed`).
        """
        return {name: typed(value) for name, value in self.values().items()}

    def log_params(self) -> dict[str, Any]:
        """Parameters as JSON values (for :func:`lore.io.recording` and cache keys)."""
        return json.loads(json.dumps(self.values(), default=str))
