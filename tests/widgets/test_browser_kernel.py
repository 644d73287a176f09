"""What differs in the browser's kernel (JupyterLite's Pyodide kernel), tested here with stand-ins.

There the shell is not ipykernel's ZMQ shell but an IPython shell that holds its own ``kernel``;
``sys.platform`` is "emscripten"; there is no ``dot`` program and no PyTorch. The widgets must still
show as widgets, draw graphs without asking anyone to install graphviz, and say what they could not do.
"""
import sys

import pytest

pytest.importorskip("ipywidgets", reason="pedagrad_widgets needs ipywidgets (pip install -e widgets/)")
pytest.importorskip("pedagrad_widgets", reason="pedagrad-widgets is not installed (pip install -e widgets/)")

import importlib.util  # noqa: E402

from IPython.testing.globalipapp import get_ipython  # noqa: E402

import pedagrad as torch  # noqa: E402
from pedagrad_widgets import (GradientFlow, GraphView, HyperparameterExplorer, TrainingMonitor,  # noqa: E402
                              build_graph, render_svg)
from pedagrad_widgets import plot_display, render, render_graphviz  # noqa: E402
from pedagrad_widgets.render import DOT_HINT  # noqa: E402
from pedagrad_widgets.runtime import in_browser  # noqa: E402
from pedagrad_widgets.same_in_pytorch import same_in_pytorch  # noqa: E402


class StandInKernel:
    """What the Pyodide kernel's shell holds in ``shell.kernel`` (pyodide_kernel.kernel.PyodideKernel)."""


@pytest.fixture
def terminal_shell():
    """An IPython shell without a kernel, as in a terminal: widgets cannot show."""
    shell = get_ipython()
    assert getattr(shell, "kernel", None) is None
    return shell


@pytest.fixture
def browser_shell(monkeypatch, terminal_shell):
    """An IPython shell that is not ipykernel's ZMQ shell but has a kernel, as the Pyodide kernel's shell is."""
    from ipykernel.zmqshell import ZMQInteractiveShell
    assert not isinstance(terminal_shell, ZMQInteractiveShell)
    monkeypatch.setattr(terminal_shell, "kernel", StandInKernel(), raising=False)
    return terminal_shell


@pytest.fixture
def browser(monkeypatch):
    """sys.platform as Pyodide reports it, no ``dot`` to run, no PyTorch to import."""
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(render_graphviz, "find_dot", lambda: None)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else find_spec(name, *a))


def tiny_model():
    return torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))


def test_a_kernel_shell_that_is_not_ipykernels_shows_widgets(browser_shell):
    assert plot_display.in_widget_frontend()
    assert plot_display.resolve_mode("auto") == "widget"
    assert TrainingMonitor(epochs=2).mode == "widget"
    assert HyperparameterExplorer().mode == "widget"
    assert GradientFlow(tiny_model()).mode == "widget"


def test_a_shell_without_a_kernel_falls_back_to_text(terminal_shell):
    assert not plot_display.in_widget_frontend()
    assert TrainingMonitor(epochs=2).mode == "text"
    assert GradientFlow(tiny_model()).mode == "text"


def test_plain_python_falls_back_to_text(monkeypatch):
    monkeypatch.setattr(plot_display, "ipython", lambda: None)
    assert not plot_display.in_widget_frontend()
    assert plot_display.resolve_mode("auto") == "text"


def test_in_the_browser_graphs_use_the_built_in_layout_without_an_install_hint(browser, monkeypatch):
    assert in_browser()
    monkeypatch.setattr(render, "_hint_shown", False)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    svg, engine = render_svg(build_graph([y], names={"x": x, "y": y}))
    assert engine == "fallback" and "SumBackward0" in svg
    assert "graphviz" not in svg and "apt-get" not in svg
    assert "apt-get" not in GraphView(y).svg


def test_on_a_machine_without_dot_the_hint_is_still_given(monkeypatch):
    """The other side of the browser case: where graphviz can be installed, say how, once."""
    monkeypatch.setattr(render_graphviz, "find_dot", lambda: None)
    monkeypatch.setattr(render, "_hint_shown", False)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    svg, engine = render_svg(build_graph([(x * x).sum()]))
    assert engine == "fallback" and "apt-get install graphviz" in DOT_HINT and "apt-get install graphviz" in svg


def test_same_in_pytorch_says_that_the_browser_has_no_pytorch(browser, capsys):
    same_in_pytorch("", "import torch\nprint(torch.tensor([1.0, 2.0]) * 2)")
    first, rest = capsys.readouterr().out.split("\n", 1)
    assert first.startswith("In the browser there is no PyTorch") and "ran with pedagrad only" in first
    assert "pip install torch" not in first, "no advice that cannot be followed in the browser"
    assert rest == "tensor([2., 4.])\n"
