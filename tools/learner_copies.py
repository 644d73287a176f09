"""Write learner copies of the lessons: exercise solutions removed, each one behind a "Show a solution" fold.

    make learner-copies                          # lessons/*.ipynb -> build/learner/
    python tools/learner_copies.py --out DIR lessons/03-backward.ipynb
    python tools/learner_copies.py --in-place    # what Binder's postBuild does

In a lesson, the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's
convention) is the answer to an exercise. A learner copy replaces it with
``pass  # YOUR CODE HERE``, clears that cell's outputs and the outputs of every exercise check
(found by the metadata ``pedagrad_widgets.exercises.check`` puts on its result), and adds a
folded markdown cell holding the solution right after the exercise. Every other output stays, so
the copy reads well before it is run.
"""
import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

from notebook_io import write_atomically
from pedagrad_widgets.exercises import CHECK_METADATA

ROOT = Path(__file__).resolve().parent.parent

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
PLACEHOLDER = "pass  # YOUR CODE HERE"


def split_solution(source, where):
    """(the source with each solution replaced by a placeholder, the source with the markers dropped).

    The placeholder takes the indentation of the solution's first line, so it fits where the
    solution stood; a stub that is not valid Python is refused, naming the cell."""
    stub, full, inside, placeholder_at, indent_unknown = [], [], None, None, False
    for number, line in enumerate(source.splitlines(), 1):
        if BEGIN.match(line):
            if inside is not None:
                raise ValueError(f"{where}, line {number}: BEGIN SOLUTION inside the solution begun on line {inside}")
            inside, placeholder_at, indent_unknown = number, len(stub), True
            stub.append(BEGIN.match(line).group(1) + PLACEHOLDER)
        elif END.match(line):
            if inside is None:
                raise ValueError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION before it")
            inside = None
        elif "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
            raise ValueError(f"{where}, line {number}: a solution marker stands alone on its line, "
                             f"not {line.strip()!r}")
        else:
            full.append(line)
            if inside is None:
                stub.append(line)
            elif indent_unknown and line.strip():
                stub[placeholder_at] = line[:len(line) - len(line.lstrip())] + PLACEHOLDER
                indent_unknown = False
    if inside is not None:
        raise ValueError(f"{where}: the BEGIN SOLUTION on line {inside} is never closed by ### END SOLUTION")
    stub_source = "\n".join(stub)
    if not stub_source.lstrip().startswith("%"):  # cells with IPython magics are not plain Python
        try:
            ast.parse(stub_source)
        except SyntaxError as e:
            raise ValueError(f"{where}: without its solution the cell is not valid Python ({e.msg}, line {e.lineno}); "
                             "keep the solution a whole block of statements") from None
    return stub_source, "\n".join(full)


def is_check(cell):
    return any(CHECK_METADATA in output.get("metadata", {}) for output in cell.get("outputs", ()))


def clear(cell):
    cell.outputs = []
    cell.execution_count = None


def reveal_cell(solution, exercise_cell):
    fence = "````" if "```" in solution else "```"
    cell = nbformat.v4.new_markdown_cell(
        "<details><summary><b>Show a solution</b> (try the exercise first)</summary>\n\n"
        f"{fence}python\n{solution}\n{fence}\n\n</details>")
    cell.id = f"{exercise_cell.get('id', 'exercise')}-solution"[:64]  # the same id every time
    return cell


def learner_copy(nb, name="notebook"):
    """A learner copy of notebook ``nb`` (a new notebook; ``nb`` is left as it is) and its number of exercises."""
    copy = nbformat.from_dict(nb)
    cells, exercises = [], 0
    for index, cell in enumerate(copy.cells):
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        if "### BEGIN SOLUTION" in cell.source or "### END SOLUTION" in cell.source:
            cell.source, solution = split_solution(cell.source, f"{name}, cell {index}")
            clear(cell)
            cells.append(reveal_cell(solution, cell))
            exercises += 1
        elif is_check(cell):
            clear(cell)
    copy.cells = cells
    return copy, exercises


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="lessons to copy (default: lessons/[0-9]*.ipynb)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=ROOT / "build" / "learner", help="folder for the copies")
    where.add_argument("--in-place", action="store_true", help="overwrite the lessons themselves")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))
    if not args.in_place:
        args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        copy, exercises = learner_copy(nbformat.read(path, as_version=4), path.name)
        target = path if args.in_place else args.out / path.name
        write_atomically(copy, target)
        print(f"{path.name}: {exercises} exercises -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
