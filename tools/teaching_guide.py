"""The instructor's guide's generated parts: the table of lessons, and nbgitpuller links for a JupyterHub.

    python tools/teaching_guide.py                 # rewrite the table in docs/teaching.md from lessons/
    python tools/teaching_guide.py --measure       # ... with each lesson's run time measured here
    python tools/teaching_guide.py --hub https://hub.example.edu [--branch main] [--lesson 03]
                                                   # the nbgitpuller link that opens a lesson on that hub

The table is made from the lesson files themselves (title, widgets used, exercises), so a lesson
added, renamed or reordered shows up the next time this runs; the test suite checks that the guide
is in step with lessons/, and that it has a section for every lesson.
"""
import argparse
import re
import sys
import urllib.parse
from pathlib import Path

import nbformat

from workbook import WorkbookError, find_lesson

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "teaching.md"
REPOSITORY = "https://github.com/pedagrad/pedagrad"
BEGIN = "<!-- begin lessons: written by tools/teaching_guide.py from lessons/, do not edit by hand -->"
END = "<!-- end lessons -->"
WIDGETS = ("GraphView", "BackwardStepper", "GradModePlayground", "TrainingMonitor", "HyperparameterExplorer",
           "GradientFlow")


def lessons():
    return sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))


def describe(path):
    """(title, widgets the lesson shows, number of exercises) read from a lesson."""
    nb = nbformat.read(path, as_version=4)
    title = re.sub(r"^#\s*\d+\s*·\s*", "", nb.cells[0].source.splitlines()[0]).strip()
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    widgets = [w for w in WIDGETS if re.search(rf"\b{w}\(", code)]
    exercises = sum("### BEGIN SOLUTION" in c.source for c in nb.cells)
    return title, widgets, exercises


def table(run_times=None):
    """The generated table, one row per lesson; ``run_times`` maps file names to seconds (else kept as is)."""
    old = current_run_times()
    rows = ["| lesson | title | widgets to show | exercises | run time on 2 cores |",
            "| --- | --- | --- | --- | --- |"]
    for path in lessons():
        title, widgets, exercises = describe(path)
        seconds = (run_times or {}).get(path.name, old.get(path.name))
        time = f"{seconds:.1f} s" if seconds is not None else "not measured yet"
        rows.append(f"| [{path.stem[:2]}]({REPOSITORY}/blob/main/lessons/{path.name}) | {title} | "
                    f"{', '.join(f'`{w}`' for w in widgets) or '-'} | {exercises} | {time} |")
    return "\n".join(rows)


def current_run_times():
    """The run times the guide shows now, by lesson file name."""
    if not GUIDE.exists():
        return {}
    found = re.findall(r"\| \[\d+\]\(\S+/lessons/([^)]+)\) \|.*\| ([\d.]+) s \|$", GUIDE.read_text(), re.M)
    return {name: float(seconds) for name, seconds in found}


def generated_part(text):
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip()


def rewrite(run_times=None):
    text = GUIDE.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    GUIDE.write_text(text[:start] + "\n" + table(run_times) + "\n" + text[end:])


def measure():
    """Each lesson's run time here, as `make lessons-report` measures it."""
    from lesson_report import measure as run_and_measure

    return {path.name: run_and_measure(path)[0] for path in lessons()}


def nbgitpuller_link(hub, lesson=None, branch="main", repository=REPOSITORY):
    """The link that makes a JupyterHub clone (or update) the repository for each learner, then open ``lesson``."""
    lesson = lesson or lessons()[0].name
    folder = repository.rstrip("/").rsplit("/", 1)[1]
    query = urllib.parse.urlencode({"repo": repository, "branch": branch,
                                    "urlpath": f"lab/tree/{folder}/lessons/{lesson}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="measure each lesson's run time for the table")
    parser.add_argument("--hub", help="print the nbgitpuller link for this JupyterHub instead")
    parser.add_argument("--branch", default="main", help="the branch the hub pulls (default: main)")
    parser.add_argument("--lesson", help="the lesson the link opens: its number or file name (default: the first)")
    args = parser.parse_args()
    if args.hub:
        try:
            lesson = find_lesson(args.lesson).name if args.lesson else None
        except WorkbookError as e:
            print(e, file=sys.stderr)
            return 2
        print(nbgitpuller_link(args.hub, lesson, args.branch))
        return 0
    rewrite(measure() if args.measure else None)
    print(f"updated the table of lessons in {GUIDE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
