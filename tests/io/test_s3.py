"""lore.io.s3 (project files) and lore.s3 (settings, transfer) against moto's S3 server over real HTTP."""

from __future__ import annotations

import pytest

import lore.s3
from lore.errors import RemoteStorageError, UnknownConfigKey
from lore.io import s3

pytestmark = pytest.mark.s3


@pytest.fixture
def configured(project, s3_endpoint, monkeypatch):
    """A project whose config/aws.cfg points at a fresh bucket on moto."""
    import boto3

    for variable in lore.s3.VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="team-bucket")
    (project / "config" / "aws.cfg").write_text(
        f"[S3]\nbucket: team-bucket\nprefix: churn\nendpoint_url: {s3_endpoint}\n"
    )
    return project


def objects(s3_endpoint, bucket="team-bucket"):
    import boto3

    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_upload_and_download_a_file(configured, s3_endpoint):
    (configured / "data" / "features.csv").write_text("a,b\n1,2\n")
    url = s3.upload(configured / "data" / "features.csv")
    assert url == "s3://team-bucket/churn/development/data/features.csv"
    (configured / "data" / "features.csv").unlink()
    assert s3.download("data/features.csv") == configured / "data" / "features.csv"
    assert (configured / "data" / "features.csv").read_text() == "a,b\n1,2\n"
    assert not list((configured / "data").glob(".*"))  # no temporary files left


def test_upload_and_download_a_folder(configured, tmp_path):
    folder = configured / "data" / "step"
    (folder / "inner").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "inner" / "b.txt").write_text("b")
    s3.upload(folder, "results/step")
    target = s3.download("results/step", tmp_path / "copy")
    assert (target / "a.txt").read_text() == "a" and (target / "inner" / "b.txt").read_text() == "b"


def test_environments_never_share_keys(configured, s3_endpoint, monkeypatch):
    import lore.env

    (configured / "x.txt").write_text("dev")
    s3.upload(configured / "x.txt", "x.txt")
    monkeypatch.setenv("LORE_ENV", "production")
    lore.env.reset()
    (configured / "x.txt").write_text("prod")
    s3.upload(configured / "x.txt", "x.txt")
    assert objects(s3_endpoint) == ["churn/development/x.txt", "churn/production/x.txt"]
    target = s3.download("x.txt", configured / "back.txt")
    assert target.read_text() == "prod"


def test_environment_variables_win_over_the_config_file(configured, s3_endpoint, monkeypatch):
    import boto3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="other")
    monkeypatch.setenv("LORE_S3_BUCKET", "other")
    monkeypatch.setenv("LORE_S3_PREFIX", "p")
    (configured / "x.txt").write_text("x")
    assert s3.upload(configured / "x.txt") == "s3://other/p/development/x.txt"
    assert objects(s3_endpoint, "other") == ["p/development/x.txt"]


def test_per_environment_config_file(configured):
    (configured / "config" / "aws.test.cfg").write_text("[S3]\nbucket: test-bucket\n")
    assert lore.s3.settings(environment="test").bucket == "test-bucket"
    assert lore.s3.settings(environment="development").bucket == "team-bucket"


def test_no_bucket_configured(project, monkeypatch):
    monkeypatch.delenv("LORE_S3_BUCKET", raising=False)
    assert lore.s3.settings(required=False) is None
    with pytest.raises(RemoteStorageError, match=r"set `bucket` in section \[S3\] of config/aws.cfg"):
        s3.download("x.txt")


def test_unknown_key_in_config(project):
    (project / "config" / "aws.cfg").write_text("[S3]\nbucket: b\nendpoint: http://x\n")
    with pytest.raises(UnknownConfigKey, match="endpoint"):
        lore.s3.settings()


def test_bucket_that_does_not_exist(configured, monkeypatch):
    monkeypatch.setenv("LORE_S3_BUCKET", "missing-bucket")
    (configured / "x.txt").write_text("x")
    with pytest.raises(RemoteStorageError, match="bucket 'missing-bucket' does not exist.*LORE_S3_BUCKET"):
        s3.upload(configured / "x.txt")
    with pytest.raises(RemoteStorageError, match="bucket 'missing-bucket' does not exist"):
        s3.download("x.txt")


def test_missing_credentials(configured, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (configured / "x.txt").write_text("x")
    with pytest.raises(RemoteStorageError, match="no AWS credentials found; set AWS_ACCESS_KEY_ID"):
        s3.upload(configured / "x.txt")


def test_missing_object_and_missing_local_file(configured):
    with pytest.raises(RemoteStorageError, match="no object s3://team-bucket/churn/development/nothing.txt"):
        s3.download("nothing.txt")
    with pytest.raises(RemoteStorageError, match="no such file"):
        s3.upload(configured / "absent.txt")


@pytest.mark.parametrize("remote", ["../x", "/etc/passwd", "a/../../b", "a/./b"])
def test_path_traversal_in_remote_names(configured, remote):
    (configured / "x.txt").write_text("x")
    with pytest.raises(RemoteStorageError, match="must be relative"):
        s3.upload(configured / "x.txt", remote)
    with pytest.raises(RemoteStorageError, match="must be relative"):
        s3.download(remote)


def test_unreachable_endpoint(project, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("LORE_S3_BUCKET", "b")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(RemoteStorageError, match="cannot reach"):
        s3.download("x.txt")


def test_remote_paths_mirror_the_project(configured):
    local = configured / "data" / "models" / "a.pkl"
    assert s3.remote_from_local(local) == "data/models/a.pkl"
    assert s3.remote_from_local("/elsewhere/b.pkl") == "b.pkl"
    assert s3.prefix_remote_root("/data/a.pkl") == "churn/development/data/a.pkl"
    assert s3.prefix_remote_root("churn/development/data/a.pkl") == "churn/development/data/a.pkl"
