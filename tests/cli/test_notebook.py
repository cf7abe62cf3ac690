"""lore notebook / lab: without Jupyter, one line naming the extra to install."""

from __future__ import annotations

import importlib.util

import pytest

from lore.cli import main


@pytest.mark.skipif(importlib.util.find_spec("ipykernel") is not None, reason="Jupyter is installed here")
@pytest.mark.parametrize("command", ["notebook", "lab"])
def test_missing_jupyter_names_the_extra(new_project, capsys, command):
    assert main([command]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    requirements = new_project / "requirements.txt"
    assert err == [
        f"lore: ipykernel is needed for lore {command}: change lore-ml[api,names,sql,xgboost] to "
        f"lore-ml[api,names,notebook,sql,xgboost] in {requirements}, then run `lore install`"
    ]
