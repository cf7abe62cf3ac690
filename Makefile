# The two set-up commands of README.rst, and the chores around them.
PYTHON ?= python3
PIP_INSTALL = $(PYTHON) -m pip install --quiet --disable-pip-version-check

.PHONY: install demo test lint docs bench clean

install:  ## lore and everything its tests use, at the versions we test with
	$(PIP_INSTALL) -r requirements.txt -e ".[all,test]"

demo: install  ## the main job end to end on SQLite and the local model store
	$(PYTHON) -m lore.demo

test: install  ## the whole test suite (services it cannot reach are skipped, with the reason)
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check lore tests benchmarks
	lint-imports

docs:
	$(PYTHON) -m sphinx -W --keep-going -b html docs docs/_build/html

bench:
	for script in benchmarks/bench_*.py; do $(PYTHON) $$script; done

clean:
	rm -rf build dist *.egg-info docs/_build .pytest_cache
