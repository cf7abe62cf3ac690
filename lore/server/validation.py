"""Turn a request body into the DataFrame a pipeline expects, or a :class:`BadRequest`.

A body is JSON in one of three shapes: one record ``{"col": value, ...}``, a batch of
records ``[{...}, {...}]``, or columns ``{"col": [v1, v2], ...}``. Each raw input
column of the pipeline's ``input_schema()`` must be present, and each value must
have the declared type (``null`` is a missing value, which the encoders handle).
Columns the schema does not name are ignored, whatever they hold. Checks run per
column, vectorized; only a rejected column is scanned value by value, to name the
first bad row. Records are read with ``operator.itemgetter`` and ``zip``, which walk
them in C. A schema of numbers only takes a faster way first (:func:`number_records`):
msgspec decodes the records straight into typed structs and one float matrix, and
anything it cannot vouch for takes the general way, which gives the same arrays
(tested against it, with hypothesis) and the same errors.

Memory is bounded before any Python object is built: :func:`check_size` counts the
rows and the JSON values of the raw bytes (numpy, outside strings) and refuses a body
over ``max_rows`` rows or ``max_values`` values, so a decoded body holds at most
``max_values`` objects. Nothing here recurses (msgspec's and orjson's depth limits
are errors, which the general way reports), and an error quotes at most
:data:`QUOTE` characters of a bad value (:func:`quote`).

>>> schema = {"age": "number", "name": "string"}
>>> parse(b'{"age": 31, "name": "Ann"}', schema, max_rows=10).to_dict("list")
{'age': [31.0], 'name': ['Ann']}
>>> parse(b'[{"age": "old", "name": "Ann"}]', schema, max_rows=10)
Traceback (most recent call last):
...
lore.errors.BadRequest: column 'age' must be a number (or null); row 0 has 'old'
"""

from __future__ import annotations

import functools
import re
from typing import Any

from lore.errors import BadRequest

#: The most characters of a bad value an error message quotes.
QUOTE = 40
#: NaN or Infinity where orjson stopped (at the sign of ``-Infinity``, or just after it).
_NOT_JSON = re.compile(rb"-?(?:NaN|Infinity|nan|inf)")
#: Every byte but the ones that give JSON its structure: quote, brackets, braces, comma.
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{},')))


def decode(body: bytes) -> Any:
    """The JSON value of ``body``; malformed JSON is a 400, NaN or Infinity a 422."""
    import orjson

    if not body or body.isspace():  # (strip() would copy a large bytearray)
        raise BadRequest("the request body is empty: send JSON records or columns", status=400)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        where = error.pos
        if "infinity" in str(error) or any(_NOT_JSON.match(body, at) for at in (where, where - 1) if at >= 0):
            raise BadRequest(
                "NaN and Infinity are not JSON numbers and cannot be predicted on; "
                "send null for a missing value"
            ) from None
        raise BadRequest(f"the request body is not valid JSON: {error}", status=400) from None


def check_size(body: bytes, max_rows: int, max_values: int) -> None:
    """Refuse ``body`` (413) if it holds more than ``max_values`` JSON values or ``max_rows`` rows.

    Nothing is decoded: values and rows are counted in the raw bytes. A body too short
    to break a limit costs nothing; otherwise three numpy counts bound both (values by
    the commas, ``[`` and ``{``; rows by the commas, or by the ``{`` of a list of
    records), and only a body over a bound is looked at closely, its strings left out
    (:func:`structure`): values first, from counts alone, then the rows, from the
    nesting depth of at most ``2 * max_values`` brackets and commas. Temporaries are
    one byte per byte of the body, or four per bracket and comma once values are known
    to be few. A list holding something other than records may pass the first count,
    but it is refused by the record check after decoding, within ``max_values`` all
    the same.

    >>> check_size(b'[{"x": 1}, {"x": 2}, {"x": 3}]', max_rows=2, max_values=100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lore.errors.BadRequest: 3 rows is more than the 2 this server takes at once (LORE_API_MAX_ROWS); ...
    >>> check_size(b'[{"x": "a,b,c,d"}]', max_rows=2, max_values=100)
    """
    if len(body) <= min(2 * max_rows, max_values):
        return  # every row needs a comma or a bracket, every value a byte
    import numpy

    raw = numpy.frombuffer(body, dtype=numpy.uint8)
    commas = int(numpy.count_nonzero(raw == ord(",")))
    braces = int(numpy.count_nonzero(raw == ord("{")))
    values = commas + braces + int(numpy.count_nonzero(raw == ord("["))) + 1
    # (leading blanks past 64 bytes only make the bound looser)
    rows = min(commas + 1, braces) if body[:64].lstrip()[:1] == b"[" else commas + 1
    if rows <= max_rows and values <= max_values:
        return
    strings = b'"' in body
    codes = structure(body) if strings else None
    if codes is not None:  # without strings, the counts above are exact
        values = 1 + sum(int(numpy.count_nonzero(codes == ord(mark))) for mark in ",[{")
    if values > max_values:
        raise BadRequest(
            f"the body holds {values} JSON values, more than the {max_values} this server decodes "
            "(LORE_API_MAX_VALUES); split the batch or drop unused fields",
            status=413,
        )
    codes = structure(body) if codes is None else codes
    if len(codes) > 2 * values:  # more closing brackets than opening ones
        raise BadRequest("the request body is not valid JSON: its brackets do not match", status=400)
    _check_rows(_rows(codes), max_rows)


def structure(body: bytes) -> Any:
    """The brackets, braces and commas of ``body`` outside its strings, as a uint8 array.

    Escapes are dropped first (``\\\\`` pairs, then ``\\"``), so every quote left opens
    or closes a string; what lies between two quotes is left out.

    >>> structure(rb'{"a": [1, 2], "b": "x,[y\\"]"}').tobytes()
    b'{[,],}'
    """
    import numpy

    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    codes = numpy.frombuffer(body.translate(None, _NOT_STRUCTURE), dtype=numpy.uint8)
    quotes = codes == ord('"')
    at = numpy.flatnonzero(quotes)
    if len(at):
        # stretches between quotes alternate outside, inside, outside...: one write, no running sum
        lengths = numpy.diff(numpy.concatenate(([0], at, [len(codes)])))
        outside = numpy.repeat(numpy.arange(len(lengths)) % 2 == 0, lengths)
        codes = codes[outside & ~quotes]
    return codes


def _rows(codes: Any) -> int:
    """The rows of a body's :func:`structure`: the elements of a list, or the longest list of an object."""
    import numpy

    if not len(codes):
        return 1
    opens = (codes == ord("[")) | (codes == ord("{"))
    closes = (codes == ord("]")) | (codes == ord("}"))
    depth = numpy.cumsum(opens, dtype=numpy.int32)
    depth -= numpy.cumsum(closes, dtype=numpy.int32)
    commas = codes == ord(",")
    if codes[0] == ord("["):
        return int(numpy.count_nonzero(commas & (depth == 1))) + 1
    starts = opens & (depth == 2)  # the values of a top-level object that are lists or objects
    lists = numpy.flatnonzero(codes[starts] == ord("["))
    if not len(lists):
        return 1
    members = numpy.cumsum(starts, dtype=numpy.int32) - 1
    lengths = numpy.bincount(members[commas & (depth == 2)], minlength=int(starts.sum()))
    return int(lengths[lists].max()) + 1


def columns_of(payload: Any, columns: list[str], max_rows: int) -> dict[str, list[Any]]:
    """The values of each of ``columns`` in a decoded body, checking its shape and size.

    An object is columns when the columns the model uses hold lists, else one record;
    the fields it does not use are ignored, lists or not.
    """
    from operator import itemgetter

    if isinstance(payload, dict):
        used = [payload[column] for column in columns if column in payload]
        lists = sum(isinstance(value, list) for value in used)
        if lists and lists < len(used):
            raise BadRequest(
                'send one record {"col": value}, a list of records, or columns {"col": [values]}; '
                "this body mixes lists and single values"
            )
        if lists:
            lengths = sorted({len(value) for value in used})
            if len(lengths) > 1:
                shown = ", ".join(map(str, lengths[:5])) + (", ..." if len(lengths) > 5 else "")
                raise BadRequest(f"columns must all have the same length, not {shown}")
            _check_rows(lengths[0], max_rows)
            missing = [column for column in columns if column not in payload]
            if missing:
                raise _missing(missing, columns)
            return {column: payload[column] for column in columns}
        payload = [payload]
    elif not isinstance(payload, list):
        raise BadRequest(
            f"the body is a JSON {type(payload).__name__}; send one record, a list of records, or columns"
        )
    _check_rows(len(payload), max_rows)
    if not columns:
        return {}
    # itemgetter and zip walk the records in C: no Python loop per row
    try:
        rows = list(map(itemgetter(*columns), payload))
    except (KeyError, TypeError):
        raise _bad_record(payload, columns) from None
    if len(columns) == 1:
        return {columns[0]: rows}
    return dict(zip(columns, map(list, zip(*rows))))


def _check_rows(rows: int, max_rows: int) -> None:
    if rows == 0:
        raise BadRequest("the batch is empty: send at least one row")
    if rows > max_rows:
        raise BadRequest(
            f"{rows} rows is more than the {max_rows} this server takes at once "
            "(LORE_API_MAX_ROWS); split the batch",
            status=413,
        )


def _missing(missing: list[str], columns: list[str], where: str = "") -> BadRequest:
    return BadRequest(
        f"missing column(s) {', '.join(map(repr, missing))}{where}; send every one of: {', '.join(columns)}"
    )


def _bad_record(records: list[Any], columns: list[str]) -> BadRequest:
    """The 422 for the first record that is not an object, or lacks a column (error path only)."""
    for number, record in enumerate(records):
        if not isinstance(record, dict):
            return BadRequest(f"record {number} is a JSON {type(record).__name__}, not an object of columns")
        missing = [column for column in columns if column not in record]
        if len(missing) == len(columns) and record:
            return _no_columns(record, columns, number)
        if missing:
            return _missing(missing, columns, f" in record {number}")
    return BadRequest("the records do not match the columns this model needs")


def _no_columns(record: dict[str, Any], columns: list[str], number: int) -> BadRequest:
    """The 422 for a record holding none of the model's columns: what it holds instead, and a hint.

    >>> str(_no_columns({"rows": [{"age": 31}]}, ["age"], 0))
    'record 0 has none of the columns this model needs (age); it has rows. Send the records themselves, \
[{"age": ...}, ...], not wrapped in {"rows": [...]}'
    """
    fields = list(record)
    shown = ", ".join(quote(field)[1:-1] if isinstance(field, str) else str(field) for field in fields[:5])
    shown += ", ..." if len(fields) > 5 else ""
    message = (
        f"record {number} has none of the columns this model needs ({', '.join(columns)}); it has {shown}"
    )
    if len(fields) == 1 and isinstance(record[fields[0]], list | dict):  # the records, wrapped
        example = f'{{"{columns[0]}": ...}}'
        shape = "[...]" if isinstance(record[fields[0]], list) else "{...}"
        message += f'. Send the records themselves, [{example}, ...], not wrapped in {{"{shown}": {shape}}}'
    return BadRequest(message)


def checked_columns(
    body: bytes, schema: dict[str, str], max_rows: int, max_values: int = 1_000_000
) -> dict[str, Any]:
    """The validated columns of ``body``: column -> values of the type ``schema`` declares.

    ``body`` is sized first (:func:`check_size`), then decoded and checked. Numbers
    come as numpy arrays, strings and booleans as lists (see :func:`check_column`):
    what a model's ``predict_all`` takes, without a DataFrame.
    """
    check_size(body, max_rows, max_values)
    if all(kind == "number" for kind in schema.values()):
        numbers = number_records(body, list(schema), max_rows)
        if numbers is not None:
            return numbers
    columns = columns_of(decode(body), list(schema), max_rows)
    return {column: check_column(values, column, schema[column]) for column, values in columns.items()}


def number_records(body: bytes | bytearray, columns: list[str], max_rows: int) -> dict[str, Any] | None:
    """One record or a list of records of numbers (or nulls), as float columns; ``None`` when not so.

    What :func:`checked_columns` gives for a schema of numbers only (:func:`decode`,
    :func:`columns_of` then :func:`check_column`), straight from the raw bytes: msgspec
    decodes the records into typed structs (a number or ``null`` in each schema column,
    other fields skipped), checking every type as it goes, and the values go into one
    float matrix whose transposed rows are the columns. Nothing else is built: no dict
    per record, no float object per value kept. A body this cannot vouch for returns
    ``None`` and takes the general path, which decides and names the bad row: columns
    instead of records, a boolean, a string, a missing column, malformed JSON, and any
    body with a byte outside ASCII or a backslash (an escape), where msgspec, which skips
    unused fields without reading their text, could accept what orjson refuses.

    >>> number_records(b'[{"a": 1, "b": 2.5}, {"a": 3, "b": null, "c": "unused"}]', ["a", "b"], 10)
    {'a': array([1., 3.]), 'b': array([2.5, nan])}
    >>> number_records(b'{"a": 1, "b": true}', ["a", "b"], 10) is None
    True
    """
    import itertools

    import msgspec
    import numpy

    if not columns or not body.isascii() or b"\\" in body:
        return None
    decoder, record = _records_decoder(tuple(columns))
    try:
        records = decoder.decode(body)
    except (msgspec.DecodeError, RecursionError):  # (a ValidationError is a DecodeError)
        return None
    if isinstance(records, record):
        records = [records]
    _check_rows(len(records), max_rows)
    values = itertools.chain.from_iterable(map(msgspec.structs.astuple, records))
    matrix = numpy.fromiter(values, numpy.float64, count=len(records) * len(columns))  # None is NaN
    return dict(zip(columns, numpy.ascontiguousarray(matrix.reshape(len(records), len(columns)).T)))


@functools.lru_cache(maxsize=64)
def _records_decoder(columns: tuple[str, ...]) -> tuple[Any, type]:
    """A msgspec decoder of one record or a list of records of ``columns``, each a number or null.

    Field names are ``c0``, ``c1``...; each is renamed to its column, whatever
    characters the column's name holds.
    """
    import msgspec

    fields = [(f"c{number}", float | None) for number in range(len(columns))]
    renamed = {name: column for (name, _), column in zip(fields, columns)}
    record = msgspec.defstruct("Record", fields, rename=renamed, gc=False)
    return msgspec.json.Decoder(list[record] | record), record  # type: ignore[valid-type]


def parse(body: bytes, schema: dict[str, str], max_rows: int, max_values: int = 1_000_000) -> Any:
    """The validated DataFrame of ``body`` for input ``schema``: :func:`checked_columns` as a frame."""
    import numpy
    import pandas

    checked = checked_columns(body, schema, max_rows, max_values)
    arrays = list(checked.values())
    if arrays and all(getattr(array, "dtype", None) == numpy.float64 for array in arrays):
        # one 2-D block builds a frame several times faster than one array per column
        return pandas.DataFrame(numpy.column_stack(arrays), columns=list(checked), copy=False)
    return pandas.DataFrame(checked, copy=False)


def check_frame(frame: Any, schema: dict[str, str], where: str = "") -> Any:
    """``frame``'s schema columns, checked as a request's would be (batch scoring, ``lore predict``).

    A missing column or a value of the wrong type is the same :class:`BadRequest` the
    API answers, with ``where`` (``" in rows 0-99999 of scores.csv"``) added to say
    which rows. Columns already of the declared dtype are accepted without a scan.

    >>> import pandas
    >>> check_frame(pandas.DataFrame({"age": [31], "name": ["Ann"]}), {"age": "number"}).to_dict("list")
    {'age': [31.0]}
    >>> check_frame(pandas.DataFrame({"name": ["Ann"]}), {"age": "number", "name": "string"})
    Traceback (most recent call last):
    ...
    lore.errors.BadRequest: missing column(s) 'age'; send every one of: age, name
    """
    import pandas

    missing = [column for column in schema if column not in frame.columns]
    if missing:
        raise _missing(missing, list(schema), where)
    checked = {}
    for column, kind in schema.items():
        values = frame[column]
        dtype = values.dtype
        types = pandas.api.types
        numeric = types.is_numeric_dtype(dtype) and not types.is_bool_dtype(dtype)
        if (kind == "number" and numeric) or (kind == "integer" and types.is_integer_dtype(dtype)):
            checked[column] = values.to_numpy(dtype=float if kind == "number" else None)
            continue
        if kind == "datetime" and types.is_datetime64_any_dtype(dtype):
            checked[column] = values.to_numpy()
            continue
        try:
            checked[column] = check_column(values.to_numpy(dtype=object), column, kind)
        except BadRequest as error:
            raise BadRequest(f"{error}{where}", status=error.status) from None
    return pandas.DataFrame(checked, index=pandas.RangeIndex(len(frame)), copy=False)


def check_column(values: list[Any], column: str, kind: str) -> Any:
    """``values`` as an array of ``kind`` (an ``input_schema()`` type), or a 422 naming the first bad row."""
    import numpy
    import pandas

    inferred = pandas.api.types.infer_dtype(values, skipna=True)
    numeric = inferred in ("integer", "floating", "mixed-integer-float")
    if kind == "number" and numeric:
        return numpy.array(values, dtype=float)
    if kind == "integer" and inferred == "integer":
        try:
            return numpy.array(values, dtype=numpy.int64 if None not in values else float)
        except OverflowError:
            raise BadRequest(f"column {column!r} has an integer beyond 64 bits") from None
    if kind == "integer" and numeric:
        numbers = numpy.array(values, dtype=float)
        if (numpy.isnan(numbers) | (numbers == numpy.floor(numbers))).all():
            return numbers
    if kind in ("string", "boolean", "datetime") and inferred == "empty":
        return numpy.array(values, dtype=object)
    if inferred == "empty":
        return numpy.full(len(values), numpy.nan)
    if (kind == "boolean" and inferred == "boolean") or (kind == "string" and inferred == "string"):
        return values
    if kind == "datetime" and inferred == "string":
        series = pandas.Series(values, dtype=object)
        parsed = pandas.to_datetime(series, errors="coerce", utc=True, format="ISO8601")
        bad = (parsed.isna() & series.notna()).to_numpy()
        if not bad.any():
            return parsed.dt.tz_convert(None)
        row = int(bad.argmax())
        raise BadRequest(
            f"column {column!r} must be an ISO 8601 date-time (or null); row {row} has {quote(values[row])}"
        )
    raise _wrong_type(values, column, kind)


_ACCEPTS = {
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "string": (str,),
    "datetime": (str,),
}
_NAMES = {
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "string": "a string",
    "datetime": "an ISO 8601 date-time",
}


def _wrong_type(values: list[Any], column: str, kind: str) -> BadRequest:
    """The 422 for a column that failed its check, naming its first offending row."""
    accepted = _ACCEPTS.get(kind, ())

    def fits(value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, bool):
            return bool in accepted
        if kind == "integer" and isinstance(value, float):
            return value.is_integer()
        return isinstance(value, accepted)

    # only a rejected column gets here, so this scan costs nothing on a good request
    row = next((number for number, value in enumerate(values) if not fits(value)), 0)
    return BadRequest(
        f"column {column!r} must be {_NAMES.get(kind, kind)} (or null); row {row} has {quote(values[row])}"
    )


def quote(value: Any) -> str:
    """A short, safe rendering of a decoded JSON value for an error message.

    A string or number is shown up to :data:`QUOTE` characters (then its length); a
    list or object only as what it is, since it may be nested a thousand deep or
    hold megabytes.

    >>> quote("old"), quote(2.5), quote([[1]]), quote({"a": 1})
    ("'old'", '2.5', 'a JSON array of 1 item(s)', 'a JSON object of 1 field(s)')
    >>> quote("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (1000 characters)"
    """
    if isinstance(value, list):
        return f"a JSON array of {len(value)} item(s)"
    if isinstance(value, dict):
        return f"a JSON object of {len(value)} field(s)"
    if isinstance(value, str) and len(value) > QUOTE:
        return f"{value[:QUOTE]!r}... ({len(value)} characters)"
    text = repr(value)  # numbers, booleans and null: orjson's integers stop at 64 bits
    return text if len(text) <= QUOTE else f"{text[:QUOTE]}... ({len(text)} characters)"
