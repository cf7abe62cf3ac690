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
    assert err == [f'lore: ipykernel is needed for lore {command}: pip install "lore-ml[notebook]"']
