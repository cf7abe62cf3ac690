"""Sphinx configuration for lore's documentation (``make docs``)."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "lore"
author = "the lore developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
autodoc_mock_imports = []
autodoc_member_order = "bysource"
html_theme = "alabaster"
exclude_patterns = ["_build"]
nitpicky = False
