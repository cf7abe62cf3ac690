"""The model's life in the CLI: models, show, compare, promote, upload, download, prune."""

from __future__ import annotations

import json

import pytest

from lore.cli import main

MODEL = "shop.models.subscribers.BoostedName"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_models_lists_fittings_latest_aliases_and_best_metric(fitted_project, capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0
    header, row = out.splitlines()
    assert header.split()[:4] == ["model", "fittings", "latest", "created"]
    assert row.startswith(MODEL) and " 2 " in row and "auc " in row


def test_models_in_an_empty_store(new_project, capsys):
    assert run(capsys, "models")[1].startswith("No fitted models in")


def test_show_by_short_name_number_and_alias(fitted_project, capsys):
    code, out, _ = run(capsys, "show", "BoostedName", "1")
    assert code == 0
    assert out.startswith(f"{MODEL} fitting 1")
    assert "num_boost_round" in out and "report.html" in out and "validation" in out
    run(capsys, "promote", "BoostedName", "1", "--alias", "candidate")
    assert run(capsys, "show", "BoostedName", "candidate")[1].startswith(f"{MODEL} fitting 1 (candidate)")


def test_unknown_model_or_fitting_lists_what_exists(fitted_project, capsys):
    code, _, err = run(capsys, "show", "BoostedNam")
    assert code == 1
    assert err == f"lore: no model named 'BoostedNam' (did you mean {MODEL}?); models: {MODEL}\n"
    code, _, err = run(capsys, "show", "BoostedName", "7")
    assert err == f"lore: {MODEL} has no fitting 7; fittings: 1, 2; aliases: none\n"


def test_compare_shows_metric_deltas_and_changed_parameters(fitted_project, capsys):
    code, out, _ = run(capsys, "compare", "BoostedName", "1", "2")
    assert code == 0
    assert out.startswith(f"{MODEL}: fitting 1 against 2")
    lines = out.splitlines()
    assert any(line.split()[:2] == ["validation", "auc"] for line in lines)
    (depth,) = [line for line in lines if line.startswith("max_depth")]
    assert depth.split() == ["max_depth", "3", "2"]
    assert any(line.split()[:3] == ["num_boost_round", "5", "10"] for line in lines)


def test_promote_verifies_then_moves_the_alias(fitted_project, capsys):
    code, out, _ = run(capsys, "promote", "BoostedName", "2")
    assert (code, out) == (0, f"{MODEL}: production -> fitting 2\n")
    aliases = json.loads((fitted_project / "models" / MODEL / "aliases.json").read_text())
    assert aliases == {"production": 2}


def test_promoting_a_damaged_fitting_is_refused(fitted_project, capsys):
    (fitted_project / "models" / MODEL / "1" / "model.json").write_text("{}")
    code, _, err = run(capsys, "promote", "BoostedName", "1")
    assert code == 1 and err.startswith("lore: ") and "model.json is" in err and err.count("\n") == 1
    assert not (fitted_project / "models" / MODEL / "aliases.json").exists()


def test_prune_never_removes_an_aliased_fitting(fitted_project, capsys):
    run(capsys, "promote", "BoostedName", "1")
    code, out, _ = run(capsys, "prune", "BoostedName", "--keep", "1")
    assert (code, out) == (0, f"{MODEL}: removed fittings none; kept 1, 2\n")
    run(capsys, "promote", "BoostedName", "2")
    assert run(capsys, "prune", "BoostedName", "--keep", "1")[1] == f"{MODEL}: removed fittings 1; kept 2\n"


def test_typos_get_a_suggestion(fitted_project, capsys):
    code, _, err = run(capsys, "prune", "BoostedName", "--kep", "1")
    assert code == 2 and "Did you mean" in err and "--keep" in err
    code, _, err = run(capsys, "promot", "BoostedName", "1")
    assert code == 2 and "Did you mean 'promote'?" in err


@pytest.mark.s3
def test_promote_uploads_and_download_fetches_it_elsewhere(fitted_project, capsys, s3_endpoint, monkeypatch):
    import shutil

    monkeypatch.setenv("LORE_S3_BUCKET", "models")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    import boto3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="models")
    code, out, err = run(capsys, "promote", "BoostedName", "2")
    assert code == 0, err
    assert "uploaded to s3://models/" in out
    code, out, err = run(capsys, "upload", "BoostedName", "1")
    assert code == 0 and out.startswith(f"Uploaded {MODEL} fitting 1 to s3://models/"), err
    shutil.rmtree(fitted_project / "models" / MODEL)
    code, out, err = run(capsys, "download", MODEL, "production")
    assert code == 0, err
    assert out.startswith(f"Downloaded {MODEL} fitting 2 to ")
    assert (fitted_project / "models" / MODEL / "2" / "report" / "report.html").is_file()


def test_models_summarizes_many_fittings_and_models(new_project, capsys):
    from lore.stores import ModelStore

    store = ModelStore(new_project / "models")
    for number in range(60):
        metrics = {"validation": {"loss": 1.0 / (number + 1), "auc": 0.5 + number / 200}}
        name = f"shop.models.M{number % 3}"
        with store.new_fitting(name, {"metrics": metrics, "params": {"n": number}}) as fitting:
            (fitting.path / "weights.txt").write_text(str(number))
    store.alias("shop.models.M1", 4, "production")
    code, out, _ = run(capsys, "models")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert sorted(rows) == ["shop.models.M0", "shop.models.M1", "shop.models.M2"]
    assert rows["shop.models.M2"].split()[1:3] == ["20", "20"]
    assert "auc 0.795 (#20)" in rows["shop.models.M2"]  # the best, here the latest
    assert "production->4" in rows["shop.models.M1"]
