"""lore.scaffold renders template folders and never overwrites."""

from __future__ import annotations

import pytest

import lore.scaffold
from lore.errors import LoreError


@pytest.fixture
def template(tmp_path, monkeypatch):
    root = tmp_path / "templates"
    kind = root / "thing" / "{{ app }}"
    kind.mkdir(parents=True)
    (kind / "{{ name }}.py.tmpl").write_text('"""{{ name }} for {{app}}."""\n')
    (kind / "data.bin").write_bytes(b"\xff\x00\xfe")
    monkeypatch.setattr(lore.scaffold, "templates", lambda: root)
    return root


def test_render_fills_paths_and_text_and_strips_tmpl(template, tmp_path):
    out = tmp_path / "out"
    written = lore.scaffold.render("thing", out, {"app": "shop", "name": "orders"})
    assert sorted(p.relative_to(out).as_posix() for p in written) == ["shop/data.bin", "shop/orders.py"]
    assert (out / "shop" / "orders.py").read_text() == '"""orders for shop."""\n'
    assert (out / "shop" / "data.bin").read_bytes() == b"\xff\x00\xfe"


def test_render_refuses_to_overwrite_and_writes_nothing(template, tmp_path):
    out = tmp_path / "out"
    (out / "shop").mkdir(parents=True)
    (out / "shop" / "orders.py").write_text("mine")
    with pytest.raises(LoreError, match="refusing to overwrite"):
        lore.scaffold.render("thing", out, {"app": "shop", "name": "orders"})
    assert (out / "shop" / "orders.py").read_text() == "mine"
    assert not (out / "shop" / "data.bin").exists()


def test_unknown_kind_and_missing_variable(template, tmp_path):
    with pytest.raises(LoreError, match="no template 'nope'; templates are: thing"):
        lore.scaffold.render("nope", tmp_path, {})
    with pytest.raises(LoreError, match="placeholder {{ name }} has no value"):
        lore.scaffold.render("thing", tmp_path / "x", {"app": "shop"})
