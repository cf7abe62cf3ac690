from __future__ import annotations

import json

import pytest

import lore
from lore.errors import CorruptArtifact, StoreError
from lore.stores import manifest


@pytest.fixture
def fitting(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"a" * 1000)
    (tmp_path / "sub" / "b.txt").write_text("b")
    manifest.write(tmp_path, manifest.build(tmp_path))
    return tmp_path


def test_build_records_sizes_digests_and_versions_only(fitting):
    written = manifest.verify(fitting)
    assert [(entry["path"], entry["size"]) for entry in written["files"]] == [
        ("a.bin", 1000),
        ("sub/b.txt", 1),
    ]
    assert written["lore"] == lore.__version__ and written["format"] == manifest.FORMAT_VERSION
    # integrity only: what the fitting is lives in its own record (model.json)
    assert set(written) == {"format", "lore", "created", "files"}


def test_altered_file_is_named_even_after_an_earlier_verify(fitting):
    manifest.verify(fitting)
    (fitting / "a.bin").write_bytes(b"b" * 1000)  # same size, new content
    with pytest.raises(CorruptArtifact, match=r"a\.bin does not match its SHA-256"):
        manifest.verify(fitting)


def test_truncated_missing_and_extra_files(fitting):
    (fitting / "a.bin").write_bytes(b"a" * 10)
    with pytest.raises(CorruptArtifact, match=r"a\.bin is 10 bytes but the manifest says 1000"):
        manifest.verify(fitting)
    (fitting / "a.bin").unlink()
    with pytest.raises(CorruptArtifact, match=r"a\.bin is missing"):
        manifest.verify(fitting)
    (fitting / "a.bin").write_bytes(b"a" * 1000)
    (fitting / "evil.pkl").write_bytes(b"x")
    with pytest.raises(CorruptArtifact, match=r"evil\.pkl is not listed"):
        manifest.verify(fitting)


def test_missing_manifest(tmp_path):
    with pytest.raises(CorruptArtifact, match="manifest.json is missing"):
        manifest.verify(tmp_path)


def _rewrite(folder, **changes):
    data = json.loads((folder / manifest.MANIFEST).read_text())
    data.update(changes)
    (folder / manifest.MANIFEST).write_text(json.dumps(data))


def test_newer_format_is_refused(fitting):
    _rewrite(fitting, format=manifest.FORMAT_VERSION + 1, lore="9.0")
    with pytest.raises(StoreError, match="upgrade lore"):
        manifest.verify(fitting)


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "C:\\x", "a//b", "./a", ""])
def test_path_traversal_in_manifest_is_refused(fitting, bad):
    _rewrite(fitting, files=[{"path": bad, "size": 1, "sha256": "0" * 64}])
    with pytest.raises(CorruptArtifact, match="unsafe path"):
        manifest.verify(fitting)


@pytest.mark.parametrize("text", ["{", "[]", '{"files": []}', '{"format": 1, "files": [3]}'])
def test_malformed_manifest(fitting, text):
    (fitting / manifest.MANIFEST).write_text(text)
    with pytest.raises(CorruptArtifact):
        manifest.verify(fitting)
