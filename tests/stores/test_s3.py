"""Fittings to and from moto's S3 server over real HTTP (lore/stores/s3.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import lore.serializers
from lore.errors import CorruptArtifact, FittingNotFound, RemoteStorageError, StoreError
from lore.s3 import Remote, Settings
from lore.stores.modelstore import ModelStore

pytestmark = pytest.mark.s3
NAME = "demo_app.models.Churn"
MB = 1024 * 1024


def fit(store, value=1.0, extra_bytes=0):
    with store.new_fitting(NAME, {"metrics": {"auc": value}}) as fitting:
        lore.serializers.save(np.full(3, value), fitting.path, "weights")
        if extra_bytes:
            (fitting.path / "blobs").mkdir()
            (fitting.path / "blobs" / "big.bin").write_bytes(os.urandom(extra_bytes))
    return fitting


@pytest.fixture
def laptop(tmp_path, remote):
    return ModelStore(tmp_path / "laptop", remote=remote)


@pytest.fixture
def server(tmp_path, remote):
    return ModelStore(tmp_path / "server", remote=remote)


def keys(s3_client, bucket):
    listed = s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return sorted(item["Key"] for item in listed)


def test_round_trip_with_layout_and_aliases(laptop, server, s3_client, bucket):
    fit(laptop, 0.5), fit(laptop, 0.6)
    laptop.alias(NAME, 1, "production")
    assert laptop.upload(NAME, "production") == 1
    assert laptop.upload(NAME) == 2
    assert laptop.alias(NAME, 1, "production", remote=True) == 1
    assert keys(s3_client, bucket) == [
        f"team/test/{NAME}/1/manifest.json",
        f"team/test/{NAME}/1/model.json",
        f"team/test/{NAME}/1/weights.npy",
        f"team/test/{NAME}/1/weights.serializer.json",
        f"team/test/{NAME}/2/manifest.json",
        f"team/test/{NAME}/2/model.json",
        f"team/test/{NAME}/2/weights.npy",
        f"team/test/{NAME}/2/weights.serializer.json",
        f"team/test/{NAME}/aliases/production.json",
    ]
    assert [(f.number, f.aliases, f.metrics, f.path) for f in server.remote_fittings(NAME)] == [
        (1, ["production"], {"auc": 0.5}, f"s3://lore-models/team/test/{NAME}/1"),
        (2, [], {"auc": 0.6}, f"s3://lore-models/team/test/{NAME}/2"),
    ]
    assert server.download(NAME).name == "2"  # latest by default
    assert server.download(NAME, "production").name == "1"
    assert server.resolve(NAME, "production").name == "1"  # the alias came along
    assert lore.serializers.load(server.resolve(NAME, 1), "weights").tolist() == [0.5] * 3
    assert server.download(NAME, 1) == server.resolve(NAME, 1)  # again: a no-op
    assert fit(server).number == 3  # after the downloaded ones


def test_large_file_goes_up_in_parts(laptop, server, s3_client, bucket):
    fitting = fit(laptop, extra_bytes=20 * MB)
    laptop.upload(NAME, fitting.number)
    head = s3_client.head_object(Bucket=bucket, Key=f"team/test/{NAME}/1/blobs/big.bin")
    assert head["ETag"].strip('"').endswith("-3")  # 20 MB in 8 MB parts
    folder = server.download(NAME)
    assert (folder / "blobs" / "big.bin").read_bytes() == (fitting.path / "blobs" / "big.bin").read_bytes()


def test_concurrent_uploads_of_two_fittings(laptop, server):
    first, second = fit(laptop, 1.0, extra_bytes=3 * MB), fit(laptop, 2.0, extra_bytes=3 * MB)
    errors = []

    def upload(number):
        try:
            laptop.upload(NAME, number)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=upload, args=(n,)) for n in (first.number, second.number)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [f.number for f in server.remote_fittings(NAME)] == [1, 2]
    for number, value in ((1, 1.0), (2, 2.0)):
        folder = server.download(NAME, number)
        assert lore.serializers.load(folder, "weights").tolist() == [value] * 3


def test_corrupted_object_is_named_and_nothing_is_kept(laptop, server, s3_client, bucket):
    fit(laptop)
    laptop.upload(NAME)
    s3_client.put_object(Bucket=bucket, Key=f"team/test/{NAME}/1/weights.npy", Body=b"tampered")
    with pytest.raises(CorruptArtifact, match=r"weights\.npy is \d+ bytes but the manifest says"):
        server.download(NAME)
    left = [p.relative_to(server.root / NAME) for p in (server.root / NAME).rglob("*")]
    assert [str(path) for path in left] == [".staging"]  # the (empty) folder of temporaries
    with pytest.raises(FittingNotFound):
        server.resolve(NAME)


def test_a_damaged_local_fitting_is_never_uploaded(laptop, s3_client, bucket):
    fitting = fit(laptop)
    (fitting.path / "weights.npy").write_bytes(b"bit rot")
    with pytest.raises(CorruptArtifact, match=r"weights\.npy"):
        laptop.upload(NAME)
    assert keys(s3_client, bucket) == []


def test_download_repairs_a_damaged_local_copy(laptop, server):
    fit(laptop, 3.0)
    laptop.upload(NAME)
    folder = server.download(NAME)
    (folder / "weights.npy").write_bytes(b"bit rot")
    with pytest.raises(CorruptArtifact):
        server.resolve(NAME)
    assert server.download(NAME) == folder
    assert lore.serializers.load(server.resolve(NAME), "weights").tolist() == [3.0] * 3


def test_missing_object_is_a_clear_error(laptop, server, s3_client, bucket):
    fit(laptop)
    laptop.upload(NAME)
    s3_client.delete_object(Bucket=bucket, Key=f"team/test/{NAME}/1/weights.npy")
    with pytest.raises(
        RemoteStorageError, match=r"download s3://lore-models/team/test/.*weights\.npy: no such"
    ):
        server.download(NAME)
    with pytest.raises(FittingNotFound):
        server.resolve(NAME)


def test_incomplete_upload_is_invisible(laptop, server, s3_client, bucket):
    fit(laptop)
    laptop.upload(NAME)
    s3_client.delete_object(Bucket=bucket, Key=f"team/test/{NAME}/1/manifest.json")
    with pytest.raises(FittingNotFound, match="no fittings"):
        server.download(NAME)


def test_unknown_fitting_or_alias_lists_what_exists(laptop, server):
    fit(laptop), fit(laptop)
    laptop.upload(NAME, 1), laptop.upload(NAME, 2)
    laptop.alias(NAME, 2, "candidate", remote=True)
    with pytest.raises(FittingNotFound, match=r"fittings: 1, 2; aliases: candidate -> 2"):
        server.download(NAME, "production")
    with pytest.raises(FittingNotFound, match=r"fittings: 1, 2"):
        server.download(NAME, 5)
    with pytest.raises(FittingNotFound, match="no fittings of other.Model"):
        server.download("other.Model")


def _rewrite_remote_manifest(s3_client, bucket, **changes):
    key = f"team/test/{NAME}/1/manifest.json"
    data = json.loads(s3_client.get_object(Bucket=bucket, Key=key)["Body"].read())
    data.update(changes)
    s3_client.put_object(Bucket=bucket, Key=key, Body=json.dumps(data).encode())


def test_newer_manifest_format_is_refused_before_downloading(laptop, server, s3_client, bucket):
    fit(laptop)
    laptop.upload(NAME)
    _rewrite_remote_manifest(s3_client, bucket, format=99, lore="7.0")
    with pytest.raises(StoreError, match="format 99.*upgrade lore"):
        server.download(NAME)
    assert not (server.root / NAME / "1").exists()


@pytest.mark.parametrize("bad", ["../../escaped.txt", "/tmp/escaped.txt"])
def test_path_traversal_in_remote_manifest_is_refused(laptop, server, s3_client, bucket, tmp_path, bad):
    fit(laptop)
    laptop.upload(NAME)
    _rewrite_remote_manifest(s3_client, bucket, files=[{"path": bad, "size": 1, "sha256": "0" * 64}])
    with pytest.raises(CorruptArtifact, match="unsafe path"):
        server.download(NAME)
    assert not (tmp_path / "escaped.txt").exists() and not (server.root / "escaped.txt").exists()


def test_different_fittings_with_one_number_are_never_overwritten(laptop, server, tmp_path, remote):
    fit(laptop, 1.0)
    laptop.upload(NAME)
    elsewhere = ModelStore(tmp_path / "elsewhere", remote=remote)
    fit(elsewhere, 9.0)
    with pytest.raises(StoreError, match="already holds a different fitting 1"):
        elsewhere.upload(NAME)
    with pytest.raises(StoreError, match="different fitting 1"):
        elsewhere.download(NAME, 1)
    assert lore.serializers.load(elsewhere.resolve(NAME), "weights").tolist() == [9.0] * 3
    assert lore.serializers.load(server.download(NAME), "weights").tolist() == [1.0] * 3


def test_environments_do_not_clash(laptop, s3_endpoint, bucket, tmp_path):
    fit(laptop)
    laptop.upload(NAME)
    production = Remote(
        Settings(bucket=bucket, prefix="team", endpoint_url=s3_endpoint, environment="production")
    )
    with pytest.raises(FittingNotFound, match="team/production"):
        ModelStore(tmp_path / "prod", remote=production).download(NAME)


def test_missing_credentials(laptop, monkeypatch, tmp_path):
    fit(laptop)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    laptop.remote.__dict__.pop("client", None)
    with pytest.raises(RemoteStorageError, match="no AWS credentials found; set AWS_ACCESS_KEY_ID"):
        laptop.upload(NAME)


def test_bucket_that_does_not_exist(laptop, s3_endpoint, tmp_path):
    fit(laptop)
    store = ModelStore(laptop.root, remote=Remote(Settings(bucket="nope", endpoint_url=s3_endpoint)))
    with pytest.raises(RemoteStorageError, match="bucket 'nope' does not exist"):
        store.upload(NAME)
    with pytest.raises(RemoteStorageError, match="bucket 'nope' does not exist"):
        store.download(NAME)


def test_store_without_remote(tmp_path):
    store = ModelStore(tmp_path)
    with pytest.raises(RemoteStorageError, match="LORE_S3_BUCKET"):
        store.download(NAME)


DOWNLOADER = textwrap.dedent(
    """
    import sys
    from lore.s3 import Remote, Settings
    from lore.stores.modelstore import ModelStore
    settings = Settings(bucket=sys.argv[2], prefix="team", endpoint_url=sys.argv[3], environment="test")
    remote = Remote(settings, part_size=5 * 1024 * 1024, concurrency=1)
    ModelStore(sys.argv[1], remote=remote).download(sys.argv[4])
    """
)


@pytest.mark.slow
def test_interrupted_download_leaves_nothing_that_loads(laptop, server, s3_endpoint, bucket):
    fit(laptop, extra_bytes=60 * MB)
    laptop.upload(NAME)
    process = subprocess.Popen(
        [sys.executable, "-c", DOWNLOADER, str(server.root), bucket, s3_endpoint, NAME],
        env={**os.environ},
    )
    staging = server.root / NAME / ".staging"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the download is under way
        partial = [p for p in staging.glob(".download-*/**/*") if p.is_file()] if staging.exists() else []
        if partial and sum(p.stat().st_size for p in partial) > 0:
            break
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert any(staging.glob(".download-*"))  # killed half way: the staging folder is left
    with pytest.raises(FittingNotFound):
        server.resolve(NAME)
    folder = server.download(NAME)  # a new download sweeps the dead one's folder and succeeds
    assert not any(staging.glob(".download-*"))
    assert lore.serializers.load(folder, "weights").tolist() == [1.0] * 3


def test_project_store_gets_a_remote_when_s3_is_configured(project, monkeypatch, s3_endpoint, bucket):
    import lore.stores

    monkeypatch.setenv("LORE_S3_BUCKET", bucket)
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    store = lore.stores.model_store()
    assert store.remote.url(NAME) == f"s3://{bucket}/development/{NAME}"
    fit(store, 0.8)
    store.upload(NAME)
    assert [(f.number, f.metrics) for f in lore.stores.list_fittings(NAME, remote=True)] == [
        (1, {"auc": 0.8})
    ]


def _promote(settings, root, fitting, alias, barrier, rounds):
    """In a child process: a machine of its own promoting ``alias`` once per round."""
    store = ModelStore(root, remote=Remote(settings))
    for _ in range(rounds):
        barrier.wait(timeout=60)
        store.alias(NAME, fitting, alias, remote=True)


def _race(remote, tmp_path, jobs, rounds):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(jobs))
    processes = [
        context.Process(
            target=_promote, args=(remote.settings, tmp_path / f"m{i}", fitting, alias, barrier, rounds)
        )
        for i, (fitting, alias) in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * len(jobs)


def test_concurrent_promotions_of_different_aliases_all_survive(laptop, server, remote, tmp_path):
    for value in (0.1, 0.2, 0.3):
        fit(laptop, value)
        laptop.upload(NAME)
    _race(remote, tmp_path, [(1, "production"), (2, "candidate"), (3, "shadow")], rounds=10)
    assert server.remote_fittings(NAME)[0].aliases == ["production"]
    from lore.stores.s3 import remote_aliases

    assert remote_aliases(remote, NAME) == {"production": 1, "candidate": 2, "shadow": 3}


def test_concurrent_promotions_of_one_alias_leave_one_winner(
    laptop, server, remote, tmp_path, s3_client, bucket
):
    for value in (0.1, 0.2):
        fit(laptop, value)
        laptop.upload(NAME)
    _race(remote, tmp_path, [(1, "production"), (2, "production")], rounds=5)
    from lore.stores.s3 import remote_aliases

    winner = remote_aliases(remote, NAME)["production"]
    assert winner in (1, 2)
    assert server.download(NAME, "production").name == str(winner)
    assert [key for key in keys(s3_client, bucket) if "/aliases" in key] == [
        f"team/test/{NAME}/aliases/production.json"
    ]


def test_an_upload_never_moves_an_alias(laptop, server, remote):
    fit(laptop, 0.1), fit(laptop, 0.2)
    laptop.alias(NAME, 1, "production")  # a stale local alias
    laptop.upload(NAME, 2)
    laptop.alias(NAME, 2, "production", remote=True)
    assert laptop.upload(NAME, 1) == 1  # re-uploading the older fitting
    assert server.download(NAME, "production").name == "2"
    with pytest.raises(FittingNotFound, match="fittings: 1, 2"):
        laptop.alias(NAME, 7, "production", remote=True)


def test_remote_prune_keeps_the_newest_and_the_aliased(laptop, server, s3_client, bucket):
    for value in range(5):
        fit(laptop, float(value))
        laptop.upload(NAME)
    laptop.alias(NAME, 1, "production", remote=True)
    assert laptop.prune(NAME, keep=2, remote=True) == [2, 3]
    assert [f.number for f in server.remote_fittings(NAME)] == [1, 4, 5]
    assert not [key for key in keys(s3_client, bucket) if f"/{NAME}/2/" in key or f"/{NAME}/3/" in key]
    assert server.download(NAME, "production").name == "1"
    assert laptop.prune(NAME, keep=2, remote=True) == []


def test_read_file_fetches_one_checked_file_without_the_fitting(laptop, server, s3_client, bucket):
    fitting = fit(laptop, 0.5)
    (fitting.path / "notes.json").write_text('{"a": 1}')
    with pytest.raises(CorruptArtifact, match="not listed"):  # a file added after the manifest
        laptop.upload(NAME)
    (fitting.path / "notes.json").unlink()
    with laptop.new_fitting(NAME) as second:
        (second.path / "notes.json").write_text('{"a": 1}')
    laptop.upload(NAME, second.number)
    assert laptop.read_file(NAME, second.number, "notes.json") == b'{"a": 1}'  # the local copy
    assert server.read_file(NAME, second.number, "notes.json") == b'{"a": 1}'  # from S3
    assert server.read_file(NAME, second.number, "absent.json") is None
    assert not server.folder(NAME).exists()  # nothing downloaded
    key = next(key for key in keys(s3_client, bucket) if key.endswith("notes.json"))
    s3_client.put_object(Bucket=bucket, Key=key, Body=b'{"a": 2}')
    with pytest.raises(CorruptArtifact, match="does not match its size and SHA-256"):
        server.read_file(NAME, second.number, "notes.json")
    with pytest.raises(FittingNotFound):
        server.read_file(NAME, 9, "notes.json")
    with pytest.raises(FittingNotFound, match="fit the model first"):
        ModelStore(laptop.root.parent / "alone").read_file(NAME, 1, "notes.json")


def many(laptop, s3_client, bucket, count):
    """``count`` complete fittings on S3: fitting 1 uploaded, then copied to 2..count, manifest last."""
    fit(laptop, 1.0)
    laptop.upload(NAME)
    prefix = f"team/test/{NAME}"
    first = f"{prefix}/1/"
    names = [key.removeprefix(first) for key in keys(s3_client, bucket) if key.startswith(first)]
    for number in range(2, count + 1):
        for name in sorted(names, key=lambda name: name == "manifest.json"):
            source = {"Bucket": bucket, "Key": f"{prefix}/1/{name}"}
            s3_client.copy_object(Bucket=bucket, Key=f"{prefix}/{number}/{name}", CopySource=source)
    return prefix


class Listings:
    """The ListObjectsV2 requests a client sends (their parameters) and the entries they return."""

    def __init__(self, client):
        self.requests = []
        self.entries = 0
        client.meta.events.register("provide-client-params.s3.ListObjectsV2", self._sent)
        client.meta.events.register("after-call.s3.ListObjectsV2", self._answered)

    def _sent(self, params, **_):
        self.requests.append(dict(params))

    def _answered(self, parsed, **_):
        self.entries += len(parsed.get("Contents", [])) + len(parsed.get("CommonPrefixes", []))


def test_latest_is_the_highest_complete_fitting_among_many(laptop, server, s3_client, bucket):
    prefix = many(laptop, s3_client, bucket, 41)
    manifest = s3_client.get_object(Bucket=bucket, Key=f"{prefix}/40/manifest.json")["Body"].read()
    for number in (40, 41):  # uploads under way: their files, not yet their manifests
        s3_client.delete_object(Bucket=bucket, Key=f"{prefix}/{number}/manifest.json")
    assert server.download(NAME).name == "39"  # by number, not "9" by name
    assert laptop.alias(NAME, None, "candidate", remote=True) == 39
    s3_client.put_object(Bucket=bucket, Key=f"{prefix}/40/manifest.json", Body=manifest)  # 40 completes
    assert server.download(NAME, "latest").name == "40"
    assert lore.serializers.load(server.resolve(NAME), "weights").tolist() == [1.0] * 3
    with pytest.raises(FittingNotFound, match=r"fittings: 1, 2, .*, 39, 40; aliases: candidate -> 39"):
        server.download(NAME, 41)


def test_an_alias_is_read_from_its_own_object_among_many(laptop, server, s3_client, bucket):
    prefix = many(laptop, s3_client, bucket, 30)
    assert laptop.alias(NAME, 12, "production", remote=True) == 12
    older = json.dumps({"production": 3, "old": 7, "gone": 29}).encode()  # an older lore's aliases.json
    s3_client.put_object(Bucket=bucket, Key=f"{prefix}/aliases.json", Body=older)
    assert server.download(NAME, "production").name == "12"  # its own object wins
    assert server.download(NAME, "old").name == "7"
    assert server.resolve(NAME, "old").name == "7"  # recorded locally
    assert laptop.alias(NAME, "production", "shadow", remote=True) == 12
    s3_client.delete_object(Bucket=bucket, Key=f"{prefix}/29/manifest.json")
    with pytest.raises(FittingNotFound, match=r"no fitting 'gone'.*aliases: gone -> 29, old -> 7"):
        server.download(NAME, "gone")  # points at a fitting that is not complete
    with pytest.raises(FittingNotFound, match="no fitting 'a/../b'"):
        server.download(NAME, "a/../b")


def test_finding_a_fitting_lists_no_fitting_files(laptop, server, s3_client, bucket, remote):
    prefix = many(laptop, s3_client, bucket, 30)  # 120 objects in 30 folders
    laptop.alias(NAME, 12, "production", remote=True)
    listings = Listings(remote.client)
    assert server.download(NAME).name == "30"
    assert laptop.alias(NAME, None, "candidate", remote=True) == 30
    folders = {"Bucket": bucket, "Prefix": f"{prefix}/", "Delimiter": "/"}
    report = {"Bucket": bucket, "Prefix": f"{prefix}/30/report"}  # the one fitting's report, if any
    assert listings.requests == [folders, report, folders]
    assert listings.entries == 2 * 31  # 30 fitting folders and aliases/, twice; no file
    listings.requests.clear()
    assert server.download(NAME, "production").name == "12"
    assert laptop.alias(NAME, "production", "shadow", remote=True) == 12
    assert laptop.alias(NAME, 7, "shadow", remote=True) == 7
    assert listings.requests == [{"Bucket": bucket, "Prefix": f"{prefix}/12/report"}]
