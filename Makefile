# Two commands for a new user: `make run` (the main job) and `make test` (the whole test suite).
# Both create .venv/ with a Python >= 3.12 found by scripts/find-python (Mesa 3.5 needs it).

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test docs install clean

run: $(STAMP)
	$(VENV)/bin/kerjasama experiment

# The tests spread over the machine's cores, a test file to a worker (files share their fixtures).
test: $(STAMP)
	$(PY) -m pytest -n auto --dist loadfile

# The documentation site, offline, into site/ (strict: a warning fails it).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable ".[test]"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build site *.egg-info
