"""A notebook saved after a GraphView was redrawn holds the latest picture (for readers without
a kernel, e.g. on GitHub), while its compared text stays stable."""
import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is needed to build the test notebook")
nbclient = pytest.importorskip("nbclient", reason="nbclient is needed to execute the test notebook")
pytest.importorskip("pedagrad_widgets", reason="pedagrad-widgets is not installed (pip install -e widgets/)")

from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402


def run(cells, tmp_path):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def svg_of(cell):
    (out,) = [o for o in cell.outputs if "image/svg+xml" in o.get("data", {})]
    return out["data"]["image/svg+xml"], out["data"]["text/plain"]


def test_saved_picture_follows_redraws(tmp_path):
    nb = run([
        "import pedagrad as torch\n"
        "from pedagrad_widgets import GraphView\n"
        "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
        "y = (x * x).sum()\n"
        "view = GraphView(y)\n"
        "view",
        "y.backward()\n"
        "view.update();",
        "print('after')",
    ], tmp_path)
    svg, text = svg_of(nb.cells[0])
    assert "grad [2., 4., 6.]" in svg  # the picture after backward, not the one first shown
    assert text == "GraphView(y: 2 tensors, 3 functions, 3 edges)"
    assert "application/vnd.jupyter.widget-view+json" in nb.cells[0].outputs[0]["data"]


def test_an_unchanged_view_is_not_resent(tmp_path):
    nb = run([
        "import pedagrad as torch\n"
        "from pedagrad_widgets import GraphView\n"
        "x = torch.tensor([1.0], requires_grad=True)\n"
        "view = GraphView(x * 2)\n"
        "view",
        "view.update();",
    ], tmp_path)
    svg, _ = svg_of(nb.cells[0])
    assert "grad None" in svg and len(nb.cells[0].outputs) == 1
