# The project's commands. Each installs what it needs into .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: lessons lesson-reset lessons-edit test bench install lessons-run lessons-report learner-copies \
	binder-check dist lite

# pedagrad and its widgets, editable, with the library versions pinned for Binder (so the tests
# run the lessons with the versions learners get there)
$(VENV)/.installed: pyproject.toml widgets/pyproject.toml binder/requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	grep -E '^[A-Za-z0-9_.-]+==' binder/requirements.txt > $(VENV)/binder-pins.txt
	$(PY) -m pip install --quiet -c $(VENV)/binder-pins.txt -e ".[test,lessons,lite]" -e ./widgets
	touch $@

install: $(VENV)/.installed

# Your own copies of the lessons live in my-lessons/ (or WORKBOOK=DIR): made on first use, never overwritten.
lessons: $(VENV)/.installed  ## open your copies of the lessons in JupyterLab, at lesson 01
	WORKBOOK="$(WORKBOOK)" $(PY) tools/workbook.py open

lesson-reset: $(VENV)/.installed  ## LESSON=03: that lesson as it was at the start (your copy is kept in my-lessons/previous/)
	WORKBOOK="$(WORKBOOK)" $(PY) tools/workbook.py reset "$(LESSON)"

lessons-edit: $(VENV)/.installed  ## for maintainers: open lessons/ itself, solutions included
	$(PY) tools/workbook.py edit

test: $(VENV)/.installed  ## run every test: unit, property, parity with PyTorch, and the lessons
	$(PY) -m pytest

bench: $(VENV)/.installed  ## time pedagrad beside PyTorch on this machine
	$(PY) benchmarks/run.py

lessons-run: $(VENV)/.installed  ## re-execute every lesson and save it with its outputs
	$(PY) tools/execute_lessons.py

lessons-report: $(VENV)/.installed  ## each lesson's run time and peak memory
	$(PY) tools/lesson_report.py

learner-copies: $(VENV)/.installed  ## the lessons without exercise solutions, in build/learner/
	$(PY) tools/learner_copies.py

binder-check: $(VENV)/.installed  ## replay Binder's build here and run the lessons in it (also part of make test)
	$(PY) tools/binder_replay.py

dist: $(VENV)/.installed  ## sdists and wheels of both distributions in dist/, checked, tried in a fresh environment
	$(PY) tools/distributions.py

lite: $(VENV)/.installed  ## the course as a static JupyterLite site in build/lite/ (runs in the browser, no server)
	$(PY) tools/build_lite.py
