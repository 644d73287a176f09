"""The learner's own copies of the lessons, and JupyterLab opened on them.

    make lessons                     # copies made on first use in my-lessons/, lesson 01 opened
    make lesson-reset LESSON=03      # lesson 03 as it was at the start; the worked copy kept in my-lessons/previous/
    make lessons-edit                # maintainers: the lessons themselves, solutions included
    python tools/workbook.py open|reset|edit [--workbook DIR] [LESSON]

The copies are learner copies (tools/learner_copies.py: exercise solutions folded away) and trusted,
so their pictures show before anything is run. A copy is made only where none exists: work in
``my-lessons/`` is never overwritten, and a lesson added to the course later gets its copy the next
time. JupyterLab refuses to run as root unless told ``--allow-root`` (learners in containers often
are root), so it is told so exactly when it is.
"""
import argparse
import datetime
import os
import sys
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

from learner_copies import learner_copy
from notebook_io import write_atomically

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
WORKBOOK = ROOT / "my-lessons"


class WorkbookError(Exception):
    """A request that cannot be met; the message says why and what to do."""


def lessons(folder=LESSONS):
    """The course's lessons, in teaching order."""
    return sorted(folder.glob("[0-9]*.ipynb"))


def fresh_copy(lesson, target):
    """Write the learner copy of ``lesson`` to ``target``, signed as trusted for this user."""
    copy, _ = learner_copy(nbformat.read(lesson, as_version=4), lesson.name)
    NotebookNotary().sign(copy)
    write_atomically(copy, target)


def ensure_copies(workbook=WORKBOOK, source=LESSONS):
    """Make the copies missing from ``workbook`` (never touching one that exists); the ones made."""
    workbook.mkdir(parents=True, exist_ok=True)
    made = []
    for lesson in lessons(source):
        target = workbook / lesson.name
        if not target.exists():
            fresh_copy(lesson, target)
            made.append(target)
    return made


def find_lesson(which, source=LESSONS):
    """The lesson named by its number (``3``, ``03``) or by (the start of) its file name."""
    found = lessons(source)
    text = str(which).strip()
    matches = [p for p in found if p.name.startswith(text.zfill(2) + "-")] if text.isdigit() else \
              [p for p in found if p.name.startswith(text)]
    if len(matches) != 1:
        names = ", ".join(p.stem for p in found)
        problem = "no lesson" if not matches else f"{len(matches)} lessons"
        raise WorkbookError(f"{problem} named {which!r}; name one by its number or file name: {names}")
    return matches[0]


def reset(which, workbook=WORKBOOK, source=LESSONS, now=None):
    """Put one lesson's copy back as it started; the worked copy moves to ``previous/``. Returns (copy, kept)."""
    lesson = find_lesson(which, source)
    target, kept = workbook / lesson.name, None
    if target.exists():
        stamp = (now or datetime.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
        kept = workbook / "previous" / f"{lesson.stem}-{stamp}.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        target.replace(kept)
    workbook.mkdir(parents=True, exist_ok=True)
    fresh_copy(lesson, target)
    return target, kept


def jupyterlab_command(folder, notebook=None):
    """``jupyter lab`` on ``folder`` opening ``notebook`` (a path inside it), with --allow-root when root."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if notebook is not None:
        command.append(str(notebook.relative_to(folder)))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def open_in_jupyterlab(folder, notebook=None):
    """Replace this process by JupyterLab (so Ctrl+C and the terminal go straight to it)."""
    command = jupyterlab_command(folder, notebook)
    os.chdir(folder)
    os.execv(command[0], command)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["open", "reset", "edit"],
                        help="open: the learner's copies; reset: one lesson as it started; edit: lessons/ itself")
    parser.add_argument("lesson", nargs="?", help="for reset: the lesson's number or file name")
    parser.add_argument("--workbook", type=Path, default=Path(os.environ.get("WORKBOOK") or WORKBOOK),
                        help="the folder of the learner's copies (default: my-lessons/)")
    args = parser.parse_args()
    workbook = args.workbook.resolve()
    try:
        if args.action == "reset":
            if not args.lesson:
                raise WorkbookError("say which lesson to reset, e.g. `make lesson-reset LESSON=03`")
            target, kept = reset(args.lesson, workbook)
            print(f"{target.name} is as it was at the start" +
                  (f"; your worked copy is kept as {kept.relative_to(workbook)}" if kept else ""))
            return 0
        if args.action == "edit":
            open_in_jupyterlab(LESSONS, lessons()[0])
        for made in ensure_copies(workbook):
            print(f"new copy: {made.relative_to(workbook.parent)}")
        open_in_jupyterlab(workbook, workbook / lessons()[0].name)
    except WorkbookError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
