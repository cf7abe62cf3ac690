from __future__ import annotations

import multiprocessing
import os
import sys

import numpy as np
import pytest

import lore.serializers
import lore.stores
from lore.errors import CorruptArtifact, FittingNotFound, StoreError
from lore.stores.layout import read_counter
from lore.stores.modelstore import ModelStore

NAME = "demo_app.models.Churn"


@pytest.fixture
def store(tmp_path):
    return ModelStore(tmp_path / "models")


def fit(store, value=1.0, metrics=None):
    with store.new_fitting(NAME, {"metrics": metrics or {"auc": value}}) as fitting:
        lore.serializers.save(np.full(3, value), fitting.path, "weights")
    return fitting


def test_fittings_are_numbered_and_resolved(store):
    first, second = fit(store, 1.0), fit(store, 2.0)
    assert (first.number, second.number) == (1, 2)
    assert store.resolve(NAME) == store.root / NAME / "2"
    assert lore.serializers.load(store.resolve(NAME, 1), "weights").tolist() == [1.0] * 3
    assert lore.serializers.load(store.resolve(NAME, "1"), "weights").tolist() == [1.0] * 3
    assert [f.metrics for f in store.fittings(NAME)] == [{"auc": 1.0}, {"auc": 2.0}]


def test_metadata_can_be_completed_inside_the_block(store):
    with store.new_fitting(NAME, {"params": {"depth": 2}}) as fitting:
        (fitting.path / "x").write_text("x")
        fitting.metadata["metrics"] = {"rmse": 0.1}
    assert store.get(NAME).metadata == {"params": {"depth": 2}, "metrics": {"rmse": 0.1}}


def test_an_exception_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.new_fitting(NAME) as fitting:
        (fitting.path / "half").write_text("half")
        raise RuntimeError("fit crashed")
    assert list((store.root / NAME).iterdir()) == [] or not any(
        p.name.isdigit() or p.name.startswith(".new") for p in (store.root / NAME).iterdir()
    )
    with pytest.raises(FittingNotFound, match="no fittings of"):
        store.resolve(NAME)


def test_aliases_resolve_and_unknown_ones_list_what_exists(store):
    fit(store), fit(store)
    assert store.alias(NAME, 1, "production") == 1
    store.alias(NAME, None, "candidate")
    assert store.resolve(NAME, "production").name == "1"
    assert store.resolve(NAME, "candidate").name == "2"
    assert [f.aliases for f in store.fittings(NAME)] == [["production"], ["candidate"]]
    with pytest.raises(FittingNotFound, match=r"fittings: 1, 2; aliases: candidate -> 2, production -> 1"):
        store.resolve(NAME, "staging")
    with pytest.raises(FittingNotFound, match="fittings: 1, 2"):
        store.resolve(NAME, 7)
    with pytest.raises(FittingNotFound):
        store.alias(NAME, 9, "production")
    assert store.resolve(NAME, "production").name == "1"  # unchanged by the failed alias


@pytest.mark.parametrize("alias", ["latest", "1", "../x", ""])
def test_bad_alias_names(store, alias):
    fit(store)
    with pytest.raises(StoreError, match="cannot be an alias"):
        store.alias(NAME, 1, alias)


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden"])
def test_bad_model_names(store, name):
    with pytest.raises(StoreError, match="not a usable model name"):
        store.resolve(name)


def test_prune_keeps_the_newest_and_the_aliased(store):
    for value in range(5):
        fit(store, float(value))
    store.alias(NAME, 1, "production")
    assert store.prune(NAME, keep=2) == [2, 3]
    assert [f.number for f in store.fittings(NAME)] == [1, 4, 5]
    assert fit(store).number == 6
    with pytest.raises(StoreError, match="keep at least 1"):
        store.prune(NAME, keep=0)


def test_corrupted_file_is_named_before_any_deserializer_runs(store):
    fitting = fit(store)
    store.resolve(NAME)
    (fitting.path / "weights.npy").write_bytes(b"garbage")
    with pytest.raises(CorruptArtifact, match=r"weights\.npy"):
        store.resolve(NAME)


def test_folder_without_manifest_is_invisible(store):
    fit(store)
    (store.root / NAME / "2").mkdir()
    (store.root / NAME / "2" / "weights.npy").write_bytes(b"x")
    assert store.resolve(NAME).name == "1"
    assert fit(store).number == 3


def _fit_in_process(root, count):
    store = ModelStore(root)
    for _ in range(count):
        with store.new_fitting(NAME) as fitting:
            (fitting.path / "w").write_bytes(b"w" * 1000)


def _fit_in_processes(store, processes: int = 3, each: int = 5) -> list[int | None]:
    """Save ``each`` fittings in each of ``processes`` processes at once; their exit codes."""
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    workers = [context.Process(target=_fit_in_process, args=(store.root, each)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return [worker.exitcode for worker in workers]


def test_concurrent_processes_get_distinct_numbers(store):
    _fit_in_processes(store)
    assert [f.number for f in store.fittings(NAME)] == list(range(1, 16))


def _older_lore_store(store, fittings, counter):
    """``store`` as if an older lore had written some of its fittings: ``counter`` is
    ``"missing"`` (no counter at all), ``"damaged"``, ``"torn"`` or ``"behind"`` (the newest fittings
    were written without moving it)."""
    import shutil

    folder = store.root / NAME
    fit(store)
    for number in range(2, fittings + 1):
        shutil.copytree(folder / "1", folder / str(number))
    if counter == "missing":
        (folder / ".counter").unlink()
    elif counter == "damaged":
        (folder / ".counter").write_bytes(b"\xff\x00")
    elif counter == "torn":  # read while being written: the two copies differ
        (folder / ".counter").write_text(f"{1:020d} {99:020d}\n")
    return folder


@pytest.mark.parametrize("counter", ["missing", "damaged", "torn", "behind"])
def test_the_counter_is_rebuilt_from_a_listing_when_missing_damaged_or_behind(store, counter):
    folder = _older_lore_store(store, 12, counter)
    assert fit(store).number == 13
    assert read_counter(folder) == 13
    assert fit(store).number == 14


@pytest.mark.parametrize("counter", ["missing", "behind"])
def test_concurrent_processes_rebuilding_the_counter_get_distinct_numbers(store, counter):
    _older_lore_store(store, 3, counter)
    assert _fit_in_processes(store) == [0] * 3
    assert [f.number for f in store.fittings(NAME)] == list(range(1, 19))
    assert read_counter(store.root / NAME) == 18


def test_a_save_starts_after_the_counter_without_listing_the_fittings(store):
    import shutil

    fit(store), fit(store)
    shutil.rmtree(store.root / NAME / "2")  # deleted by hand: its number is not handed out again
    assert fit(store).number == 3
    assert [f.number for f in store.fittings(NAME)] == [1, 3]


def test_model_store_of_the_project_and_list_fittings(project):
    store = lore.stores.model_store()
    assert store.root == project / "models" and store.remote is None
    fit(store, metrics={"auc": 0.7})

    class Churn:
        @classmethod
        def name(cls):
            return NAME

    assert [(f.number, f.metrics) for f in lore.stores.list_fittings(Churn)] == [(1, {"auc": 0.7})]


@pytest.mark.parametrize("where", [".staging", "."])
def test_temporary_folders_of_dead_processes_on_this_host_are_swept(store, where):
    """In ``.staging/`` by every save; beside the fittings (an older lore's) when the counter is rebuilt."""
    import subprocess

    from lore.stores.layout import _owner

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid, host = int(dead.stdout), _owner().split("-")[1]
    folder = store.root / NAME / where
    mine, elsewhere, alive = (
        folder / f".new-{pid}-{host}-abc",
        folder / f".download-{pid}-0badc0de-abc",
        folder / f".new-{os.getpid()}-{host}-abc",
    )
    for path in (mine, elsewhere, alive):
        path.mkdir(parents=True)
    fit(store)
    assert not mine.exists() and elsewhere.exists() and alive.exists()


def test_fittings_follow_the_process_umask(store):
    previous = os.umask(0o022)
    try:
        fit(store)
    finally:
        os.umask(previous)
    folder = store.resolve(NAME)
    modes = {path.name: path.stat().st_mode & 0o777 for path in [folder, *folder.rglob("*")]}
    assert modes[folder.name] == 0o755 and modes["manifest.json"] == 0o644, modes
    assert all(mode in (0o644, 0o755) for mode in modes.values()), modes
