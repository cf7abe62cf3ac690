"""lore predict: chunked batch scoring with the API's checks, into files and tables."""

from __future__ import annotations

import pandas as pd
import pytest

import lore.env
import lore.io
from lore.cli import main

MODEL = "shop.models.subscribers.BoostedName"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def users(fitted_project):
    frame = pd.DataFrame({"id": range(250), "first_name": ["Ann", "Bob", "Zoë", None, "Carl"] * 50})
    path = fitted_project / "users.csv"
    frame.to_csv(path, index=False)
    return path


def test_csv_to_parquet_in_chunks_matches_model_predict(fitted_project, users, capsys):
    code, _, err = run(capsys, "predict", "BoostedName", "--fitting", "1", "--input", str(users),
                       "--output", "scores.parquet", "--keep", "id", "--chunk-size", "100")  # fmt: skip
    assert code == 0, err
    assert err == f"Scored 250 rows with {MODEL} fitting 1 into scores.parquet\n"
    scores = pd.read_parquet(fitted_project / "scores.parquet")
    assert list(scores.columns) == ["id", "prediction", "probability"]
    assert scores["id"].tolist() == list(range(250))
    import sys

    sys.path.insert(0, str(fitted_project))
    from shop.models.subscribers import BoostedName

    expected = BoostedName.load(1).predict(pd.read_csv(users))
    assert scores["prediction"].tolist() == list(expected)
    assert scores["probability"].between(0.5, 1).all()


def test_stdin_to_stdout(fitted_project, users, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(users.read_text()))
    code, out, _ = run(capsys, "predict", "BoostedName", "--input", "-", "--output", "-")
    assert code == 0
    assert out.splitlines()[0] == "prediction,probability" and len(out.splitlines()) == 251


def test_a_missing_column_is_the_apis_message(fitted_project, capsys):
    pd.DataFrame({"name": ["Ann"]}).to_csv(fitted_project / "bad.csv", index=False)
    code, _, err = run(capsys, "predict", "BoostedName", "--input", "bad.csv", "--output", "out.csv")
    assert code == 1
    assert (
        err == "lore: missing column(s) 'first_name' (in bad.csv, rows 0-0); send every one of: first_name\n"
    )
    assert not (fitted_project / "out.csv").exists()


def test_a_wrong_type_names_the_row(fitted_project, capsys):
    pd.DataFrame({"first_name": [7, 8]}).to_parquet(fitted_project / "bad.parquet")
    code, _, err = run(capsys, "predict", "BoostedName", "--input", "bad.parquet", "--output", "out.csv")
    assert code == 1
    assert err == (
        "lore: column 'first_name' must be a string (or null); row 0 has 7 (in bad.parquet, rows 0-1)\n"
    )


def test_an_existing_table_needs_replace_or_append(fitted_project, users, capsys):
    args = ["predict", "BoostedName", "--input", str(users), "--table", "scores", "--keep", "id"]
    assert run(capsys, *args)[0] == 0
    code, _, err = run(capsys, *args)
    assert (code, err) == (
        1,
        "lore: table scores exists: add --replace to replace it or --append to add rows\n",
    )
    assert run(capsys, *args, "--append")[0] == 0
    count = lambda: lore.io.connection("main").select("SELECT COUNT(*) FROM scores")[0][0]  # noqa: E731
    assert count() == 500
    assert run(capsys, *args, "--replace", "--chunk-size", "60")[0] == 0
    assert count() == 250


def test_usage_errors(fitted_project, users, capsys):
    code, _, err = run(capsys, "predict", "BoostedName", "--output", "x.csv")
    assert code == 2 and "give one of --input FILE or --extract NAME" in err
    code, _, err = run(capsys, "predict", "BoostedName", "--input", str(users), "--output", "x.json")
    assert code == 2 and "use a .csv or .parquet file" in err
    code, _, err = run(capsys, "predict", "BoostedName", "--input", "nope.csv", "--output", "x.csv")
    assert (code, err) == (
        1,
        "lore: nope.csv does not exist: give --input an existing .csv or .parquet file, or -\n",
    )


@pytest.mark.postgres
def test_from_an_extract_into_postgresql(fitted_project, capsys, postgres_url):
    (fitted_project / "config" / "database.cfg").write_text(f"[WAREHOUSE]\nurl: {postgres_url}\n")
    lore.env.reset()
    warehouse = lore.io.connection("warehouse")
    names = pd.DataFrame({"id": range(300), "first_name": ["Ann", "Bob", "Eve"] * 100})
    warehouse.replace("predict_users", names)
    (fitted_project / "shop" / "extracts" / "predict_users.sql").write_text(
        "SELECT id, first_name FROM predict_users WHERE id < %(limit)s ORDER BY id"
    )
    code, _, err = run(capsys, "predict", "BoostedName", "--extract", "predict_users", "--param", "limit=200",
                       "--connection", "warehouse", "--table", "predict_scores", "--replace", "--keep", "id",
                       "--chunk-size", "64")  # fmt: skip
    assert code == 0, err
    rows = warehouse.select("SELECT COUNT(*), MAX(id) FROM predict_scores")
    assert rows == [(200, 199)]


def test_scores_are_logged_one_request_per_chunk(fitted_project, users, capsys):
    from lore.monitoring.log import ParquetSink, read

    code, _, err = run(capsys, "predict", "BoostedName", "--input", str(users), "--output", "scores.csv",
                       "--chunk-size", "100")  # fmt: skip
    assert code == 0, err
    logs = read(ParquetSink(fitted_project / "data" / "predictions"), MODEL)
    frame = logs.frame
    assert len(frame) == 250 and frame["request_id"].nunique() == 3
    assert sorted(frame["request_id"].str.rsplit("-", n=1).str[1].unique()) == ["0", "1", "2"]
    scores = pd.read_csv(fitted_project / "scores.csv")
    logged = frame.sort_values(["request_id", "row"])["prediction"].tolist()
    assert logged == scores["prediction"].tolist()
    assert logs.probabilities.shape == (250, 2)


def test_no_log(fitted_project, users, capsys):
    code, _, err = run(capsys, "predict", "BoostedName", "--input", str(users), "--output", "scores.csv",
                       "--no-log")  # fmt: skip
    assert code == 0, err
    assert not (fitted_project / "data" / "predictions").exists()
