"""lore.util: timers, StatsD metrics, atomic writes, secret masking."""

from __future__ import annotations

import logging
import os
import socket

import pytest

import lore.util


def test_timer_logs_the_elapsed_time(caplog):
    with caplog.at_level(logging.INFO, logger="lore.util"), lore.util.timer("unit.block") as elapsed:
        pass
    assert elapsed.seconds >= 0
    assert "unit.block took" in caplog.text


def test_timed_decorator_keeps_the_function_and_times_it(caplog):
    @lore.util.timed
    def double(value: int) -> int:
        return value * 2

    with caplog.at_level(logging.INFO, logger="lore.util"):
        assert double(21) == 42
    assert "double took" in caplog.text and double.__name__ == "double"


def test_metrics_go_to_statsd_over_udp(monkeypatch):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(2)
        monkeypatch.setenv("STATSD_HOST", "127.0.0.1")
        monkeypatch.setenv("STATSD_PORT", str(server.getsockname()[1]))
        with lore.util.timer("unit.metric", log=False):
            pass
        payload = server.recv(1024).decode()
    assert payload.startswith("lore.unit.metric:") and payload.endswith("|ms")


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path):
    target = tmp_path / "value.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), lore.util.atomic_write(target, "w") as stream:
        stream.write("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["value.txt"]
    with lore.util.atomic_write(target, "w") as stream:
        stream.write("new")
    assert target.read_text() == "new"


def test_files_of_a_folder_synced_together_wait_for_the_disk_once_at_the_end(tmp_path, monkeypatch):
    synced: list[str] = []
    real = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.path.realpath(f"/proc/self/fd/{descriptor}"))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    folder, outside = tmp_path / "fitting", tmp_path / "elsewhere.json"
    folder.mkdir()
    with lore.util.synced_together(folder):
        with lore.util.atomic_write(folder / "a.json", "w") as stream:
            stream.write("{}")
        (folder / "nested").mkdir()
        (folder / "nested" / "b.bin").write_bytes(b"written by a library")
        with lore.util.atomic_write(outside, "w") as stream:  # not in the folder: synced at once
            stream.write("{}")
        assert [os.path.basename(path).split(".")[1] for path in synced] == ["elsewhere"]  # its temporary
    assert sorted(synced[1:]) == sorted(
        str(path) for path in (folder, folder / "a.json", folder / "nested", folder / "nested" / "b.bin")
    )


def test_a_folder_whose_block_fails_is_not_synced(tmp_path, monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(os, "fsync", calls.append)
    with pytest.raises(RuntimeError), lore.util.synced_together(tmp_path):
        with lore.util.atomic_write(tmp_path / "a.json", "w") as stream:
            stream.write("{}")
        raise RuntimeError("the fit failed")
    assert calls == []


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("DATABASE_URL", "postgresql://user:pw@host/db", "postgresql://user:****@host/db"),
        ("REDIS_URL", "redis://:pw@cache:6379/0", "redis://:****@cache:6379/0"),
        ("API_TOKEN", "abc", "****"),
        ("LORE_ENV", "test", "test"),
    ],
)
def test_mask_secret(key, value, shown):
    assert lore.util.mask_secret(key, value) == shown


def test_atomic_folder_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "result"
    with lore.util.atomic_folder(target) as folder:
        (folder / "a.txt").write_text("first")
    with pytest.raises(RuntimeError), lore.util.atomic_folder(target) as folder:
        (folder / "b.txt").write_text("half")
        raise RuntimeError("crash mid-write")
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    with lore.util.atomic_folder(target) as folder:
        (folder / "b.txt").write_text("second")
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["result"]


def test_package_versions_are_read_from_the_installed_distributions() -> None:
    from importlib import metadata

    from lore.util import package_versions

    versions = package_versions(["numpy", "scikit-learn", "not-a-package-at-all"])
    assert versions["numpy"] == metadata.version("numpy")
    assert versions["scikit-learn"] == metadata.version("scikit-learn")
    assert "python" in versions and "not-a-package-at-all" not in versions


def test_atomic_writes_follow_the_process_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        with lore.util.atomic_write(tmp_path / "file.txt", "w") as stream:
            stream.write("x")
        with lore.util.atomic_folder(tmp_path / "result") as folder:
            (folder / "inside.txt").write_text("y")
        assert lore.util.umask() == 0o027
    finally:
        os.umask(previous)
    assert (tmp_path / "file.txt").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "result").stat().st_mode & 0o777 == 0o750


@pytest.mark.slow
def test_tensorflow_starts_quietly_unless_lore_tf_log_asks(without):
    code = "from lore.estimators.keras import keras_module\nkeras_module()\nimport tensorflow"
    quiet = without([], code)
    assert quiet.returncode == 0, quiet.stderr
    assert not [line for line in quiet.stderr.splitlines() if "cpu_feature_guard" in line or "oneDNN" in line]
    assert lore.util.quiet_tensorflow.__doc__ and "LORE_TF_LOG" in lore.util.quiet_tensorflow.__doc__


def test_what_else_reaches_stderr_while_tensorflow_loads_is_kept(without):
    code = (
        "import os\nfrom lore.util import quiet_tensorflow\nwith quiet_tensorflow():\n"
        "    os.write(2, b'I0000 port.cc:153] oneDNN custom operations are on\\nmine\\n')"
    )
    done = without(["tensorflow"], code)
    assert done.returncode == 0 and done.stderr == "mine\n", done.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://u:p@ss@h:5432/db", "postgresql://u:****@h:5432/db"),
        (
            "postgresql://u@h/db?password=hunter2&sslmode=require",
            "postgresql://u@h/db?password=****&sslmode=require",
        ),
        (
            "https://h/x?X-Amz-Signature=abc&X-Amz-Credential=AKIA1&x=1",
            "https://h/x?X-Amz-Signature=****&X-Amz-Credential=****&x=1",
        ),
        ("redis://h:6379/0?token=t;api_key=k", "redis://h:6379/0?token=****;api_key=****"),
        ("error at mysql://root:pw@db/x: refused", "error at mysql://root:****@db/x: refused"),
        ("no url here, password=visible", "no url here, password=visible"),
        ("http://h/?email=a@b.com", "http://h/?email=a@b.com"),
    ],
)
def test_mask_url(text, shown):
    assert lore.util.mask_url(text) == shown
    assert lore.util.mask_secret("DATABASE_URL", text) == shown


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASS",
        "PGPASS",
        "MYSQL_PWD",
        "PGPWD",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "LORE_SIGNING_KEY",
        "SENTRY_DSN",
        "db_password",
        "Api-Key",
        "X-Amz-Signature",
        "PRIVATE_CERT",
        "SESSION",
    ],
)
def test_secret_names(name):
    assert lore.util.is_secret_name(name)
    assert lore.util.mask_secret(name, "value") == "****"


@pytest.mark.parametrize("name", ["LORE_ENV", "PASSENGERS", "DATABASE_URL", "HOME", "COMPASS_DIR", "PATH"])
def test_plain_names(name):
    assert not lore.util.is_secret_name(name)
