"""lore install: the runtime's Python, a locked virtualenv, and a fast second run."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from lore import __version__
from lore.cli import main, source, virtualenv
from lore.cli.install import lock_lines, pin_lore, without_lore


def test_pin_lore_points_only_the_lore_line_at_the_running_lore(tmp_path):
    text = "# deps\nlore-ml[sql, xgboost]>=0.1\nlorem-ipsum==1\nnumpy\n"
    pinned = pin_lore(text, tmp_path.as_uri()).splitlines()
    assert pinned == ["# deps", f"lore-ml[sql,xgboost] @ {tmp_path.as_uri()}", "lorem-ipsum==1", "numpy"]
    assert pin_lore("lore[sql]\nlore_ml\n", None, "1.2.3") == "lore-ml[sql]==1.2.3\nlore-ml==1.2.3\n"
    assert (
        pin_lore("lore-ml @ https://example.org/lore.whl\n", None)
        == "lore-ml @ https://example.org/lore.whl\n"
    )


def test_lock_names_lore_by_version_but_not_editables_or_urls():
    freeze = "numpy==2.4.0\n-e /work/lore\nlore==0.1.0\nlore-ml @ file:///work/lore\nPandas==3.1.0\n"
    assert lock_lines(freeze) == ["numpy==2.4.0", "Pandas==3.1.0"]
    assert lock_lines(freeze, "0.2.0") == ["lore-ml==0.2.0", "numpy==2.4.0", "Pandas==3.1.0"]
    assert without_lore("# header\nlore-ml==0.2.0\nnumpy==2.4.0\n") == "# header\nnumpy==2.4.0\n"


def test_the_running_lore_is_this_checkout():
    import lore

    root = Path(lore.__file__).resolve().parent.parent
    assert source.checkout() == root and source.running_url() == root.as_uri()


def test_an_installed_lore_comes_back_from_the_url_its_metadata_recorded(tmp_path):
    from importlib import metadata

    package = tmp_path / "site" / "lore"
    package.mkdir(parents=True)
    assert source.checkout(package) is None  # site-packages has no pyproject.toml
    info = tmp_path / "site" / "lore_ml-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lore-ml\nVersion: 0.1.0\n")
    distribution = metadata.PathDistribution(info)
    assert source.recorded_url(distribution) is None  # from the index
    wheel = {"url": "file:///dist/lore_ml-0.1.0-py3-none-any.whl", "archive_info": {}}
    (info / "direct_url.json").write_text(json.dumps(wheel))
    assert source.recorded_url(distribution) == wheel["url"]
    vcs = {"url": "https://github.com/x/lore", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}
    (info / "direct_url.json").write_text(json.dumps(vcs))
    assert source.recorded_url(distribution) == "git+https://github.com/x/lore@abc123"
    assert source.requirement("sql", None) == f"lore-ml[sql]=={__version__}"


def test_missing_runtime_python_says_which_and_how(new_project, capsys):
    (new_project / "runtime.txt").write_text("python-3.99.1\n")
    assert main(["install"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "Python 3.99.1, which is not installed" in err[0] and "pyenv install 3.99.1" in err[0]
    assert not (new_project / ".venv").exists()


def test_missing_runtime_python_through_a_subprocess(new_project, run_lore):
    (new_project / "runtime.txt").write_text("python-3.99.1\n")
    result = run_lore(new_project, "install")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "pyenv install 3.99.1" in result.stderr
    assert not (new_project / ".venv").exists()


def test_bad_python_override_and_bad_runtime(new_project, capsys):
    assert main(["install", "--python", str(new_project / "no-python")]) == 1
    assert "does not run as a Python interpreter" in capsys.readouterr().err
    (new_project / "runtime.txt").write_text("3.11\n")
    assert main(["install"]) == 1
    assert "write one line like python-3.11.7" in capsys.readouterr().err
    assert not (new_project / ".venv").exists()


def test_install_outside_a_project(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["install"]) == 1
    assert "not inside a lore project" in capsys.readouterr().err


@pytest.mark.slow
def test_failed_pip_removes_the_new_virtualenv(new_project, run_lore):
    (new_project / "requirements.txt").write_text("this-package-does-not-exist-anywhere==0.0.1\n")
    result = run_lore(new_project, "install", "--system-site-packages", PIP_NO_INDEX="1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("lore: pip could not install requirements.txt")
    assert not (new_project / ".venv").exists()


@pytest.mark.slow
def test_install_locks_and_a_second_run_changes_nothing(installed_project, run_lore):
    root = installed_project
    assert virtualenv.installed(root)
    state = json.loads((root / ".venv" / virtualenv.STATE).read_text())
    assert state["system_site_packages"] is True
    lock = (root / "requirements.lock").read_text().splitlines()
    assert lock[0].startswith("# Resolved by `lore install`")
    assert any(line.lower().startswith(("xgboost==", "xgboost-cpu==")) for line in lock)
    assert f"lore-ml=={__version__}" in lock and not any(line.startswith("lore==") for line in lock)
    again = run_lore(root, "install", "--system-site-packages")  # how fast: benchmarks/bench_cli.py
    assert again.returncode == 0 and "is up to date" in again.stdout


def test_fingerprint_follows_requirements_lock_runtime_and_options(new_project):
    import sys

    from lore.cli.install import fingerprint

    python = Path(sys.executable)
    base = fingerprint(new_project, python, {"system_site_packages": False})
    assert base == fingerprint(new_project, python, {"system_site_packages": False})
    assert base != fingerprint(new_project, python, {"system_site_packages": True})
    (new_project / "requirements.lock").write_text("numpy==2.4.0\n")
    locked = fingerprint(new_project, python, {"system_site_packages": False})
    assert locked != base
    with open(new_project / "requirements.txt", "a") as stream:
        stream.write("pyarrow\n")
    assert fingerprint(new_project, python, {"system_site_packages": False}) != locked


def test_a_rebuilt_lore_of_the_same_version_is_installed_again(tmp_path):
    import os

    checkout = tmp_path / "checkout"
    (checkout / "lore").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text('[project]\nname = "lore-ml"\n')
    module = checkout / "lore" / "module.py"
    module.write_text("x = 1\n")
    before = source.build(checkout.as_uri())
    os.utime(module, ns=(1, time.time_ns() + 10**9))
    assert source.build(checkout.as_uri()) != before
    wheel = tmp_path / "lore_ml-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"one build")
    first = source.build(wheel.as_uri())
    wheel.write_bytes(b"another build")
    assert source.build(wheel.as_uri()) != first
    assert source.build(None) == "" and source.build("https://example.org/lore.whl") == ""


def test_a_bare_install_with_nothing_to_do_answers_without_click(new_project):
    import os
    import subprocess
    import sys

    from lore.cli import noop

    bin_dir = new_project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    python = noop.choose_python(new_project, None)
    options = noop.install_options(None, system_site_packages=False, production=False)
    state = {"fingerprint": noop.fingerprint(new_project, python, options), "python": str(python), **options}
    (new_project / ".venv" / virtualenv.STATE).write_text(json.dumps(state))
    code = (
        "import sys; sys.argv = ['lore', 'install']; from lore.cli import main; "
        "status = main(); print('click' in sys.modules, status)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LORE_")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=new_project, env=env, capture_output=True, text=True
    )
    assert done.stdout.splitlines() == [
        f"{new_project / '.venv'} is up to date with requirements.txt and requirements.lock",
        "False 0",
    ], done.stderr
