"""Turn a request body into the DataFrame a pipeline expects, or a :class:`BadRequest`.

A body is JSON in one of three shapes: one record ``{"col": value, ...}``, a batch of
records ``[{...}, {...}]``, or columns ``{"col": [v1, v2], ...}``. Each raw input
column of the pipeline's ``input_schema()`` must be present, and each value must
have the declared type (``null`` is a missing value, which the encoders handle).
Columns the schema does not name are dropped. Checks run per column, vectorized;
only a rejected column is scanned value by value, to name the first bad row.
Records are read with ``operator.itemgetter`` and ``zip``, which walk them in C.

>>> schema = {"age": "number", "name": "string"}
>>> parse(b'{"age": 31, "name": "Ann"}', schema, max_rows=10).to_dict("list")
{'age': [31.0], 'name': ['Ann']}
>>> parse(b'[{"age": "old", "name": "Ann"}]', schema, max_rows=10)
Traceback (most recent call last):
...
lore.errors.BadRequest: column 'age' must be a number (or null); row 0 has 'old'
"""

from __future__ import annotations

import re
from typing import Any

from lore.errors import BadRequest

#: JSON Schema types of the pipeline's column types.
TYPES = ("string", "integer", "number", "boolean", "datetime")
_NOT_JSON = re.compile(rb"(?<![\w\"])-?(NaN|Infinity|nan|inf)(?![\w\"])")


def decode(body: bytes) -> Any:
    """The JSON value of ``body``; malformed JSON is a 400, NaN or Infinity a 422."""
    import orjson

    if not body.strip():
        raise BadRequest("the request body is empty: send JSON records or columns", status=400)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if _NOT_JSON.search(body) or "infinity" in str(error):
            raise BadRequest(
                "NaN and Infinity are not JSON numbers and cannot be predicted on; "
                "send null for a missing value"
            ) from None
        raise BadRequest(f"the request body is not valid JSON: {error}", status=400) from None


def columns_of(payload: Any, columns: list[str], max_rows: int) -> dict[str, list[Any]]:
    """The values of each of ``columns`` in a decoded body, checking its shape and size."""
    from operator import itemgetter

    if isinstance(payload, dict) and payload and all(isinstance(v, list) for v in payload.values()):
        lengths = sorted({len(value) for value in payload.values()})
        if len(lengths) > 1:
            raise BadRequest(f"columns must all have the same length, not {lengths}")
        _check_rows(lengths[0], max_rows)
        missing = [column for column in columns if column not in payload]
        if missing:
            raise _missing(missing, columns)
        return {column: payload[column] for column in columns}
    if isinstance(payload, dict):
        if any(isinstance(value, list) for value in payload.values()):
            raise BadRequest(
                'send one record {"col": value}, a list of records, or columns {"col": [values]}; '
                "this body mixes lists and single values"
            )
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
        if missing:
            return _missing(missing, columns, f" in record {number}")
    return BadRequest("the records do not match the columns this model needs")


def parse(body: bytes, schema: dict[str, str], max_rows: int) -> Any:
    """The validated DataFrame of ``body`` for a pipeline with input ``schema``."""
    import numpy
    import pandas

    columns = columns_of(decode(body), list(schema), max_rows)
    checked = {column: check_column(values, column, schema[column]) for column, values in columns.items()}
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
    """``values`` as an array of ``kind`` (see :data:`TYPES`), or a 422 naming the first bad row."""
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
            f"column {column!r} must be an ISO 8601 date-time (or null); row {row} has {values[row]!r}"
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
        f"column {column!r} must be {_NAMES.get(kind, kind)} (or null); row {row} has {values[row]!r}"
    )
