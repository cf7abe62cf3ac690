"""A lazy database connection over SQLAlchemy 2, with extracts, caching and fast paths.

Nothing connects until the first query, so a project imports and starts with no
database reachable. Each connection reads, writes and caches DataFrames:

>>> conn = Connection("doc", "sqlite://")
>>> conn.insert("scores", __import__("pandas").DataFrame({"name": ["a", "b"], "score": [1, 2]}))
>>> conn.dataframe("SELECT name FROM scores WHERE score > %(low)s", low=1)["name"].tolist()
['b']
>>> conn.select("SELECT count(*) FROM scores WHERE name IN %(names)s", names=["a", "b"])
[(2,)]

On PostgreSQL, :meth:`Connection.dataframe` reads and :meth:`~Connection.insert` writes
with binary ``COPY`` through ADBC (see :mod:`lore.io.postgres_fast`); every other database goes through
SQLAlchemy. Every statement is bound, never formatted, and carries a metadata comment.

The statements inside ``with conn:`` run in one transaction, committed at the end of
the block or rolled back if it raises (nested blocks are savepoints):

>>> with conn as transaction:
...     transaction.execute("DELETE FROM scores; INSERT INTO scores VALUES ('c', 3)")
1
>>> conn.select("SELECT name FROM scores")
[('c',)]

Outside a transaction, a read that finds its connection dropped by the server (restarted,
idle timeout, expired credentials) reconnects and runs once more, with a warning in the log.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lore.io.extracts as extracts
from lore.compat import old_keywords
from lore.errors import ConnectionFailed, DataError, MissingDependency, ParameterError, QueryError
from lore.io.recorder import record
from lore.io.statement import Statement, caller
from lore.util import mask_url, timer

if TYPE_CHECKING:
    import pandas as pd

    from lore.io.cache import Cache

logger = logging.getLogger(__name__)
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_LINE = re.compile(r"LINE (\d+):")
#: IN lists longer than this are read through psycopg, not ADBC: ADBC's reads of a 1,000-value
#: list measured 40x slower than a scalar range (benchmarks/bench_io.py), psycopg's about 2x.
ADBC_LONGEST_LIST = 8
_INHERITED: list[Any] = []  # ADBC connections a forked child inherited, kept open for the parent
_EXPIRED = re.compile(r"(token|credential|session)s? (has |have )?expired|re-?authenticat", re.I)


def _dropped(error: BaseException | None) -> bool:
    """Whether ``error`` says the server dropped the connection (or its credentials expired)."""
    import sqlalchemy.exc

    if error is None:
        return False
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    if type(error).__module__.startswith("adbc_driver"):
        from adbc_driver_manager import AdbcStatusCode

        if getattr(error, "status_code", None) in (AdbcStatusCode.IO, AdbcStatusCode.UNAUTHENTICATED):
            return True
    return _EXPIRED.search(str(error)) is not None


def database_url(url: str) -> str:
    """``url`` with the ``postgres://`` scheme (Heroku's, the original lore's) spelled ``postgresql://``.

    >>> database_url("postgres://me@db/app"), database_url("postgres+psycopg2://db/app")
    ('postgresql://me@db/app', 'postgresql+psycopg2://db/app')
    """
    scheme, separator, rest = url.partition("://")
    if separator and (scheme == "postgres" or scheme.startswith("postgres+")):
        return "postgresql" + scheme[len("postgres") :] + separator + rest
    return url


def _project() -> str | None:
    import lore.env

    return lore.env.current().app


class Connection:
    """The database at ``url``, known to the project as ``name``.

    Parameters
    ----------
    name
        The connection's name (the ``config/database.cfg`` section, lower case).
    url
        A SQLAlchemy URL (``postgresql://user:pw@host/db``, ``sqlite:///path``).
    cache
        Where ``dataframe(..., cache=True)`` keeps results; by default a
        :class:`~lore.io.disk_cache.DiskCache` in ``data/cache/<name>/``.
    fast
        Use the PostgreSQL fast paths (ADBC reads, COPY writes) when available.
    """

    def __init__(self, name: str, url: str, *, cache: Cache | None = None, fast: bool = True) -> None:
        self.name = name
        self.url = database_url(url)
        self._cache = cache
        self.fast = fast
        self._lock = threading.Lock()
        self._adbc: Any = None
        self._adbc_pid = 0
        self._engine_pid = os.getpid()
        self._local = threading.local()  # this thread's open transactions: [(connection, transaction)]

    def __repr__(self) -> str:
        return f"Connection({self.name!r}, {mask_url(self.url)!r})"

    # -- plumbing -------------------------------------------------------------------

    @cached_property
    def engine(self) -> Any:
        """The SQLAlchemy engine (created on first use; connects on first query)."""
        try:
            import sqlalchemy
        except ImportError:
            raise MissingDependency("sqlalchemy", "sql", f"the database connection {self.name!r}") from None
        try:
            url = sqlalchemy.make_url(self.url)
            url.port  # noqa: B018 - a port that is not a number fails here, not at the first query
        except (sqlalchemy.exc.ArgumentError, ValueError) as error:
            reason = "the port is not a number" if isinstance(error, ValueError) else mask_url(str(error))
            raise ConnectionFailed(
                f"connection {self.name!r}: {mask_url(self.url)} is not a database URL ({reason}); "
                "write it as <dialect>://<user>:<password>@<host>:<port>/<database> in config/database.cfg"
            ) from None
        if url.drivername == "postgresql":  # the driver the sql extra installs, whatever SQLAlchemy's default
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            kwargs["poolclass"] = sqlalchemy.pool.StaticPool  # one shared in-memory database
            kwargs["connect_args"] = {"check_same_thread": False}
        try:
            return sqlalchemy.create_engine(url, **kwargs)
        except sqlalchemy.exc.NoSuchModuleError:
            raise ConnectionFailed(
                f"connection {self.name!r}: {mask_url(self.url)} names the unknown dialect "
                f"{url.drivername!r}; use postgresql://, sqlite:///, mysql://... (or install the "
                "SQLAlchemy dialect package that provides it)"
            ) from None
        except ImportError as missing:  # the dialect's driver (psycopg2, pymysql...)
            driver = missing.name or url.get_driver_name()
            if url.get_backend_name() == "postgresql":
                raise MissingDependency(driver, "sql", f"PostgreSQL ({self.name!r})") from None
            raise DataError(
                f"connection {self.name!r}: {mask_url(self.url)} needs the driver {driver}, which is not "
                f"installed; pip install {driver} (or name an installed one: dialect+driver://...)"
            ) from None

    @property
    def backend(self) -> str:
        """``postgresql``, ``sqlite``, ``mysql``..."""
        return self.engine.dialect.name

    @property
    def cache(self) -> Cache:
        """The cache of ``dataframe(..., cache=True)``."""
        if self._cache is None:
            import lore.env
            from lore.io.disk_cache import DiskCache

            self._cache = DiskCache(lore.env.current().data_dir / "cache" / self.name)
        return self._cache

    def _unreachable(self, error: Exception) -> ConnectionFailed:
        message = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return ConnectionFailed(
            f"cannot connect to {self.name!r} at {mask_url(self.url)}: {message}. Check that the server "
            f"runs and accepts connections from this machine, the host, port, user and password, and "
            f"the url of [{self.name.upper()}] in config/database.cfg (or the variable it names)"
        )

    def _open(self) -> Any:
        import sqlalchemy.exc

        if self._engine_pid != os.getpid():  # forked: leave the parent's pooled sessions alone
            self.engine.dispose(close=False)
            self._engine_pid = os.getpid()
        try:
            return self.engine.connect()
        except sqlalchemy.exc.DBAPIError as error:
            raise self._unreachable(error) from None

    def _begin(self, connection: Any) -> Any:
        """Begin a transaction that also covers DDL (pysqlite runs DDL outside one otherwise)."""
        transaction = connection.begin()
        if self.backend == "sqlite":
            dbapi = connection.connection.dbapi_connection
            if not dbapi.in_transaction:
                dbapi.execute("BEGIN")
        return transaction

    @property
    def _transactions(self) -> list[tuple[Any, Any]]:
        stack = getattr(self._local, "stack", None)
        if stack is None or getattr(self._local, "pid", None) != os.getpid():
            stack = self._local.stack = []
            self._local.pid = os.getpid()
        return stack

    @property
    def in_transaction(self) -> bool:
        """Whether this thread is inside ``with conn:``."""
        return bool(self._transactions)

    def __enter__(self) -> Connection:
        """Begin a transaction (a savepoint when nested) for this thread's statements."""
        stack = self._transactions
        if stack:
            connection = stack[0][0]
            stack.append((connection, connection.begin_nested()))
        else:
            connection = self._open()
            try:
                stack.append((connection, self._begin(connection)))
            except BaseException:
                connection.close()
                raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: Any) -> None:
        """Commit the transaction, or roll it back if the block raised."""
        stack = self._transactions
        connection, transaction = stack.pop()
        try:
            if kind is None:
                transaction.commit()
            else:
                transaction.rollback()
        finally:
            if not stack:
                connection.close()

    @contextlib.contextmanager
    def _connect(self, **options: Any) -> Iterator[Any]:
        """A SQLAlchemy connection in a transaction (the open one inside ``with conn:``)."""
        stack = self._transactions
        if stack:
            connection = stack[-1][0]
            yield connection.execution_options(**options) if options else connection
            return
        with self._open() as connection:
            if options:
                connection = connection.execution_options(**options)
            with self._begin(connection):
                yield connection

    def _retrying(self, statement: Statement, attempt: Any) -> Any:
        """``attempt()``, once more after a warning if the server dropped the connection.

        Only for a single query that reads, outside a transaction: a write may have
        happened before the drop, and a transaction's earlier statements are gone with
        its connection.
        """
        with self._errors(statement):
            try:
                return attempt()
            except Exception as error:
                dropped = _dropped(error) or _dropped(error.__cause__)
                if not dropped or not statement.reads or self.in_transaction:
                    raise
                first = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                logger.warning(
                    "connection %r to %s was dropped (%s); reconnecting and retrying the read once",
                    self.name,
                    mask_url(self.url),
                    first,
                )
                return attempt()  # the dropped ADBC session is closed, SQLAlchemy's pool invalidated

    @contextlib.contextmanager
    def _adbc_connection(self) -> Iterator[Any]:
        """The ADBC connection, one thread at a time; dropped after an error (reconnects next time)."""
        from lore.io import postgres_fast

        with self._lock:
            if self._adbc is not None and self._adbc_pid != os.getpid():
                # inherited through fork: the parent's session. Never use it, and never let it
                # be garbage-collected here either (closing it would end the parent's session).
                _INHERITED.append(self._adbc)
                self._adbc = None
            if self._adbc is None:
                try:
                    self._adbc = postgres_fast.connect(self.url)
                    self._adbc_pid = os.getpid()
                except ImportError:  # a missing package, not an unreachable server
                    raise
                except Exception as error:  # ADBC raises its own DBAPI errors
                    raise self._unreachable(error) from None
            try:
                yield self._adbc
            except BaseException:
                self._close_adbc()
                raise

    def _close_adbc(self) -> None:
        if self._adbc is not None:
            try:
                self._adbc.close()
            except Exception as error:  # a dead connection may refuse to close cleanly
                logger.debug("closing the ADBC connection of %s: %s", self.name, error)
            self._adbc = None

    def _statement(self, extract_or_sql: str, params: dict[str, Any]) -> Statement:
        if not isinstance(extract_or_sql, str) or not extract_or_sql.strip():
            raise ParameterError(f"expected an extract name or SQL text, got {extract_or_sql!r}")
        if extracts.looks_like_name(extract_or_sql):
            path = extracts.find(extract_or_sql)
            name = (
                str(Path(extract_or_sql).with_suffix(""))
                if extract_or_sql.endswith(".sql")
                else extract_or_sql
            )
            return Statement(path.read_text(encoding="utf-8"), params, extract=name, path=path)
        return Statement(extract_or_sql, params)

    def _failed(self, statement: Statement, error: Exception) -> QueryError:
        orig = getattr(error, "orig", None) or error
        message = str(orig).strip()
        line = None
        position = getattr(getattr(orig, "diag", None), "statement_position", None)
        rendered = getattr(error, "statement", None)
        if position and rendered:
            line = rendered[: int(position) - 1].count("\n") + 1
        elif (found := _LINE.search(message)) is not None:
            line = int(found.group(1))
        head = statement.sql.strip().splitlines()[0][:80]
        where = f"extract {statement.extract!r} ({statement.path})" if statement.extract else f"{head!r}"
        at = f", line {line}" if line else ""
        return QueryError(f"{where}{at} failed on {self.name!r}: {message}")

    @contextlib.contextmanager
    def _errors(self, statement: Statement) -> Iterator[None]:
        self.engine  # noqa: B018 - MissingDependency, not an ImportError, when SQLAlchemy is absent
        import sqlalchemy.exc

        try:
            yield
        except DataError:
            raise
        except Exception as wrapper:
            error = wrapper.__cause__ if isinstance(wrapper.__cause__, sqlalchemy.exc.DBAPIError) else wrapper
            if not isinstance(error, sqlalchemy.exc.DBAPIError):
                if type(error).__module__.startswith(("adbc_driver", "pyarrow")) or isinstance(
                    error, self.engine.dialect.loaded_dbapi.Error
                ):
                    raise self._failed(statement, error) from None
                raise
            if error.connection_invalidated:
                raise self._unreachable(error) from None
            raise self._failed(statement, error) from None

    def _prefix(self, statement: Statement) -> str:
        return statement.comment(_project(), caller())

    def _entry(self, statement: Statement) -> dict[str, Any]:
        entry = {
            "connection": self.name,
            "extract": statement.extract,
            "sql_sha256": statement.sha256,
            "params": statement.log_params(),
            "rows": 0,
        }
        record(entry)
        return entry

    def cache_key(self, statement: Statement) -> str:
        """The cache key of a statement: SHA-256 of connection, SQL text and type-tagged parameters."""
        identity = json.dumps(
            ["lore-cache-2", self.name, self.url, statement.sql, statement.typed_params()], sort_keys=True
        )
        return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()

    def _from_cache(self, key: str) -> pd.DataFrame | None:
        """The cached frame of ``key``; a failing cache is a warning and a miss."""
        try:
            return self.cache.get(key)
        except Exception as error:  # a cache must never stop a read the database can serve
            logger.warning("query cache of %s failed (%s); reading from the database", self.name, error)
            return None

    def _to_cache(self, key: str, frame: pd.DataFrame) -> None:
        try:
            self.cache.set(key, frame)
        except Exception as error:
            logger.warning("query cache of %s failed (%s); the result is not cached", self.name, error)

    # -- reading --------------------------------------------------------------------

    @old_keywords
    def dataframe(
        self,
        extract_or_sql: str,
        *,
        cache: bool = False,
        chunksize: int | None = None,
        partitions: int | None = None,
        index: str | None = None,
        **params: Any,
    ) -> pd.DataFrame | Iterator[pd.DataFrame]:
        """Run an extract (by name) or SQL text; the result as a DataFrame.

        Parameters
        ----------
        extract_or_sql
            An extract name (``<app>/extracts/<name>.sql``) or SQL text.
        cache
            Keep the result in :attr:`cache`, keyed by SQL, parameters and connection.
        chunksize
            Return an iterator of frames of at most this many rows, read as a stream
            (memory bounded by the chunk, not the result).
        partitions, index
            Return a lazy Dask DataFrame of ``partitions`` ranges of the column ``index``,
            each read by its own bound query where it is computed (see
            :mod:`lore.io.partitioned`).
        **params
            Values of the ``%(name)s`` parameters, always bound by the driver.
        """
        if partitions is not None or index is not None:
            from lore.io.partitioned import read

            if cache or chunksize is not None or partitions is None or index is None:
                raise ParameterError("partitions= needs index= (a column), without cache or chunksize")
            return read(self, extract_or_sql, partitions=partitions, index=index, params=params)
        statement = self._statement(extract_or_sql, params)
        if chunksize is not None:
            if cache:
                raise ParameterError(
                    "cache=True cannot be combined with chunksize; cache a full read instead"
                )
            if not isinstance(chunksize, int) or chunksize < 1:
                raise ParameterError(f"chunksize must be a positive integer, not {chunksize!r}")
            return self._chunks(statement, chunksize)
        entry = self._entry(statement)
        key = self.cache_key(statement) if cache else None
        if key is not None:
            frame = self._from_cache(key)
            if frame is not None:
                entry["rows"] = len(frame)
                return frame
        with timer(f"lore.io.{self.name}.{statement.extract or 'sql'}", level=logging.DEBUG):
            frame = self._read(statement)
        entry["rows"] = len(frame)
        if key is not None:
            self._to_cache(key, frame)
        return frame

    def _read(self, statement: Statement) -> pd.DataFrame:
        import pandas as pd

        *before, last = statement.split()

        def attempt() -> pd.DataFrame:
            if not before and self._adbc_reads(statement):
                from lore.io import postgres_fast as postgres

                sql, values = statement.numbered(self._prefix(statement))
                with self._adbc_connection() as adbc:
                    return postgres.read(adbc, sql, values)
            with self._connect() as connection:
                self._run(connection, before)
                clause, values = last.clause(self._prefix(last))
                return pd.read_sql(clause, connection, params=values)

        return self._retrying(statement, attempt)

    def _run(self, connection: Any, statements: list[Statement]) -> Any:
        """Execute ``statements`` in order on ``connection``; the last one's result."""
        result = None
        for statement in statements:
            clause, values = statement.clause(self._prefix(statement))
            result = connection.execute(clause, values)
        return result

    def _adbc_reads(self, statement: Statement) -> bool:
        """Whether ``statement`` is read through ADBC.

        Not with string parameters: ADBC types them as text, so ``date_column >= $1`` would
        fail, where psycopg leaves them for PostgreSQL to type from context. Not inside a
        transaction either: its uncommitted rows are visible on its own connection only.
        Not with long ``IN`` lists (:data:`ADBC_LONGEST_LIST`).
        """
        return (
            self._fast_postgres() and not statement.binds_text and statement.longest_list <= ADBC_LONGEST_LIST
        )

    def _fast_postgres(self) -> bool:
        """Whether the ADBC fast path serves this connection (PostgreSQL, the driver installed)."""
        if not (self.fast and self.backend == "postgresql" and not self.in_transaction):
            return False
        from lore.io import postgres_fast

        return postgres_fast.available()

    def _chunks(self, statement: Statement, chunksize: int) -> Iterator[pd.DataFrame]:
        import pandas as pd

        entry = self._entry(statement)
        if self._adbc_reads(statement):
            from lore.io import postgres_fast

            sql, numbered = statement.numbered(self._prefix(statement))
            try:
                adbc = postgres_fast.connect(self.url)  # its own: the caller may query meanwhile
            except Exception as error:  # ADBC raises its own DBAPI errors
                raise self._unreachable(error) from None
            frames = postgres_fast.read_chunks(adbc, sql, numbered, chunksize)
            with self._errors(statement):
                for frame in frames:
                    entry["rows"] += len(frame)
                    yield frame
            return
        clause, values = statement.clause(self._prefix(statement))
        with (
            self._errors(statement),
            self._connect(stream_results=True, max_row_buffer=chunksize) as connection,
        ):
            for frame in pd.read_sql(clause, connection, params=values, chunksize=chunksize):
                entry["rows"] += len(frame)
                yield frame

    @old_keywords
    def select(self, extract_or_sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run a query; its rows as tuples.

        With several statements (``;``), they run in order in one transaction and the
        rows are the last one's.
        """
        statement = self._statement(extract_or_sql, params)
        entry = self._entry(statement)
        statements = statement.split()

        def attempt() -> list[tuple[Any, ...]]:
            with self._connect() as connection:
                result = self._run(connection, statements)
                return [tuple(row) for row in result] if result.returns_rows else []

        rows = self._retrying(statement, attempt)
        entry["rows"] = len(rows)
        return rows

    @old_keywords
    def execute(self, extract_or_sql: str, **params: Any) -> int:
        """Run statements (DDL, UPDATE...) in one transaction; the rows the last one touched.

        Several statements separated by ``;`` run in order, all or none.
        """
        statement = self._statement(extract_or_sql, params)
        with self._errors(statement), self._connect() as connection:
            return self._run(connection, statement.split()).rowcount

    # -- writing --------------------------------------------------------------------

    def _quote(self, table: str) -> str:
        if not isinstance(table, str) or not _TABLE.match(table):
            raise ParameterError(
                f"table name {table!r} is not a plain identifier; use letters, digits and _ "
                "(optionally schema.table)"
            )
        preparer = self.engine.dialect.identifier_preparer
        return ".".join(preparer.quote(part) for part in table.split("."))

    def insert(self, table: str, frame: pd.DataFrame, *, batch_size: int | None = None) -> None:
        """Append ``frame`` to ``table`` (created from the frame's dtypes if absent).

        PostgreSQL: binary ``COPY`` through ADBC, one statement, so all rows or none.
        SQLite: ``executemany`` in one transaction. Others (and PostgreSQL inside
        ``with conn:``): ``DataFrame.to_sql`` in one transaction.

        Parameters
        ----------
        table
            ``name`` or ``schema.name``.
        frame
            The rows to append.
        batch_size
            Send at most this many rows per statement (bounds the memory of one batch).
            On the PostgreSQL fast path each batch is its own ``COPY``, committed on its
            own; elsewhere all batches share one transaction.
        """
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ParameterError(f"batch_size must be a positive integer, not {batch_size!r}")
        size = batch_size or max(len(frame), 1)
        batches = [frame.iloc[start : start + size] for start in range(0, len(frame), size)] or [frame]
        quoted = self._quote(table)
        statement = Statement(f"INSERT INTO {quoted}", {})
        schema, _, name = table.rpartition(".")
        where = {"schema": schema or None, "if_exists": "append", "index": False}
        with self._errors(statement):
            if self._fast_postgres():
                from lore.io import postgres_fast

                with self._adbc_connection() as adbc:
                    for batch in batches:
                        postgres_fast.ingest(adbc, table, batch)
                return
            with self._connect() as connection:
                if self.backend == "sqlite":
                    from lore.io import bulk_rows

                    frame.head(0).to_sql(name, connection, **where)
                    preparer = self.engine.dialect.identifier_preparer
                    columns = [preparer.quote(str(column)) for column in frame.columns]
                    for batch in batches:
                        bulk_rows.executemany(connection.connection.dbapi_connection, quoted, columns, batch)
                else:
                    frame.to_sql(name, connection, chunksize=batch_size or 10_000, **where)

    def replace(self, table: str, frame: pd.DataFrame | Iterable[pd.DataFrame]) -> None:
        """Replace ``table`` by ``frame``: readers see the old table until the new one is complete.

        The frame goes into a staging table first; dropping the old table and renaming
        the new one then happen in one transaction. ``frame`` may be an iterable of
        frames (chunks), inserted one after another into the staging table, so a table
        larger than memory is replaced with one chunk in memory at a time.
        """
        quoted = self._quote(table)
        schema, _, name = table.rpartition(".")
        staging_name = f"{name}__lore_{uuid.uuid4().hex[:8]}"
        staged = self._quote(f"{schema}.{staging_name}" if schema else staging_name)
        try:
            chunks = [frame] if hasattr(frame, "columns") else frame
            inserted = 0
            for chunk in chunks:
                self.insert(f"{schema}.{staging_name}" if schema else staging_name, chunk)
                inserted += 1
            if not inserted:
                raise DataError(f"replace({table!r}) got no frames: {table} is unchanged")
            with self._errors(Statement(f"REPLACE {quoted}", {})), self._connect() as connection:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quoted}")
                connection.exec_driver_sql(f"ALTER TABLE {staged} RENAME TO {self._quote(name)}")
        except BaseException:
            with self._connect() as connection:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {staged}")
            raise

    @contextlib.contextmanager
    def temporary_table(self, frame: pd.DataFrame, prefix: str = "lore_tmp") -> Iterator[str]:
        """Upload ``frame`` to a uniquely named table, yield its name, drop it afterwards.

        Use it to join local data against the database:
        ``with conn.temporary_table(ids) as t: conn.dataframe(f"SELECT ... JOIN {t} ...")``.
        """
        table = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.insert(table, frame)
        try:
            yield table
        finally:
            with self._connect() as connection:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {self._quote(table)}")

    def close(self) -> None:
        """Close pooled connections (the next query reconnects)."""
        with self._lock:
            self._close_adbc()
        if "engine" in self.__dict__:
            self.engine.dispose()
