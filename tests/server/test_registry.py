"""Finding model classes, and loading the fitting to serve: local, else from S3."""

from __future__ import annotations

import shutil
import sys

import httpx
import pytest

from lore.errors import NotInProject
from lore.server.registry import ServedModel, discover
from tests.conftest import own_modules


def test_discover_finds_the_models_defined_in_the_app(shop):
    with own_modules("shop", shop):
        names = [cls.__qualname__ for cls in discover("shop")]
        assert names == ["Spend", "Subscribers"]  # not lore.models.Base, imported there
        served = ServedModel(discover("shop")[1], "shop")
        assert served.short_name == "subscribers.Subscribers"
        assert served.candidates() == ["production", None]
        assert ServedModel(discover("shop")[1], "shop", alias="7").candidates() == ["7"]


def test_an_app_without_models_says_where_to_put_them(tmp_path):
    (tmp_path / "empty_app").mkdir()
    (tmp_path / "empty_app" / "__init__.py").write_text("")
    with own_modules("empty_app", tmp_path), pytest.raises(NotInProject, match="empty_app/models"):
        discover("empty_app")


def test_the_app_discovered_here_is_forgotten_after(shop):
    """A later ``lore init shop`` (tests/cli) must not find ``shop`` already imported."""
    from lore.cli.init import check_name

    with own_modules("shop", shop):
        discover("shop")
    assert not [name for name in sys.modules if name.split(".")[0] == "shop"]
    assert check_name("shop") == "shop"


@pytest.mark.s3
@pytest.mark.slow
def test_a_server_without_local_fittings_downloads_production_from_s3(
    shop, s3_endpoint, launch, in_project, rows, reference, tmp_path
):
    import boto3

    s3 = {
        "LORE_S3_BUCKET": "lore-api-test",
        "LORE_S3_ENDPOINT_URL": s3_endpoint,
        "LORE_S3_PREFIX": "shop",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="lore-api-test")
    in_project(
        shop,
        """
        from shop.models.subscribers import Spend, Subscribers
        for model in (Subscribers, Spend):
            model.load("production").upload()
        """,
        **s3,
    )
    fresh = tmp_path / "shop"  # the same code, no local fittings: a new container
    shutil.copytree(shop / "shop", fresh / "shop")
    shutil.copy(shop / "runtime.txt", fresh)
    for folder in ("config", "models", "logs", "data"):
        (fresh / folder).mkdir()
    running = launch("from-s3", root=fresh, **s3)
    answer = httpx.post(running.url + "/models/subscribers.Subscribers/predict", json=rows, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"] == reference["predictions"]
    assert any((fresh / "models").iterdir())

    # promote a new fitting on S3 only; a reload picks it up
    number = int(
        in_project(
            shop,
            """
            import lore.stores
            from shop.models.subscribers import Subscribers
            model = Subscribers()
            model.fit()
            lore.stores.model_store().alias(model.name(), model.fitting, "production")
            model.upload()
            print(model.fitting)
            """,
            **s3,
        ).split()[-1]
    )
    reload = httpx.post(running.url + "/models/subscribers.Subscribers/reload", timeout=60)
    assert reload.status_code == 200, reload.text
    assert reload.json()["fitting"] == number != reload.json()["previous"]
