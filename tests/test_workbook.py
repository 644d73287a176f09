"""The learner's copies (`make lessons`): made on first use, never overwritten, one lesson reset on request."""
import datetime
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.sign import NotebookNotary

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import workbook  # noqa: E402  (a tool of this repository, not an installed module)

LESSONS = workbook.lessons()


def test_first_use_makes_a_trusted_learner_copy_of_every_lesson(tmp_path):
    made = workbook.ensure_copies(tmp_path / "my-lessons")
    assert [p.name for p in made] == [p.name for p in LESSONS]
    for copy in made:
        nb = nbformat.read(copy, as_version=4)
        assert not any("### BEGIN SOLUTION" in c.source for c in nb.cells), f"{copy.name} holds a solution"
        assert any("pass  # YOUR CODE HERE" in c.source for c in nb.cells)
        assert NotebookNotary().check_signature(nb), f"{copy.name} is not trusted: its pictures would not show"


def test_a_learners_work_is_never_overwritten_and_new_lessons_arrive(tmp_path):
    course, book = tmp_path / "lessons", tmp_path / "my-lessons"
    course.mkdir()
    for lesson in LESSONS[:2]:
        (course / lesson.name).write_bytes(lesson.read_bytes())
    workbook.ensure_copies(book, course)
    worked = book / LESSONS[0].name
    nb = nbformat.read(worked, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("my_answer = 42"))
    nbformat.write(nb, worked)
    before = worked.read_bytes()

    (course / LESSONS[2].name).write_bytes(LESSONS[2].read_bytes())  # the course grows by a lesson
    made = workbook.ensure_copies(book, course)
    assert [p.name for p in made] == [LESSONS[2].name]
    assert worked.read_bytes() == before, "the learner's work was overwritten"


def test_reset_restores_one_lesson_and_keeps_the_worked_copy(tmp_path):
    book = tmp_path / "my-lessons"
    workbook.ensure_copies(book)
    target = book / LESSONS[2].name
    original = target.read_bytes()
    target.write_text(target.read_text().replace("YOUR CODE HERE", "my attempt"))
    other = book / LESSONS[0].name
    other.write_text(other.read_text() + " ")
    other_before = other.read_bytes()

    at = datetime.datetime(2026, 11, 5, 14, 30, 0)
    restored, kept = workbook.reset(LESSONS[2].name[:2].lstrip("0"), book, now=at)
    assert restored == target and target.read_bytes() == original
    assert kept == book / "previous" / f"{LESSONS[2].stem}-2026-11-05-143000.ipynb"
    assert "my attempt" in kept.read_text()
    assert other.read_bytes() == other_before, "only the lesson named is reset"


def test_reset_names_the_lessons_when_it_cannot_tell_which_one(tmp_path):
    with pytest.raises(workbook.WorkbookError, match=r"no lesson named '99'.*" + LESSONS[0].stem):
        workbook.reset("99", tmp_path)
    with pytest.raises(workbook.WorkbookError, match=rf"{len(LESSONS)} lessons named ''"):
        workbook.reset("", tmp_path)
    assert workbook.find_lesson(LESSONS[-1].stem) == LESSONS[-1]


def test_jupyterlab_is_told_allow_root_exactly_when_it_runs_as_root(monkeypatch, tmp_path):
    notebook = tmp_path / LESSONS[0].name
    for uid, expected in ((0, True), (1000, False)):
        monkeypatch.setattr(workbook.os, "geteuid", lambda uid=uid: uid)
        command = workbook.jupyterlab_command(tmp_path, notebook)
        assert ("--allow-root" in command) is expected
        assert f"--ServerApp.root_dir={tmp_path}" in command and LESSONS[0].name in command
