"""The course as a whole: every lesson keeps the course's rules, and its learner copy runs without solutions.

nbval itself (strict, every stored output compared) runs the lessons; these tests check what
nbval cannot: the shape of each lesson, and the copies learners get.
"""
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from pedagrad_widgets.exercises import CHECK_METADATA

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))


def load_tool(name):
    if str(ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(ROOT / "tools"))  # the tools import each other, as scripts in one folder do
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


learner_copies = load_tool("learner_copies")


def code(source, outputs=(), count=1):
    cell = nbformat.v4.new_code_cell(source, execution_count=count)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in outputs]
    return cell


def check_output(text):
    return nbformat.v4.new_output("execute_result", data={"text/plain": text},
                                  metadata={CHECK_METADATA: "1.1"}, execution_count=3)


def test_a_learner_copy_replaces_the_solution_and_offers_it_in_a_fold():
    check_cell = code("check('1.1', ...)")
    check_cell.outputs = [check_output("Exercise 1.1: all right!")]
    nb = nbformat.v4.new_notebook(cells=[
        code("x = 1", outputs=["kept\n"]),
        code("def double(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION\nprint(double(2))",
             outputs=["4\n"]),
        check_cell,
    ])
    copy, exercises = learner_copies.learner_copy(nb, "demo.ipynb")
    assert exercises == 1
    assert [c.cell_type for c in copy.cells] == ["code", "code", "markdown", "code"]
    assert copy.cells[0].outputs[0]["text"] == "kept\n"
    assert copy.cells[1].source == "def double(v):\n    pass  # YOUR CODE HERE\nprint(double(2))"
    assert copy.cells[1].outputs == [] and copy.cells[1].execution_count is None
    assert "<details>" in copy.cells[2].source and "    return 2 * v" in copy.cells[2].source
    assert "### BEGIN SOLUTION" not in copy.cells[2].source
    assert copy.cells[3].outputs == [] and copy.cells[3].execution_count is None
    assert "### BEGIN SOLUTION" in nb.cells[1].source and nb.cells[2].outputs, "the lesson itself is untouched"


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "line 2: END SOLUTION without a BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: BEGIN SOLUTION inside the solution begun"),
])
def test_unbalanced_solution_markers_name_the_notebook_and_cell(source, message):
    nb = nbformat.v4.new_notebook(cells=[code("x = 0"), code(source)])
    with pytest.raises(ValueError, match=f"demo.ipynb, cell 1.*{message}"):
        learner_copies.learner_copy(nb, "demo.ipynb")


def test_the_course_has_its_eight_lessons_in_order():
    numbers = [int(path.name[:2]) for path in LESSONS]
    assert numbers == list(range(1, 9)), [path.name for path in LESSONS]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_keeps_the_course_rules(path):
    nb = nbformat.read(path, as_version=4)
    sources = [cell.source for cell in nb.cells]
    assert nb.cells[0].cell_type == "markdown", "a lesson opens with what the learner will be able to do"
    assert any("manual_seed" in s for s in sources), "a lesson seeds its random numbers"
    exercises = [i for i, cell in enumerate(nb.cells) if "### BEGIN SOLUTION" in cell.source]
    assert 2 <= len(exercises) <= 4, f"{len(exercises)} exercises; a lesson has 2 to 4"
    checks = [i for i, cell in enumerate(nb.cells) if learner_copies.is_check(cell)]
    for exercise, next_one in zip(exercises, exercises[1:] + [len(nb.cells)]):
        assert any(exercise <= c < next_one for c in checks), f"the exercise in cell {exercise} has no check of its own"
    same = [i for i, s in enumerate(sources) if s.startswith("%%same_in_pytorch")]
    assert same and same[-1] > exercises[-1], "a lesson ends (after its exercises) with its code on PyTorch too"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, "lessons are stored executed, with their outputs"
            assert not any(o.get("output_type") == "error" for o in cell.outputs), cell.source[:80]
            lines = cell.source.splitlines()
            for number, line in enumerate(lines):
                if line.strip() == "# NBVAL_IGNORE_OUTPUT":
                    reason = lines[number + 1].strip() if number + 1 < len(lines) else ""
                    assert reason.startswith("#") and len(reason) > 10, \
                        f"an ignore-output marker says why on the next line: {cell.source[:80]!r}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_learner_copy_runs_top_to_bottom_and_every_check_says_not_yet(path, tmp_path):
    copy, exercises = learner_copies.learner_copy(nbformat.read(path, as_version=4), path.name)
    NotebookClient(copy, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    verdicts = [output["data"]["text/plain"].splitlines()[0]
                for cell in copy.cells for output in cell.get("outputs", ())
                if CHECK_METADATA in output.get("metadata", {})]
    assert len(verdicts) >= exercises
    assert all(re.match(r"Exercise \S+: not yet", v) for v in verdicts), verdicts


@pytest.mark.parametrize("source, stub", [
    ("def f(x):\n### BEGIN SOLUTION\n    return 2 * x\n### END SOLUTION", "def f(x):\n    pass  # YOUR CODE HERE"),
    ("if a:\n    ### BEGIN SOLUTION\n    b = 1\n    ### END SOLUTION\nelse:\n    ### BEGIN SOLUTION\n    b = 2\n"
     "    ### END SOLUTION", "if a:\n    pass  # YOUR CODE HERE\nelse:\n    pass  # YOUR CODE HERE"),
])
def test_the_placeholder_stands_where_the_solution_stood(source, stub):
    assert learner_copies.split_solution(source, "demo")[0] == stub


def test_a_solution_that_cannot_be_cut_out_cleanly_is_refused():
    with pytest.raises(ValueError, match="demo: without its solution the cell is not valid Python"):
        learner_copies.split_solution("d = {\n### BEGIN SOLUTION\n'a': 1,\n### END SOLUTION\n}", "demo")
    with pytest.raises(ValueError, match="stands alone on its line"):
        learner_copies.split_solution("### BEGIN SOLUTION here\nx = 1\n### END SOLUTION", "demo")


def test_a_solution_with_a_code_fence_keeps_its_fold_intact_and_copies_repeat():
    nb = nbformat.v4.new_notebook(cells=[code('s = """\n### BEGIN SOLUTION\n```\n### END SOLUTION\n"""')])
    first, _ = learner_copies.learner_copy(nb, "demo.ipynb")
    second, _ = learner_copies.learner_copy(nb, "demo.ipynb")
    assert first.cells[1].source.count("````") == 2
    assert nbformat.writes(first) == nbformat.writes(second)
