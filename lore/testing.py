"""Conformance checks for encoders and transformers, for lore's own and for yours.

``check_encoder(encoder, frame)`` runs an unfitted encoder through the invariants
every lore encoder keeps, and ``check_transformer(transformer, frame)`` does the same
for transformers; each raises ``AssertionError`` naming the broken invariant. Use them
in your project's tests when you write your own::

    def test_my_encoder():
        lore.testing.check_encoder(MyEncoder("price"), sample_frame)

>>> import pandas as pd
>>> from lore.encoders import Unique
>>> from lore.testing import check_encoder
>>> check_encoder(Unique("city"), pd.DataFrame({"city": ["oslo", "lima", None, "oslo"]}))
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

from lore.errors import EncodingError, MissingColumn, NotFittedError


def _same(a: Any, b: Any, what: str) -> None:
    import numpy as np

    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shapes differ, {a.shape} != {b.shape}"
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        assert np.allclose(a.astype("float64"), b.astype("float64"), equal_nan=True, atol=1e-6), (
            f"{what}: differ"
        )
    else:
        assert (a == b).all(), f"{what}: values differ"


def _raises(error: type[Exception], call: Any, what: str) -> Exception:
    try:
        call()
    except error as raised:
        return raised
    except Exception as other:
        raise AssertionError(
            f"{what}: raised {type(other).__name__}: {other}, not {error.__name__}"
        ) from other
    raise AssertionError(f"{what}: did not raise {error.__name__}")


def _with_missing(frame: Any, columns: list[str]) -> Any:
    """``frame`` with every other row of ``columns`` set to missing."""
    changed = frame.copy()
    rows = changed.index[::2]
    for column in columns:
        values = changed[column].astype(object)
        values.loc[rows] = None
        changed[column] = values
    return changed


def check_encoder(encoder: Any, frame: Any, *, round_trip: bool | None = None) -> None:
    """Assert the encoder contract on ``frame`` (which must hold the encoder's inputs).

    Checks: unfitted use raises ``NotFittedError`` (or encodes, for an encoder whose
    ``fit_optional`` is true); ``fit`` returns the encoder and
    sets ``*_`` attributes; ``transform`` gives one row per input row, numeric, of the
    width ``feature_names()`` says, deterministic; categorical codes lie in
    ``0 .. cardinality()-1`` and continuous encoders have no cardinality; empty input
    gives empty output; missing values are encoded within range or refused with an
    ``EncodingError``; a missing column raises ``MissingColumn``; fitting in two
    chunks (``partial_fit`` on each, then ``merge``) learns the same encoding as one
    ``fit``, and ``partial_fit`` leaves the encoder fitted after every chunk; a pickled
    copy encodes the same; scikit-learn's contract (:func:`check_sklearn_contract`);
    ``transform_values`` on a few rows
    (numbers as a numpy array, other values as a list, as a served request hands them
    over) gives exactly what ``transform`` gives, same dtype, or ``None``; and, for an
    encoder of one raw column (or when ``round_trip=True``),
    ``transform(reverse_transform(codes))`` gives the codes back.
    """
    import numpy as np
    import pandas as pd

    from lore.encoders.base import CONTINUOUS

    name = f"{type(encoder).__name__}({encoder.name})"
    fresh = copy.deepcopy(encoder)
    if getattr(encoder, "fit_optional", False):  # documented as usable unfitted: it must encode
        unfitted = copy.deepcopy(fresh).transform(frame)
        assert len(unfitted) == len(frame), f"{name}: unfitted transform gave {len(unfitted)} rows"
    else:
        _raises(NotFittedError, lambda: copy.deepcopy(fresh).transform(frame), f"{name} unfitted transform")
    assert fresh.fit(frame) is fresh, f"{name}: fit() must return the encoder"
    learned = [key for key in vars(fresh) if key.endswith("_") and not key.startswith("_")]
    assert learned, f"{name}: fit() must set attributes ending in _"

    encoded = fresh.transform(frame)
    names = fresh.feature_names()
    assert isinstance(encoded, np.ndarray), f"{name}: transform must return a numpy array"
    assert encoded.dtype.kind in "biuf", f"{name}: transform returned dtype {encoded.dtype}"
    assert len(encoded) == len(frame), f"{name}: {len(encoded)} rows encoded from {len(frame)}"
    width = 1 if encoded.ndim == 1 else encoded.shape[1]
    assert width == len(names), f"{name}: width {width} but {len(names)} feature names"
    _same(encoded, fresh.transform(frame), f"{name} transform twice")
    _check_codes(fresh, encoded, name, CONTINUOUS)

    empty = fresh.transform(frame.iloc[:0])
    assert len(empty) == 0 and empty.shape[1:] == encoded.shape[1:], f"{name}: empty input gave {empty.shape}"

    columns = fresh.input_columns()
    try:
        with_missing = fresh.transform(_with_missing(frame, columns))
    except EncodingError:
        pass  # a documented refusal
    else:
        assert len(with_missing) == len(frame), f"{name}: missing values changed the row count"
        _check_codes(fresh, with_missing, f"{name} with missing values", CONTINUOUS)
    _raises(MissingColumn, lambda: fresh.transform(frame.drop(columns=columns[0])), f"{name} missing column")

    half = len(frame) // 2
    first = copy.deepcopy(encoder).partial_fit(frame.iloc[:half])
    first.transform(frame)  # fitted after one chunk, as in scikit-learn
    second = copy.deepcopy(encoder).partial_fit(frame.iloc[half:])
    merged = first.merge(second)
    _same(merged.transform(frame), encoded, f"{name} fitted in chunks vs at once")
    check_sklearn_contract(encoder, frame, encoded)

    _same(pickle.loads(pickle.dumps(fresh)).transform(frame), encoded, f"{name} after pickling")
    for start in range(0, len(frame), 7):
        check_transform_values(fresh, frame.iloc[start : start + 1 + start % 3])

    decoded = fresh.reverse_transform(encoded)
    assert len(decoded) == len(frame), f"{name}: reverse_transform gave {len(decoded)} rows"
    if round_trip is None:
        round_trip = isinstance(fresh.column, str) and len(columns) == 1
    if round_trip:
        again = frame.copy()
        again[columns[0]] = pd.Series(list(decoded), index=frame.index, dtype=object)
        _same(fresh.transform(again), encoded, f"{name} transform(reverse_transform(x))")


def check_sklearn_contract(encoder: Any, frame: Any, encoded: Any) -> None:
    """Assert scikit-learn's estimator contract for an (unfitted) encoder.

    ``__init__`` only stores (``get_params()`` gives back the very objects passed);
    every ``__init__`` argument has a rule in the class's ``constraints`` table, and a
    value of the wrong type is accepted by ``__init__`` and refused by ``fit`` with an
    ``EncodingError`` naming it; ``set_params`` changes a parameter and refuses an
    unknown one; ``sklearn.base.clone`` gives an unfitted twin; ``fit`` writes no
    hyper-parameter; ``get_feature_names_out`` and ``inverse_transform`` are
    ``feature_names`` and ``reverse_transform``; and, wrapped in
    :class:`lore.encoders.SKLearn`, the encoder gives ``encoded`` (as 2-D) inside a
    scikit-learn ``ColumnTransformer`` and ``Pipeline``.
    """
    import numpy as np
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from lore.encoders import SKLearn

    kind, name = type(encoder), f"{type(encoder).__name__}({encoder.name})"
    params = encoder.get_params()
    assert set(params) == set(kind._parameter_names()), f"{name}: get_params must give __init__'s arguments"
    undeclared = sorted(set(params) - set(kind.constraints))
    assert not undeclared, f"{name}: no rule in {kind.__name__}.constraints for {undeclared}"
    twin = kind(**params)
    for key, value in params.items():
        assert twin.get_params()[key] is value, f"{name}: __init__ must store {key} as given"
    for key in params:
        if key in ("column", "name"):
            continue
        odd = kind(**{**params, key: object()})  # __init__ takes anything; fit refuses it
        _raises(EncodingError, lambda odd=odd: odd.fit(frame), f"{name} fit with a bad {key}")
    shown = repr(sorted(params.items()))  # a transformer column clones to an equal copy
    assert repr(sorted(clone(encoder).get_params().items())) == shown, f"{name}: clone changed parameters"
    unknown = kind(**params)
    _raises(EncodingError, lambda: unknown.set_params(no_such_parameter=1), f"{name} unknown set_params")
    fitted = clone(encoder).fit(frame)
    assert repr(sorted(fitted.get_params().items())) == shown, f"{name}: fit changed a hyper-parameter"
    assert list(fitted.get_feature_names_out()) == fitted.feature_names(), f"{name}: get_feature_names_out"
    decoded = fitted.reverse_transform(encoded)
    _same_values(fitted.inverse_transform(encoded), decoded, f"{name} inverse_transform")

    columns = list(dict.fromkeys(fitted.input_columns()))
    expected = encoded.reshape(len(frame), -1)
    inside = ColumnTransformer([("lore", SKLearn(encoder), columns)]).fit_transform(frame)
    _same(np.asarray(inside, dtype=expected.dtype), expected, f"{name} inside a ColumnTransformer")
    piped = Pipeline([("lore", SKLearn(encoder))]).fit(frame[columns]).transform(frame[columns])
    _same(piped, expected, f"{name} inside a Pipeline")


def _same_values(a: Any, b: Any, what: str) -> None:
    """Equal decoded values (objects, NaN and None compare equal to themselves)."""
    import pandas as pd

    left, right = pd.Series(list(a), dtype=object), pd.Series(list(b), dtype=object)
    assert left.equals(right), f"{what}: {left.head(3).tolist()} != {right.head(3).tolist()}"


def as_request_values(series: Any) -> Any:
    """A column as a served request hands it over: numbers in a numpy array, else a list.

    Missing numbers are NaN; other missing values are ``None``.
    """
    if series.dtype.kind in "iuf":
        return series.to_numpy()
    return [None if value is None or value != value else value for value in series.astype(object).tolist()]


def check_transform_values(encoder: Any, rows: Any) -> None:
    """Assert that ``encoder.transform_values`` gives exactly what ``transform`` gives.

    ``rows`` is a small frame holding the encoder's input column; its values are
    handed over as :func:`as_request_values` makes them, and compared with
    ``transform`` of a one-column frame of the same values: same dtype, same values.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(encoder.column, str):
        return
    values = as_request_values(rows[encoder.column])
    fast = encoder.transform_values(values)
    if fast is None:
        return
    general = encoder.transform(pd.DataFrame({encoder.column: values}))
    what = f"{type(encoder).__name__}({encoder.name}).transform_values({values!r})"
    assert fast.dtype == general.dtype, f"{what}: dtype {fast.dtype}, transform gives {general.dtype}"
    assert np.array_equal(fast, general, equal_nan=fast.dtype.kind == "f"), f"{what}: {fast} != {general}"


def _check_codes(encoder: Any, encoded: Any, name: str, continuous: str) -> None:
    import numpy as np

    cardinality = encoder.cardinality()
    if encoder.kind == continuous:
        assert cardinality is None, f"{name}: a continuous encoder has cardinality None, not {cardinality}"
        return
    assert isinstance(cardinality, int) and cardinality > 0, f"{name}: cardinality {cardinality!r}"
    if encoded.size:
        assert encoded.dtype.kind in "biu", f"{name}: codes must be integers, got {encoded.dtype}"
        low, high = int(np.min(encoded)), int(np.max(encoded))
        assert low >= 0 and high < cardinality, f"{name}: codes {low}..{high} outside 0..{cardinality - 1}"


def check_transformer(transformer: Any, frame: Any) -> None:
    """Assert the transformer contract on ``frame``.

    Checks: ``transform`` returns a Series aligned with ``frame`` (same length and
    index), deterministic; empty input gives an empty Series; missing values give a
    result or an ``EncodingError``; a missing column raises ``MissingColumn``; a
    pickled copy transforms the same; ``input_columns()`` are columns of ``frame``.
    """
    import pandas as pd

    name = repr(transformer)
    columns = transformer.input_columns()
    assert columns and all(column in frame.columns for column in columns), f"{name}: input_columns {columns}"
    result = transformer.transform(frame)
    assert isinstance(result, pd.Series), (
        f"{name}: transform must return a Series, got {type(result).__name__}"
    )
    assert len(result) == len(frame) and result.index.equals(frame.index), f"{name}: result not aligned"
    _same_series(result, transformer.transform(frame), f"{name} transform twice")
    assert len(transformer.transform(frame.iloc[:0])) == 0, f"{name}: empty input gave rows"
    try:
        with_missing = transformer.transform(_with_missing(frame, columns))
    except EncodingError:
        pass
    else:
        assert len(with_missing) == len(frame), f"{name}: missing values changed the row count"
    _raises(
        MissingColumn, lambda: transformer.transform(frame.drop(columns=columns[0])), f"{name} missing column"
    )
    _same_series(pickle.loads(pickle.dumps(transformer)).transform(frame), result, f"{name} after pickling")


def _same_series(a: Any, b: Any, what: str) -> None:
    assert a.equals(b) or (a.isna().equals(b.isna()) and a[a.notna()].equals(b[b.notna()])), f"{what}: differ"
