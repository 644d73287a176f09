"""GradientFlow, headless: the norms it records, vanishing gradients in a deep sigmoid MLP, skipped
parameters, the picture, the throttle, no leaked figures, the text fallback, torch modules and the
saved notebook."""
import gc
import io
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("ipywidgets", reason="pedagrad_widgets needs ipywidgets (pip install -e widgets/)")
pytest.importorskip("pedagrad_widgets", reason="pedagrad-widgets is not installed (pip install -e widgets/)")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import pedagrad  # noqa: E402
from pedagrad import nn  # noqa: E402
from pedagrad.datasets import make_moons  # noqa: E402
from pedagrad_widgets import GradientFlow  # noqa: E402
from pedagrad_widgets.gradient_flow_plot import layer_colors  # noqa: E402


def deep_sigmoid_mlp(lib=pedagrad, depth=6, width=32):
    lib.manual_seed(0)
    layers = [lib.nn.Linear(2, width), lib.nn.Sigmoid()]
    for _ in range(depth - 1):
        layers += [lib.nn.Linear(width, width), lib.nn.Sigmoid()]
    return lib.nn.Sequential(*layers, lib.nn.Linear(width, 2))


def train(model, flow, steps, lib=pedagrad, lr=0.5):
    X, y = make_moons(n_samples=64, noise=0.2, generator=pedagrad.Generator().manual_seed(0))
    if lib is not pedagrad:
        X, y = lib.as_tensor(X.numpy()), lib.as_tensor(y.numpy())
    optimizer = lib.optim.SGD(model.parameters(), lr=lr)
    loss_fn = lib.nn.CrossEntropyLoss()
    for _ in range(steps):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        flow.update()
        optimizer.step()
    return flow


def test_it_records_the_norm_of_each_weight_gradient():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))
    flow = GradientFlow(model, mode="widget")
    train(model, flow, 3)
    assert list(flow.norms) == ["0.weight", "2.weight"] and flow.steps == [0, 1, 2]
    loss = nn.CrossEntropyLoss()(model(pedagrad.ones(4, 2)), pedagrad.tensor([0, 1, 0, 1]))
    model.zero_grad()
    loss.backward()
    flow.update()
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            assert flow.norms[name][-1] == pytest.approx(float(np.linalg.norm(p.grad.numpy())), rel=1e-6)
    every = GradientFlow(model, which="all", mode="widget").update()
    assert list(every.norms) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    with pytest.raises(ValueError, match="which must be"):
        GradientFlow(model, which="biases")
    with pytest.raises(TypeError, match="named_parameters"):
        GradientFlow(pedagrad.ones(3))


def test_a_deep_sigmoid_mlp_has_vanishing_gradients_in_its_first_layer():
    model = deep_sigmoid_mlp()
    flow = train(model, GradientFlow(model, mode="widget"), 5)
    names = list(flow.norms)
    assert names[0] == "0.weight" and names[-1] == "12.weight"
    for step in range(5):
        first, last = flow.norms[names[0]][step], flow.norms[names[-1]][step]
        assert first * 100 < last, f"step {step}: first layer {first:.3g}, last layer {last:.3g}"
    # and it says so
    assert "0.weight's gradient is" in flow.sentence() and "times smaller than 12.weight's" in flow.sentence()
    shallow = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    flat = train(shallow, GradientFlow(shallow, mode="widget"), 5)
    assert flat.norms["0.weight"][0] * 100 > flat.norms["2.weight"][0]  # two ReLU layers: same order of size


def test_parameters_without_grad_are_skipped_and_named():
    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(2, 4)
            self.used = nn.Linear(4, 2)
            self.unused = nn.Linear(4, 2)  # not on the path to the loss: its grad stays None

        def forward(self, x):
            return self.used(self.body(x))

    model = TwoHeads()
    model.body.weight.requires_grad_(False)  # frozen: not watched at all
    flow = train(model, GradientFlow(model, mode="widget"), 4)
    assert list(flow.norms) == ["used.weight", "unused.weight"]
    assert flow.norms["unused.weight"] == [None] * 4 and flow.skipped == {"unused.weight": 4}
    text = repr(flow)
    assert "unused.weight  no grad yet" in text and "skipped (grad None): unused.weight (4 steps)" in text


def colour_share(png, colour, tol=0.06):
    rgb = matplotlib.image.imread(io.BytesIO(png))[..., :3]
    return float((np.abs(rgb - np.asarray(colour)[:3]).max(axis=-1) < tol).mean())


def test_the_picture_has_one_line_per_layer_in_depth_order_colours():
    model = deep_sigmoid_mlp(depth=3)
    flow = train(model, GradientFlow(model, mode="widget"), 30)
    flow.redraw(final=True)
    assert flow.png.startswith(b"\x89PNG") and flow.image.value == flow.png
    colors = layer_colors(4)
    shares = [colour_share(flow.png, c) for c in colors]
    assert all(s > 0.001 for s in shares), shares  # every layer's line (and legend entry) shows
    assert flow.plot.ax.get_yscale() == "log"
    low, high = flow.plot.ax.get_ylim()
    values = [v for series in flow.norms.values() for v in series]
    assert low <= min(values) and max(values) <= high  # every point is inside the picture
    assert flow.plot.ax.get_xlim() == (-0.5, 29.5)  # a final picture ends at the last step
    assert "times smaller" in flow.info.value


def test_quick_steps_are_drawn_rarely_and_the_cell_end_draws_the_rest():
    model = deep_sigmoid_mlp(depth=2)
    flow = train(model, GradientFlow(model, mode="widget"), 100)
    assert flow.draws <= 3  # at most every 0.2 s, and drawing at most 5 % of the time
    flow.after_cell()
    assert flow.draws >= 1 and flow.plot.ax.get_xlim()[1] == 99.5


def live_figures():
    gc.collect()
    return sum(type(o) is Figure for o in gc.get_objects())


def test_a_hundred_updates_leak_no_figures():
    model = deep_sigmoid_mlp(depth=2)
    flow = GradientFlow(model, mode="widget")
    train(model, flow, 3)
    flow.redraw()
    figures = live_figures()
    for i in range(100):
        train(model, flow, 1)
        if i % 5 == 0:
            flow.redraw()
    assert flow.draws >= 21 and live_figures() == figures and plt.get_fignums() == []


def test_text_fallback_in_plain_python():
    script = textwrap.dedent("""
        import pedagrad
        from pedagrad import nn
        from pedagrad_widgets import GradientFlow
        pedagrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
        flow = GradientFlow(model)
        for step in range(3):
            model.zero_grad()
            model(pedagrad.ones(4, 2)).sum().backward()
            flow.update()
        print(flow)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "GradientFlow: 3 steps, 2 parameters, gradient norm at the last step:"
    assert lines[1].startswith("  0.weight  ") and lines[2].startswith("  2.weight  ") and len(lines) == 4


def test_a_torch_module(torch):
    model = deep_sigmoid_mlp(lib=torch, depth=4)
    flow = train(model, GradientFlow(model, mode="widget"), 3, lib=torch)
    assert list(flow.norms) == ["0.weight", "2.weight", "4.weight", "6.weight", "8.weight"]
    assert flow.norms["0.weight"][0] * 20 < flow.norms["8.weight"][0]
    flow.redraw()
    assert flow.png.startswith(b"\x89PNG")


nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_the_saved_notebook_keeps_the_final_picture_and_a_stable_text(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(c) for c in [
        "import pedagrad\n"
        "from pedagrad import nn\n"
        "from pedagrad_widgets import GradientFlow\n"
        "pedagrad.manual_seed(0)\n"
        "model = nn.Sequential(nn.Linear(2, 8), nn.Sigmoid(), nn.Linear(8, 2))\n"
        "flow = GradientFlow(model)\n"
        "flow",
        "X, y = pedagrad.randn(16, 2), pedagrad.randint(0, 2, (16,))\n"
        "for step in range(20):\n"
        "    model.zero_grad()\n"
        "    nn.CrossEntropyLoss()(model(X), y).backward()\n"
        "    flow.update()",
    ]])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert [o["output_type"] for o in nb.cells[0].outputs] == ["display_data"] and nb.cells[1].outputs == []
    data = nb.cells[0].outputs[0]["data"]
    assert data["text/plain"].splitlines()[0] == "GradientFlow: 20 steps, 2 parameters, gradient norm at the last step:"
    assert data["image/png"] and "application/vnd.jupyter.widget-view+json" in data
