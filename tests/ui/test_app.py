"""lore ui over a real store: pages, report files, compare, and the promote guard."""

from __future__ import annotations

import json

import pytest

MODEL = "shop.models.subscribers.BoostedName"


@pytest.fixture
def client(ui_server):
    import httpx

    def make(root, **options):
        return httpx.Client(base_url=ui_server(root, **options), timeout=30)

    return make


def test_models_fittings_and_a_fitting_page(fitted_project, client):
    http = client(fitted_project)
    home = http.get("/")
    assert home.status_code == 200 and f'href="/models/{MODEL}"' in home.text
    assert "<script" not in home.text and "default-src 'none'" in home.headers["content-security-policy"]
    listing = http.get(f"/models/{MODEL}")
    assert listing.text.count('type="checkbox" name="f"') == 2
    page = http.get(f"/models/{MODEL}/1")
    assert page.status_code == 200
    assert f'src="/models/{MODEL}/1/report.html"' in page.text and "sandbox" in page.text
    assert "Promote" not in page.text  # off unless enabled


def test_report_files_are_served_without_scripts(fitted_project, client):
    http = client(fitted_project)
    report = http.get(f"/models/{MODEL}/2/report.html")
    assert report.status_code == 200 and report.text.startswith("<!DOCTYPE html>")
    assert report.headers["content-security-policy"].startswith("default-src 'none'")
    assert http.get(f"/models/{MODEL}/2/model_card.md").text.startswith("# Model card")
    assert http.get(f"/models/{MODEL}/2/pipeline.pkl").status_code == 404


def test_compare_overlays_two_fittings(fitted_project, client):
    page = client(fitted_project).get(f"/models/{MODEL}/compare?f=1&f=2")
    assert page.status_code == 200
    assert "Parameters that differ" in page.text and "max_depth" in page.text
    assert page.text.count("data:image/png;base64,") >= 3  # learning curve, ROC, PR
    bad = client(fitted_project).get(f"/models/{MODEL}/compare?f=1")
    assert bad.status_code == 400 and "tick two or more fittings" in bad.text


def test_unknown_model_and_fitting_list_what_exists(fitted_project, client):
    http = client(fitted_project)
    missing = http.get("/models/shop.Nope")
    assert missing.status_code == 404 and f"models: {MODEL}" in missing.text
    missing = http.get(f"/models/{MODEL}/9")
    assert missing.status_code == 404 and "fittings: 1, 2" in missing.text


def test_promote_is_off_unless_enabled(fitted_project, client):
    refused = client(fitted_project).post(f"/models/{MODEL}/1/promote", data={"alias": "production"})
    assert refused.status_code == 403 and "--allow-promote" in refused.text
    assert not (fitted_project / "models" / MODEL / "aliases.json").exists()


def test_promote_with_a_token(fitted_project, client):
    http = client(fitted_project, promote=True, token="a-long-enough-secret")
    wrong = http.post(f"/models/{MODEL}/1/promote", data={"alias": "production", "token": "nope"})
    assert wrong.status_code == 403 and "wrong or missing token" in wrong.text
    done = http.post(
        f"/models/{MODEL}/1/promote",
        data={"alias": "production", "token": "a-long-enough-secret"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("/1?promoted=production")
    aliases = json.loads((fitted_project / "models" / MODEL / "aliases.json").read_text())
    assert aliases == {"production": 1}
    assert "production now points at this fitting" in http.get(done.headers["location"]).text


def test_a_cross_site_form_cannot_promote(fitted_project, client):
    http = client(fitted_project, promote=True)
    refused = http.post(
        f"/models/{MODEL}/1/promote", data={"alias": "production"}, headers={"Origin": "http://evil.example"}
    )
    assert refused.status_code == 403


def test_a_damaged_fitting_is_not_promoted(fitted_project, client):
    (fitted_project / "models" / MODEL / "2" / "model.json").write_text("{}")
    refused = client(fitted_project, promote=True).post(
        f"/models/{MODEL}/2/promote", data={"alias": "production"}
    )
    assert refused.status_code == 409 and "model.json" in refused.text
    assert not (fitted_project / "models" / MODEL / "aliases.json").exists()


def test_the_command_needs_a_token_beyond_loopback():
    from lore.cli.ui import promote_token
    from lore.errors import ConfigError

    assert promote_token("127.0.0.1", True, None) is None
    assert promote_token("0.0.0.0", False, None) is None
    assert len(promote_token("0.0.0.0", True, None)) >= 20
    with pytest.raises(ConfigError, match="at least 12 characters"):
        promote_token("0.0.0.0", True, "short")


@pytest.mark.s3
def test_the_model_page_lists_the_fittings_on_s3(fitted_project, client, s3_endpoint, monkeypatch):
    import boto3

    import lore.env
    import lore.s3
    from lore.stores import ModelStore

    monkeypatch.setenv("LORE_S3_BUCKET", "models")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    lore.env.reset()
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="models")
    store = ModelStore(fitted_project / "models", remote=lore.s3.remote())
    store.upload(MODEL, 2)
    page = client(fitted_project, store=store).get(f"/models/{MODEL}")
    assert "On S3" in page.text and "#2" in page.text
