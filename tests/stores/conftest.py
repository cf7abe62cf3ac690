"""A bucket on moto's S3 server (real HTTP) and a store whose remote points at it."""

from __future__ import annotations

import pytest


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    import boto3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="lore-models")
    return "lore-models"


@pytest.fixture
def s3_client(s3_endpoint: str, bucket: str):
    import boto3

    return boto3.client("s3", endpoint_url=s3_endpoint)


@pytest.fixture
def remote(s3_endpoint: str, bucket: str):
    from lore.s3 import Remote, Settings

    settings = Settings(bucket=bucket, prefix="team", endpoint_url=s3_endpoint, environment="test")
    return Remote(settings, part_size=8 * 1024 * 1024, concurrency=4)
