from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import lore.pipelines
from lore.encoders import Boolean, Norm, Quantile, Unique
from lore.errors import EmptySplit, EncodingError


def chunk(index: int, rows: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(index)
    return pd.DataFrame(
        {
            "city": pd.array(rng.choice(["oslo", "lima", "pune"], rows), dtype="str"),
            "x": rng.normal(size=rows),
            "ok": rng.random(rows) < 0.5,
        }
    )


class Stream(lore.pipelines.LowMemory):
    def get_data(self):
        return (chunk(index) for index in range(4))

    def get_encoders(self) -> tuple:
        return (Unique("city"), Norm("x"), Quantile("x", quantiles=5))

    def get_output_encoder(self) -> Boolean:
        return Boolean("ok")


class Whole(Stream):
    chunksize = 300

    def get_data(self) -> pd.DataFrame:
        return pd.concat([chunk(index) for index in range(4)], ignore_index=True)


def test_streams_chunks_to_memory_mapped_splits(tmp_path) -> None:
    pipeline = Stream(folder=tmp_path / "encoded")
    sizes = [len(pipeline.training_data), len(pipeline.validation_data), len(pipeline.test_data)]
    assert sum(sizes) == 2000
    assert 1500 < sizes[0] < 1700
    x = pipeline.training_data.x
    assert list(x.columns) == pipeline.feature_names()
    assert isinstance(pipeline.training_data.y, np.memmap)
    assert sorted(path.name for path in (tmp_path / "encoded").iterdir()) == [
        "test_x.npy",
        "test_y.npy",
        "training_x.npy",
        "training_y.npy",
        "validation_x.npy",
        "validation_y.npy",
    ]


def test_encoders_fitted_in_chunks_match_a_fit_on_the_training_rows(tmp_path) -> None:
    pipeline = Stream(folder=tmp_path)
    frames = []
    for index, frame in pipeline.chunks():
        frames.append(frame[pipeline.assign(index, len(frame)) == 0])
    training = pd.concat(frames)
    norm = Norm("x").fit(training)
    assert pipeline.encoders[1].center_ == pytest.approx(norm.center_)
    assert pipeline.encoders[1].scale_ == pytest.approx(norm.scale_)
    assert pipeline.encoders[2].edges_ == pytest.approx(Quantile("x", quantiles=5).fit(training).edges_)
    assert len(pipeline.training_data) == len(training)
    expected = pipeline.encode_x(training).to_numpy(dtype="float32")
    assert np.array_equal(pipeline.training_data.x.to_numpy(), expected)


def test_a_single_frame_is_cut_into_chunks(tmp_path) -> None:
    pipeline = Whole(folder=tmp_path)
    assert [len(frame) for _, frame in pipeline.chunks()] == [300] * 6 + [200]
    assert len(pipeline.training_data) + len(pipeline.validation_data) + len(pipeline.test_data) == 2000


def test_pickles_without_data_and_refuses_whole_data(tmp_path) -> None:
    pipeline = Stream(folder=tmp_path)
    _ = pipeline.training_data
    copy = pickle.loads(pickle.dumps(pipeline))
    assert copy.encode_x(chunk(9, 5)).shape == (5, 3)
    assert copy.data_signature["rows"]["data"] == 2000
    with pytest.raises(EncodingError, match="streams its data"):
        _ = pipeline.data


def test_bad_sizes_and_empty_streams(tmp_path) -> None:
    with pytest.raises(EncodingError, match="fraction below 1"):
        _ = Stream(test_size=10, folder=tmp_path).training_data

    class Empty(Stream):
        def get_data(self):
            return iter([])

    with pytest.raises(EmptySplit, match="no training rows"):
        _ = Empty(folder=tmp_path / "empty").training_data
    assert not (tmp_path / "empty").exists()


def test_explicit_fit_of_one_frame(tmp_path) -> None:
    frame = pd.concat([chunk(index) for index in range(2)], ignore_index=True)
    pipeline = Stream(folder=tmp_path / "encoded")
    assert pipeline.fit(frame) is pipeline
    assert pipeline.data_signature["rows"]["data"] == len(frame)
    splits = (pipeline.training_data, pipeline.validation_data, pipeline.test_data)
    assert sum(len(split) for split in splits) == len(frame)
    pipeline.fit()  # again, from get_data()
    assert pipeline.data_signature["rows"]["data"] == 2000


class Stratified(Stream):
    def get_data(self):
        for index in range(4):
            frame = chunk(index)
            frame.loc[frame.index[:7], "city"] = None  # missing is a class of its own
            yield frame


def test_stratify_keeps_each_class_share_in_every_split_as_train_test_split_does(tmp_path) -> None:
    pipeline = Stratified(test_size=0.2, validation_size=0.15, stratify="city", folder=tmp_path / "s")
    frames = [frame for _, frame in pipeline.chunks()]
    whole = pd.concat(frames, ignore_index=True)
    reference = lore.pipelines.TrainTestSplit(test_size=0.2, validation_size=0.15, stratify="city")
    expected = {
        name: whole["city"].iloc[rows].fillna("missing").value_counts().sort_index()
        for name, rows in reference.split(whole).items()
    }
    pipeline.fit()
    remaining = pipeline.quotas(pd.concat([pipeline.strata(frame) for frame in frames]).value_counts())
    codes = np.concatenate(
        [pipeline.exact_codes(index, pipeline.strata(frame), remaining) for index, frame in enumerate(frames)]
    )
    for code, name in enumerate(("training", "validation", "test")):
        got = whole["city"][codes == code].fillna("missing").value_counts().sort_index()
        assert got.to_dict() == expected[name].to_dict(), name
        assert len(getattr(pipeline, f"{name}_data")) == got.sum()
    assert (remaining.to_numpy() == 0).all()  # every quota placed


def test_exact_sizes_as_train_test_split_and_refused_sizes(tmp_path) -> None:
    pipeline = Stream(test_size=0.13, validation_size=250, exact_sizes=True, folder=tmp_path / "e")
    sizes = [len(pipeline.training_data), len(pipeline.validation_data), len(pipeline.test_data)]
    assert sizes == [2000 - 260 - 250, 250, 260]
    with pytest.raises(EmptySplit, match="leave no training rows"):
        Stream(test_size=1900, validation_size=100, exact_sizes=True, folder=tmp_path / "f").fit()
