"""HyperparameterExplorer, headless: runs and their cache, seeding, diverged and crawling runs, the
picture, the sliders and the clear button, the text fallback, torch models, and the saved notebook."""
import gc
import io
import math
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
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import pedagrad  # noqa: E402
from pedagrad import nn  # noqa: E402
from pedagrad_widgets import HyperparameterExplorer  # noqa: E402
from pedagrad_widgets.explorer import Setting  # noqa: E402
from pedagrad_widgets.explorer_plot import COLORS  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    """One explorer shared by the tests that only add runs (each run trains for a fraction of a second)."""
    return HyperparameterExplorer(mode="widget")


def colour_share(png, colour, tol=0.06):
    """The fraction of pixels within ``tol`` of ``colour``."""
    rgb = matplotlib.image.imread(io.BytesIO(png))[..., :3]
    return float((np.abs(rgb - np.array(to_rgb(colour))).max(axis=-1) < tol).mean())


def test_a_run_returns_its_losses_per_epoch_and_is_recorded(explorer):
    losses = explorer.run(lr=0.3, batch_size=32, epochs=12)
    assert len(losses) == 12 and all(isinstance(v, float) and math.isfinite(v) for v in losses)
    assert losses[-1] < losses[0] < explorer.start_loss * 1.05  # a sensible learning rate learns
    key = Setting(0.3, 32, 12)
    assert explorer.runs[key] == losses and explorer.latest == key
    assert key == (0.3, 32, 12)  # settings are plain tuples too
    assert "lr=0.3, batch 32, 12 epochs: final loss" in repr(explorer)


def test_going_back_to_a_setting_does_not_train_again(explorer):
    first = explorer.run(lr=0.05, batch_size=16, epochs=5)
    explorer.run(lr=1.0, batch_size=16, epochs=5)
    trained = explorer.trainings
    again = explorer.run(lr=0.05, batch_size=16, epochs=5)
    assert again == first and explorer.trainings == trained
    assert explorer.latest == (0.05, 16, 5)
    # the sliders show the setting of the latest run, and moving one back to a known setting is instant too
    assert (explorer.lr_slider.value, explorer.batch_slider.value, explorer.epoch_slider.value) == (0.05, 16, 5)
    explorer.lr_slider.value = 1.0
    assert explorer.trainings == trained and explorer.latest == (1.0, 16, 5)
    # a slider's float noise lands on the same cached setting
    explorer.lr_slider.value = 0.05 * (1 + 1e-9)
    assert explorer.trainings == trained and explorer.latest == (0.05, 16, 5)


def test_moving_a_slider_trains_the_new_setting_and_redraws():
    ex = HyperparameterExplorer(mode="widget", epochs=4)
    assert ex.trainings == 1 and list(ex.runs) == [(0.1, 32, 4)]  # the starting setting, shown at once
    before = ex.image.value
    ex.batch_slider.value = 64
    assert ex.trainings == 2 and list(ex.runs) == [(0.1, 32, 4), (0.1, 64, 4)]
    assert ex.image.value != before and ex.image.value == ex.png
    ex.epoch_slider.value = 6
    assert len(ex.runs[(0.1, 64, 6)]) == 6 and "lr=0.1, batch 64, 6 epochs" in ex.status.value


def test_the_same_setting_gives_the_same_curve_and_leaves_the_learners_random_numbers_alone():
    a = HyperparameterExplorer(mode="text").run(lr=0.5, batch_size=32, epochs=3)
    pedagrad.manual_seed(123)
    expected = pedagrad.rand(3).tolist()
    pedagrad.manual_seed(123)
    b = HyperparameterExplorer(mode="text").run(lr=0.5, batch_size=32, epochs=3)
    assert a == b
    assert pedagrad.rand(3).tolist() == expected
    other_seed = HyperparameterExplorer(mode="text", seed=1).run(lr=0.5, batch_size=32, epochs=3)
    assert other_seed != a


def test_a_huge_learning_rate_diverges_and_a_tiny_one_crawls(explorer):
    huge = explorer.run(lr=10, batch_size=32, epochs=20)
    key = Setting(10.0, 32, 20)
    assert key in explorer.diverged and len(huge) == explorer.diverged[key] < 20  # it stopped there
    assert not math.isfinite(huge[-1]) or huge[-1] > 10 * explorer.start_loss
    sentence = explorer.describe(key)
    assert "diverged at epoch" in sentence and "smaller learning rate" in sentence
    assert sentence in explorer.status.value
    assert f"lr=10, batch 32, 20 epochs: diverged at epoch {explorer.diverged[key]}" in repr(explorer)
    tiny = explorer.run(lr=0.001, batch_size=32, epochs=20)
    assert Setting(0.001, 32, 20) not in explorer.diverged
    assert tiny[-1] > 0.9 * explorer.start_loss and tiny[-1] < tiny[0]  # it learns, barely
    assert "crawls" in explorer.describe(Setting(0.001, 32, 20))
    explorer.run(lr=0.3, batch_size=32, epochs=12)
    assert "the loss fell from" in explorer.describe(Setting(0.3, 32, 12))
    rising = explorer.run(lr=5.62, batch_size=8, epochs=20)  # too large, though not exploding
    assert rising[-1] > explorer.start_loss and Setting(5.62, 8, 20) not in explorer.diverged
    assert "did not fall" in explorer.describe(Setting(5.62, 8, 20))


def test_the_picture_overlays_every_run_in_its_colour():
    ex = HyperparameterExplorer(mode="widget", epochs=8)
    ex.run(lr=0.01)
    ex.run(lr=1.0)
    png = ex.png
    assert png.startswith(b"\x89PNG") and ex.image.value == png
    rgb = matplotlib.image.imread(io.BytesIO(png))[..., :3]
    assert rgb.shape[1] > 1.5 * rgb.shape[0]  # the legend beside the axes
    shares = [colour_share(png, COLORS[i]) for i in range(3)]
    assert all(s > 0.001 for s in shares), shares  # three curves, each in its colour (and its legend entry)
    assert shares[2] > shares[0]  # the latest run is drawn boldest
    assert colour_share(png, COLORS[3]) < 0.0005  # no fourth run


def test_a_quick_frame_looks_the_same_as_a_full_redraw():
    ex = HyperparameterExplorer(mode="widget", epochs=6)
    ex.run(lr=1.0)
    full = ex.plot.blitter.full_draws
    ex.run(lr=0.1)  # cached, and the axes still fit: only the curves, legend and title are drawn again
    assert ex.plot.blitter.full_draws == full
    quick = ex.png
    ex.plot.blitter.background = None
    assert ex.redraw().png == quick


def test_a_diverged_run_is_marked_on_the_picture():
    ex = HyperparameterExplorer(mode="widget", epochs=8)
    calm = ex.png
    ex.run(lr=10)
    assert Setting(10.0, 32, 8) in ex.diverged
    # its colour appears (the cross at the top edge and its legend entry), and the cross is black-edged
    assert colour_share(ex.png, COLORS[1]) > 0.0005 and ex.png != calm


def test_clear_keeps_only_the_latest_run():
    ex = HyperparameterExplorer(mode="widget", epochs=3)
    ex.run(lr=1.0)
    ex.run(lr=0.01)
    before, trained = ex.png, ex.trainings
    ex.clear_button.click()
    assert list(ex.runs) == [(0.01, 32, 3)] and ex.trainings == trained
    assert ex.png != before and colour_share(ex.png, COLORS[1]) < 0.0005
    assert repr(ex).splitlines()[0] == "HyperparameterExplorer: 1 run (latest: lr=0.01, batch 32, 3 epochs)"


def test_a_custom_model_dataset_and_loss():
    pedagrad.manual_seed(0)
    X = pedagrad.randn(64, 3)
    y = (X.sum(1) > 0).long()
    data = pedagrad.utils.data.TensorDataset(X, y)
    ex = HyperparameterExplorer(make_model=lambda: nn.Sequential(nn.Linear(3, 2)), dataset=data,
                                loss_fn=nn.CrossEntropyLoss(), lr=0.5, batch_size=16, epochs=5, mode="text")
    losses = ex.run()
    assert len(losses) == 5 and losses[-1] < losses[0]
    assert ex.batch_slider.value == 16 and 16 in ex.batch_slider.options
    with pytest.raises(TypeError, match=r"\(X, y\) pair"):
        HyperparameterExplorer(dataset=X, mode="text")
    with pytest.raises(TypeError, match="module with parameters"):
        HyperparameterExplorer(make_model=lambda: nn.ReLU(), mode="text")
    with pytest.raises(ValueError, match="lr must be a positive number"):
        ex.run(lr=0)


def test_a_torch_model(torch):
    ex = HyperparameterExplorer(make_model=lambda: torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(),
                                                                      torch.nn.Linear(8, 2)),
                                epochs=4, mode="text")
    torch.manual_seed(5)
    expected = torch.rand(2)
    torch.manual_seed(5)
    losses = ex.run(lr=0.5)
    assert ex.lib is torch and len(losses) == 4 and losses[-1] < ex.start_loss
    assert torch.equal(torch.rand(2), expected)  # the run kept torch's random state


def live_figures():
    gc.collect()
    return sum(type(o) is Figure for o in gc.get_objects())


def test_many_runs_leak_no_figures():
    ex = HyperparameterExplorer(mode="widget", epochs=2)
    ex.run(lr=1.0)
    figures = live_figures()
    for i in range(30):
        ex.run(lr=(0.1, 1.0)[i % 2])  # cached: only redrawn
    assert ex.plot.draws >= 32 and live_figures() == figures and plt.get_fignums() == []


def test_text_fallback_in_plain_python():
    script = textwrap.dedent("""
        from pedagrad_widgets import HyperparameterExplorer
        ex = HyperparameterExplorer(epochs=3)
        ex.run(lr=0.001)
        ex.run(lr=10)
        ex.run(lr=0.001)
        print(repr(ex))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("lr=0.001, batch 32, 3 epochs: crawls, the loss fell only")
    assert lines[1].startswith("lr=10, batch 32, 3 epochs: diverged at epoch 1")
    assert lines[2] == lines[0]
    assert lines[3:] == ["HyperparameterExplorer: 2 runs (latest: lr=0.001, batch 32, 3 epochs)",
                         lines[4], "  lr=10, batch 32, 3 epochs: diverged at epoch 1"]
    assert lines[4].startswith("  lr=0.001, batch 32, 3 epochs: final loss 0.")


nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_the_saved_notebook_keeps_the_latest_picture_and_a_stable_text(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(c) for c in [
        "from pedagrad_widgets import HyperparameterExplorer\n"
        "explorer = HyperparameterExplorer(epochs=5)\n"
        "explorer",
        "losses = explorer.run(lr=1.0)",
    ]])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"] and nb.cells[1].outputs == []
    data = outputs[0]["data"]
    text = data["text/plain"].splitlines()
    assert text[0] == "HyperparameterExplorer: 2 runs (latest: lr=1, batch 32, 5 epochs)"  # after the second cell
    assert [t.split(":")[0] for t in text[1:]] == ["  lr=0.1, batch 32, 5 epochs", "  lr=1, batch 32, 5 epochs"]
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
