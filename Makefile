# The project's commands. Each installs what it needs into .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: lessons test bench install lessons-run

# pedagrad first, then the widgets that depend on it (so pip finds pedagrad here, not on PyPI)
$(VENV)/.installed: pyproject.toml widgets/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,lessons]" -e ./widgets
	touch $@

install: $(VENV)/.installed

lessons: $(VENV)/.installed  ## open the lessons in JupyterLab
	$(VENV)/bin/jupyter lab lessons/

test: $(VENV)/.installed  ## run every test: unit, property, parity with PyTorch, and the lessons
	$(PY) -m pytest

bench: $(VENV)/.installed  ## time pedagrad beside PyTorch on this machine
	$(PY) benchmarks/run.py

lessons-run: $(VENV)/.installed  ## re-execute every lesson and save it with its outputs
	$(PY) tools/execute_lessons.py
