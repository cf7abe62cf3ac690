"""lore fit: model paths, typed parameters, and clear refusals before any data is read."""

from __future__ import annotations

import re

import pytest

from lore.cli import main
from lore.cli.fit import parameter_command, parse_parameters, parse_search, search_space
from lore.errors import UnknownParameter

TOY = """
import lore.estimators
import lore.models


class Toy(lore.models.XGBoost):
    search_space = {"max_depth": (2, 4)}


class Forest(lore.models.SKLearn):
    pass


class Flagged(lore.models.XGBoost):
    def fit(self, shuffle=True, **params):
        return super().fit(**params)


def helper():
    pass
"""


@pytest.fixture
def toy(new_project):
    (new_project / "shop" / "models" / "toy.py").write_text(TOY)
    (new_project / "shop" / "models" / "broken.py").write_text("import no_such_library_anywhere\n")
    return new_project


def test_options_become_typed_parameters(toy):
    import sys

    sys.path.insert(0, str(toy))
    from shop.models.toy import Toy

    args = ["--max-depth", "4", "--learning-rate=0.25", "--objective", "binary:logistic"]
    assert parse_parameters(Toy(), args) == {
        "max_depth": 4,
        "learning_rate": 0.25,
        "objective": "binary:logistic",
    }
    with pytest.raises(UnknownParameter, match=r"accept --colour; lore fit .*Toy --help lists the"):
        parse_parameters(Toy(), ["--colour", "red"])
    with pytest.raises(UnknownParameter, match=r"Toy does not accept --max-dept; did you mean --max-depth\?"):
        parse_parameters(Toy(), ["--max-dept", "3"])


def test_help_after_a_model_lists_its_parameters_with_types_and_defaults(toy, capsys):
    assert main(["fit", "shop.models.toy.Toy", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Parameters of Toy.fit" in out
    assert re.search(r"--max-depth INT\s+default: 6", out) and "--learning-rate FLOAT" in out


def test_parameters_are_click_options_with_types_defaults_and_ranges(toy):
    import sys

    import click

    sys.path.insert(0, str(toy))
    from shop.models.toy import Flagged, Toy

    options = {option.name: option for option in parameter_command(Toy()).params}
    assert all(isinstance(option, click.Option) for option in options.values())
    assert (options["max_depth"].type.name, options["max_depth"].default) == ("int", 6)
    assert (options["learning_rate"].type.name, options["learning_rate"].default) == ("float", 0.1)
    assert (options["objective"].type.name, options["objective"].default) == ("value", None)
    assert options["max_depth"].opts == ["--max-depth"] and options["lambda"].opts == ["--lambda"]
    shuffle = {option.name: option for option in parameter_command(Flagged()).params}["shuffle"]
    assert shuffle.is_flag and shuffle.secondary_opts == ["--no-shuffle"] and shuffle.default is True
    assert parse_parameters(Flagged(), ["--no-shuffle", "--lambda", "2", "--booster", "dart"]) == {
        "shuffle": False,
        "lambda": 2,
        "booster": "dart",
    }
    assert parse_parameters(Toy(), []) == {}  # defaults stay the estimator's
    assert parse_parameters(Toy(), ["--max-depth", "2:8"], searching=True) == {"max_depth": "2:8"}


def test_help_shows_ranges_and_flag_pairs(toy, capsys):
    assert main(["fit", "shop.models.toy.Flagged", "--help"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"--shuffle / --no-shuffle\s+default: True", out)
    assert re.search(r"--subsample VALUE\s+range: 0\.\.1", out)
    assert re.search(r"--max-depth INT\s+default: 6; range: 0\.\.", out)


def test_search_space_from_the_class_and_the_command_line(toy):
    import sys

    sys.path.insert(0, str(toy))
    from shop.models.toy import Toy

    space, fixed = search_space(Toy(), {"learning_rate": "0.01:0.3", "booster": "gbtree|dart", "seed": "1"})
    assert space == {"max_depth": (2, 4), "learning_rate": (0.01, 0.3), "booster": ["gbtree", "dart"]}
    assert fixed == {"seed": "1"}
    assert parse_search("trials=5") == {"trials": 5}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["shop.models.toy.Toy", "--max-depth", "deep"], 2, "--max-depth expects int, got 'deep'"),
        (["shop.models.toy.Toy", "--colour", "red"], 1, "Toy does not accept --colour"),
        (["shop.models.toy.Toy", "--max-depth", "abc"], 2, "--max-depth expects int, got 'abc'"),
        (["shop.models.toy.Toy", "--learning-rate", "fast"], 2, "--learning-rate expects float, got 'fast'"),
        (
            ["shop.models.toy.Toy", "--max-depth", "-3"],
            1,
            "XGBoost: max_depth=-3 is out of range; it must be at least 0",
        ),
        (
            ["shop.models.toy.Toy", "--subsample=1.5"],
            1,
            "subsample=1.5 is out of range; it must be between 0 and 1",
        ),
        (
            ["shop.models.toy.Toy", "--max-dept", "3"],
            1,
            "Toy does not accept --max-dept; did you mean --max-depth?",
        ),
        (["shop.models.toy.Toy", "--max-depth"], 2, "Option '--max-depth' requires an argument"),
        (
            ["shop.models.toy.Nope"],
            1,
            "shop.models.toy has no 'Nope'; it defines: Flagged, Forest, Toy, helper",
        ),
        (["models.toy.helper"], 1, "models.toy.helper is not a model class"),
        (["shop.models.broken.Model"], 1, "No module named 'no_such_library_anywhere'"),
        (["no_such_package.Model"], 1, "cannot import model no_such_package.Model: No module named"),
        (["Toy"], 1, "'Toy' is not a model path"),
        (["shop.models.toy.Toy", "positional"], 2, "unexpected argument 'positional'"),
        (["shop.models.toy.Toy", "--search", "tries=3"], 2, "--search takes trials=N"),
        (["shop.models.toy.Forest", "--search", "trials=3"], 1, "Forest has no search space"),
        (["shop.models.toy.Toy"], 1, "needs a pipeline and an estimator"),
    ],
)
def test_bad_input_is_one_line(toy, capsys, args, code, message):
    assert main(["fit", *args]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_fit_outside_a_project(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["fit", "shop.models.toy.Toy"]) == 1
    assert "not inside a lore project" in capsys.readouterr().err


QUICK = """
import sqlite3

import pandas as pd

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Unique


class Users(lore.pipelines.TrainTestSplit):
    def get_data(self):
        with sqlite3.connect("data/main.sqlite") as db:
            return pd.read_sql("SELECT first_name, has_subscription FROM users LIMIT 600", db)

    def get_encoders(self):
        return (Unique("first_name", minimum_occurrences=3),)

    def get_output_encoder(self):
        return Boolean("has_subscription")


class Quick(lore.models.XGBoost):
    search_space = {"max_depth": (2, 4)}

    def __init__(self):
        super().__init__(pipeline=Users(), estimator=lore.estimators.XGBoost(num_boost_round=5))
"""


@pytest.fixture
def quick(new_project):
    (new_project / "shop" / "models" / "quick.py").write_text(QUICK)
    return new_project


def test_fit_prints_metrics_and_the_fitting_saved(reports_on, quick, capsys):
    assert main(["fit", "shop.models.quick.Quick", "--max-depth", "2", "--learning-rate", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "Fitted Quick with {'max_depth': 2, 'learning_rate': 0.3}:" in out
    table = out.splitlines()[1:5]
    assert table[0].split() == ["split", "loss", "accuracy", "auc"]
    assert [line.split()[0] for line in table[1:]] == ["train", "validation", "test"]
    assert "  stopped: " in out and "boosting rounds" in out
    folder = quick / "models" / "shop.models.quick.Quick" / "1"
    assert f"Saved fitting 1 of shop.models.quick.Quick in {folder}" in out
    assert f"  report: {folder / 'report' / 'report.html'}" in out
    assert (quick / "models" / "shop.models.quick.Quick" / "1" / "manifest.json").is_file()


def test_fit_sets_up_logging_for_the_environment(quick, monkeypatch):
    import logging

    monkeypatch.setenv("LORE_ENV", "test")
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        assert main(["fit", "shop.models.quick.Quick"]) == 0
        for handler in root.handlers:
            handler.flush()
        log = (quick / "logs" / "test.log").read_text()
        assert "boosting round 5/5" in log and "INFO" in log
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()


def test_no_report_skips_the_report_and_says_so(reports_on, quick, capsys):
    assert main(["fit", "shop.models.quick.Quick", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "  report: none (turned off by --no-report or LORE_REPORTS=0)" in out
    assert not (quick / "models" / "shop.models.quick.Quick" / "1" / "report").exists()
    assert main(["fit", "shop.models.quick.Quick", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--report / --no-report" in out and "--report VALUE" not in out


def test_fit_search_runs_trials(reports_on, quick, capsys):
    pytest.importorskip("optuna")
    assert main(["fit", "shop.models.quick.Quick", "--search", "trials=2", "--learning-rate", "0.1:0.3"]) == 0
    out = capsys.readouterr().out
    assert "Best of 2 trials: fitting" in out and "learning_rate" in out
    assert re.search(r"^  report: \S+/report/report.html$", out, re.MULTILINE)


def test_fit_says_that_early_stopping_ended_training(new_project, capsys):
    assert main(["fit", "shop.models.subscribers.BoostedName", "--num-boost-round", "400"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"stopped: early stopping after \d+ of 400 boosting rounds \(no validation gain in \d+ rounds\); "
        r"the best \d+ kept",
        out,
    )
