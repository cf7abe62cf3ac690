"""Signed manifests: fittings that run code on load need a trusted signature (lore/stores/signing.py)."""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest

import lore.env
import lore.serializers
from lore.errors import ConfigError, CorruptArtifact, UntrustedFitting
from lore.stores import manifest as manifests
from lore.stores import signing
from lore.stores.modelstore import ModelStore

NAME = "demo_app.models.Churn"
KEY = "k" * 40
OTHER = "o" * 40


class Planted:
    """What an attacker's pickle does when it is loaded: write a file."""

    def __reduce__(self):
        return (open, ("/tmp/lore-test-planted-ran", "w"))


@pytest.fixture
def store(tmp_path):
    return ModelStore(tmp_path / "models")


def fit(store, pipeline=("a fitted", "pipeline")):
    with store.new_fitting(NAME, {"metrics": {"auc": 0.5}}) as fitting:
        lore.serializers.save(list(pipeline), fitting.path, "pipeline")
        lore.serializers.save(np.arange(3.0), fitting.path, "weights")
    return fitting.path


def plant(folder, manifest_key=None):
    """Replace the pipeline with a hostile pickle; recompute the manifest (signed with ``manifest_key``)."""
    (folder / "pipeline.pkl").write_bytes(pickle.dumps(Planted()))
    manifest = manifests.build(folder)
    if manifest_key is not None:
        manifest = signing.sign(manifest, manifest_key.encode())
    manifests.forget(folder)
    manifests.write(folder, manifest)


def test_a_fitting_is_signed_and_loads(store):
    folder = fit(store)
    manifest = manifests.read(folder)
    assert manifest["signature"]["algorithm"] == "hmac-sha256"
    assert store.resolve(NAME) == folder
    assert lore.serializers.load(folder, "pipeline") == ["a fitted", "pipeline"]


def test_the_user_key_is_made_once_and_private(store):
    fit(store)
    path = signing._user_key_path()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(path.read_bytes().strip()) == 64
    before = path.read_bytes()
    fit(store)
    assert path.read_bytes() == before


@pytest.mark.parametrize("key", [None, OTHER], ids=["unsigned", "foreign-key"])
def test_a_planted_fitting_with_a_recomputed_manifest_is_refused(store, key):
    folder = fit(store)
    plant(folder, key)
    manifests.verify(folder)  # every hash matches: only the signature tells
    with pytest.raises(UntrustedFitting, match=r"pipeline\.pkl.*LORE_ALLOW_UNSIGNED=1"):
        store.resolve(NAME)
    assert not os.path.exists("/tmp/lore-test-planted-ran")


def test_a_signed_manifest_edited_afterwards_is_refused(store):
    folder = fit(store)
    manifest = manifests.read(folder)
    (folder / "pipeline.pkl").write_bytes(pickle.dumps(Planted()))
    for entry in manifest["files"]:  # the hashes made to match; the old signature kept
        if entry["path"] == "pipeline.pkl":
            entry.update(
                size=(folder / "pipeline.pkl").stat().st_size,
                sha256=manifests.sha256_file(folder / "pipeline.pkl"),
            )
    manifests.forget(folder)
    manifests.write(folder, manifest)
    manifests.verify(folder)
    with pytest.raises(UntrustedFitting, match="not trust"):
        store.resolve(NAME)


def test_loading_unsigned_fittings_is_an_explicit_choice(store, monkeypatch):
    folder = fit(store)
    plant(folder)
    monkeypatch.setenv("LORE_ALLOW_UNSIGNED", "1")
    assert store.resolve(NAME) == folder


def test_a_fitting_of_plain_data_needs_no_signature(store):
    with store.new_fitting(NAME) as fitting:
        lore.serializers.save(np.arange(3.0), fitting.path, "weights")
    manifest = manifests.read(fitting.path)
    del manifest["signature"]
    manifests.forget(fitting.path)
    manifests.write(fitting.path, manifest)
    assert store.resolve(NAME) == fitting.path


def test_keys_from_the_environment_and_rotation(store, monkeypatch):
    monkeypatch.setenv("LORE_SIGNING_KEY", OTHER)
    folder = fit(store)
    assert manifests.read(folder)["signature"]["key"] == signing.key_id(OTHER.encode())
    monkeypatch.setenv("LORE_SIGNING_KEY", KEY)  # a new key; the old one still trusted
    monkeypatch.setenv("LORE_TRUSTED_KEYS", f"{'x' * 32}, {OTHER}")
    assert store.resolve(NAME) == folder
    monkeypatch.delenv("LORE_TRUSTED_KEYS")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(store.root / "elsewhere"))  # no user key either
    with pytest.raises(UntrustedFitting):
        store.resolve(NAME)


def test_a_short_key_is_a_config_error(store, monkeypatch):
    monkeypatch.setenv("LORE_SIGNING_KEY", "secret")
    with pytest.raises(ConfigError, match="LORE_SIGNING_KEY holds a key of 6 characters"):
        fit(store)


def test_production_trusts_only_configured_keys(store, monkeypatch):
    folder = fit(store)  # signed with this user's key
    monkeypatch.setenv("LORE_ENV", "production")
    lore.env.reset()
    with pytest.raises(UntrustedFitting):
        store.resolve(NAME)
    monkeypatch.setenv("LORE_SIGNING_KEY", KEY)
    fresh = fit(store)
    assert manifests.read(fresh)["signature"]["key"] == signing.key_id(KEY.encode())
    assert store.resolve(NAME) == fresh
    assert folder != fresh


def test_a_symlinked_pickle_is_refused_not_followed(store, tmp_path):
    folder = fit(store)
    outside = tmp_path / "outside.pkl"
    outside.write_bytes(pickle.dumps(Planted()))
    entry = next(e for e in manifests.read(folder)["files"] if e["path"] == "pipeline.pkl")
    (folder / "pipeline.pkl").unlink()
    (folder / "pipeline.pkl").symlink_to(outside)
    manifest = manifests.read(folder)
    entry.update(size=outside.stat().st_size, sha256=manifests.sha256_file(outside))
    manifest["files"] = [entry if e["path"] == "pipeline.pkl" else e for e in manifest["files"]]
    manifests.forget(folder)
    manifests.write(folder, signing.sign(manifest, signing.signing_key()))
    with pytest.raises(CorruptArtifact, match="symbolic link"):
        store.resolve(NAME)
    with pytest.raises(CorruptArtifact, match="symbolic link"):
        lore.serializers.load(folder, "pipeline")  # the deserializer refuses it too


def test_a_symlinked_folder_or_manifest_is_refused(store, tmp_path):
    folder = fit(store)
    (folder / "sub").symlink_to(tmp_path)
    with pytest.raises(CorruptArtifact, match="symbolic link"):
        manifests.verify(folder)
    (folder / "sub").unlink()
    real = tmp_path / "manifest.json"
    (folder / "manifest.json").rename(real)
    (folder / "manifest.json").symlink_to(real)
    manifests.forget(folder)
    with pytest.raises(CorruptArtifact, match="symbolic link"):
        manifests.verify(folder)


@pytest.mark.s3
def test_a_fitting_planted_on_s3_is_refused_where_it_is_served(tmp_path, remote):
    laptop = ModelStore(tmp_path / "laptop", remote=remote)
    server = ModelStore(tmp_path / "server", remote=remote)
    fit(laptop)
    laptop.upload(NAME, 1)
    laptop.alias(NAME, 1, "production", remote=True)
    assert server.resolve(NAME, int(server.download(NAME, "production").name))
    # someone who can write the bucket uploads fitting 2 with a recomputed manifest
    attacker = ModelStore(tmp_path / "attacker")
    folder = fit(attacker)
    fit(attacker)
    plant(attacker.folder(NAME) / "2", OTHER)
    for entry in [*manifests.read(attacker.folder(NAME) / "2")["files"], {"path": "manifest.json"}]:
        remote.put_bytes(f"{NAME}/2/{entry['path']}", (folder.parent / "2" / entry["path"]).read_bytes())
    remote.put_bytes(f"{NAME}/aliases/production.json", json.dumps({"fitting": 2}).encode())
    number = int(server.download(NAME, "production").name)
    assert number == 2
    with pytest.raises(UntrustedFitting):
        server.resolve(NAME, number)
