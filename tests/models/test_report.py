"""Fitting reports: written after every fit, self-contained, outside the manifest."""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

import lore.estimators
import lore.models
from lore.models import report as reports
from lore.reports import plotting_available
from lore.stores import manifest

pytestmark = [
    pytest.mark.skipif(not plotting_available(), reason='needs pip install "lore-ml[report]"'),
    pytest.mark.usefixtures("reports_on"),
]

PIPELINES: dict[str, Any] = {}


class Boosted(lore.models.Base):
    """Predicts who subscribes from the city, the plan and the age."""

    def __init__(self, **params: Any) -> None:
        super().__init__(pipeline=PIPELINES["classifier"](), estimator=lore.estimators.XGBoost(**params))


class Spending(lore.models.Base):
    def __init__(self) -> None:
        super().__init__(pipeline=PIPELINES["regressor"](), estimator=lore.estimators.SKLearn())


class Network(lore.models.Base):
    def __init__(self) -> None:
        estimator = lore.estimators.SKLearn(
            MLPClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0)
        )
        super().__init__(pipeline=PIPELINES["classifier"](), estimator=estimator)


class NoTest(lore.models.Base):
    def __init__(self) -> None:
        pipeline = PIPELINES["classifier"](test_size=0)
        super().__init__(pipeline=pipeline, estimator=lore.estimators.XGBoost(num_boost_round=5))


@pytest.fixture(autouse=True)
def _pipelines(pipelines: tuple, project) -> None:
    PIPELINES["classifier"], PIPELINES["regressor"] = pipelines[:2]


def figures_of(folder) -> set[str]:
    return {path.stem for path in folder.glob("*.png")}


def test_a_classifier_fit_writes_its_report_beside_a_verified_fitting(project) -> None:
    model = Boosted(num_boost_round=30)
    model.fit()
    folder = project / "models" / Boosted.name() / "1"
    page = (folder / "report" / "report.html").read_text()
    assert {"roc", "precision_recall", "calibration", "confusion_matrix", "score_distribution",
            "feature_importance", "learning_logloss", "input_city", "input_age"} <= figures_of(
        folder / "report"
    )  # fmt: skip
    assert "<script" not in page and not re.search(r"(src|href)=\"(https?:)?//", page)
    assert page.count("data:image/png;base64,") == len(figures_of(folder / "report"))
    for text in ("Why training stopped", "XGBoost total gain", "Code and packages", "unseen (test)"):
        assert text in page
    assert "Predicts who subscribes" in page  # the docstring
    listed = {entry["path"] for entry in manifest.verify(folder)["files"]}
    assert not any(path.startswith("report") for path in listed)
    assert Boosted.load(1).fitting == 1  # the report does not break verification
    card = (folder / "report" / "model_card.md").read_text()
    assert card.startswith(f"# Model card: {Boosted.name()}") and "Predicts who subscribes" in card
    assert "| city | string |" in card and "| validation |" in card


def test_a_regression_report_and_the_estimators_own_importance(project) -> None:
    model = Spending()
    model.fit()
    folder = project / "models" / Spending.name() / "1" / "report"
    assert {
        "predicted_vs_actual",
        "residuals",
        "residuals_by_prediction",
        "feature_importance",
    } <= figures_of(folder)
    assert "|coefficient|" in (folder / "report.html").read_text()


def test_permutation_importance_when_the_estimator_has_none(project) -> None:
    model = Network()
    model.fit()
    page = (project / "models" / Network.name() / "1" / "report" / "report.html").read_text()
    assert "permutation importance on validation" in page
    scores, how = reports.importance(model, reports.Evidence(model))
    assert how.startswith("permutation") and set(scores) == set(model.pipeline.feature_names())


def test_a_fitting_without_a_test_split_says_so(project) -> None:
    model = NoTest()
    model.fit()
    page = (project / "models" / NoTest.name() / "1" / "report" / "report.html").read_text()
    assert "This fitting has no test split (test_size=0)" in page
    assert "No test split: the calibration" in page


def test_a_loaded_model_shows_the_saved_report_inline(project) -> None:
    Boosted(num_boost_round=5).fit()
    loaded = Boosted.load()
    shown = loaded.report()
    assert shown._repr_html_() == (loaded.fitting_path_ / "report" / "report.html").read_text()


def test_a_report_built_without_data_keeps_the_record(project) -> None:
    Boosted(num_boost_round=5).fit()
    loaded = Boosted.load()
    page = reports.build(loaded).to_html()
    assert "a model loaded from the store without its data" in page and "Parameters" in page


def test_a_failing_report_never_costs_the_fitting(project, monkeypatch, caplog) -> None:
    def broken(model, folder, outputs=None):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reports, "write", broken)
    model = Boosted(num_boost_round=5)
    model.fit()
    assert Boosted.load().fitting == 1
    assert "is saved, but its report failed: disk on fire" in caplog.text


def test_without_matplotlib_a_fit_writes_the_card_and_says_how_to_get_reports(project, monkeypatch, caplog):
    import logging

    from lore.reports import figures

    monkeypatch.setattr(figures, "plotting_available", lambda: False)
    caplog.set_level(logging.INFO)
    Boosted(num_boost_round=5).fit()
    folder = project / "models" / Boosted.name() / "1" / "report"
    assert [path.name for path in folder.iterdir()] == ["model_card.md"]
    assert 'pip install "lore-ml[report]"' in caplog.text


def test_stopping_reasons() -> None:
    assert reports.stopping({"rounds": 50}, {"num_boost_round": 50}) == "ran all 50 boosting rounds"
    kept = reports.stopping({"rounds": 14, "validation_logloss": [0.6] * 30}, {"num_boost_round": 30})
    assert kept == "ran all 30 boosting rounds; the best 14 kept"
    assert reports.stopping({"loss": [1, 0.5]}, {"epochs": 10}).startswith("early stopping after 2 of 10")
    assert reports.stopping({}, {}) == "the estimator fits in one pass (no training rounds)"


@pytest.mark.slow
def test_report_time_is_bounded_by_the_plot_sample(project) -> None:
    model = Boosted(num_boost_round=20)
    model.fit()
    started = time.perf_counter()
    reports.write(model, model.fitting_path_)
    assert time.perf_counter() - started < 10


class Cities(lore.models.Base):
    """Guesses the city (five classes)."""

    def __init__(self) -> None:
        super().__init__(pipeline=PIPELINES["cities"](), estimator=lore.estimators.XGBoost(num_boost_round=5))


def test_a_multiclass_report(project, pipelines) -> None:
    from lore.encoders import Norm, Unique

    class CityPipeline(pipelines[0]):
        def get_encoders(self) -> tuple:
            return (Unique("plan"), Norm("age"))

        def get_output_encoder(self) -> Any:
            return Unique("city")

    CityPipeline.__qualname__ = CityPipeline.__name__
    globals()["CityPipeline"] = CityPipeline
    PIPELINES["cities"] = CityPipeline
    model = Cities()
    model.fit()
    folder = project / "models" / Cities.name() / "1" / "report"
    assert {"roc", "confusion_matrix", "score_distribution", "calibration"} <= figures_of(folder)
    assert "(micro average)" in (folder / "report.html").read_text()


def fit_keeping_outputs(model: lore.models.Base, monkeypatch) -> dict[str, Any]:
    """Fit ``model`` and return the outputs its fit handed to the report."""
    handed: dict[str, Any] = {}
    write = reports.write

    def keep(model: Any, folder: Any, outputs: Any = None) -> Any:
        handed.update(outputs)
        return write(model, folder, outputs)

    monkeypatch.setattr(reports, "write", keep)
    model.fit()
    return handed


@pytest.mark.parametrize("make", [lambda: Boosted(num_boost_round=30), Spending, Network])
@pytest.mark.parametrize("rows", [reports.PLOT_ROWS, 150])  # every row, and a sample of each split
def test_the_report_of_a_fit_reuses_its_outputs_and_is_what_predicting_the_splits_gives(
    make: Any, rows: int, monkeypatch
) -> None:
    model = make()
    handed = fit_keeping_outputs(model, monkeypatch)
    assert set(handed) == {"train", "validation", "test"}
    predicted = reports.Evidence(model, rows)  # each sampled row predicted again, as reports did
    calls = []
    monkeypatch.setattr(model, "_output", lambda x: calls.append(len(x)) or type(model)._output(model, x))
    reused = reports.Evidence(model, rows, outputs=handed)
    # a sample is predicted unless the estimator's outputs are row-wise (XGBoost); whole splits never
    sampled = [split for split, output in handed.items() if len(output) > rows]
    assert len(calls) == (0 if model.estimator.row_wise else len(sampled))
    monkeypatch.undo()
    for split in ("train", "validation", "test"):
        assert reused.output[split].dtype == predicted.output[split].dtype
        assert np.array_equal(reused.output[split], predicted.output[split])  # bit for bit
        assert np.array_equal(reused.y[split], predicted.y[split])
        assert reused.x[split].equals(predicted.x[split]) and reused.raw[split].equals(predicted.raw[split])
    before, after = reports.build(model, rows=rows), reports.build(model, rows=rows, outputs=handed)
    after.created = before.created
    assert after.to_html() == before.to_html()  # every plot, table and text
    assert after.attachments == before.attachments


def test_the_report_predicts_the_splits_its_fit_did_not_measure(monkeypatch) -> None:
    class TestOnly(Boosted):
        metric_splits = ("test",)

    TestOnly.__qualname__ = TestOnly.__name__
    globals()["TestOnly"] = TestOnly
    model = TestOnly(num_boost_round=5)
    handed = fit_keeping_outputs(model, monkeypatch)
    assert set(handed) == {"test"}
    evidence = reports.Evidence(model, outputs=handed)
    assert np.array_equal(evidence.output["train"], model._output(model.pipeline.training_data.x))
