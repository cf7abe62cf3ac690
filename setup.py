"""Packaging for lore lives in pyproject.toml (PEP 621); this file keeps ``python setup.py``
and old tools working."""

from setuptools import setup

setup()
