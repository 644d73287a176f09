"""TrainingMonitor, headless: its state after updates, the picture it draws, the text fallback,
no leaked figures, the redraw throttle, and what a saved notebook keeps."""
import gc
import io
import math
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

pytest.importorskip("ipywidgets", reason="pedagrad_widgets needs ipywidgets (pip install -e widgets/)")
pytest.importorskip("tqdm", reason="TrainingMonitor needs tqdm (pip install -e widgets/)")
pytest.importorskip("pedagrad_widgets", reason="pedagrad-widgets is not installed (pip install -e widgets/)")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import pedagrad as torch  # noqa: E402
from pedagrad_widgets import TrainingMonitor  # noqa: E402
from pedagrad_widgets import monitor as monitor_module  # noqa: E402
from pedagrad_widgets.monitor_plot import TRAIN_COLOR, VAL_COLOR  # noqa: E402


def feed(monitor, n, start=0, redraw_every=0):
    for e in range(start, start + n):
        monitor.update(e, train_loss=2 * math.exp(-e / 5) + 0.05, val_loss=2 * math.exp(-e / 6) + 0.1,
                       acc=1 - 0.9 * math.exp(-e / 4), val_acc=0.95 - 0.9 * math.exp(-e / 4))
        if redraw_every and e % redraw_every == 0:
            monitor.redraw()
    return monitor


def test_history_table_and_text_after_updates(monkeypatch):
    monkeypatch.setattr(monitor_module, "TEXT_INTERVAL", 0)  # every update shows at once
    m = TrainingMonitor(epochs=4, mode="widget")
    m.update(0, train_loss=1.0, val_loss=1.5, acc=0.5)
    m.update(1, train_loss=torch.tensor(0.5), val_loss=np.float64(0.75), acc=0.75)
    assert m.history == {"train_loss": [1.0, 0.5], "val_loss": [1.5, 0.75], "acc": [0.5, 0.75]}
    m.update(2, train_loss=0.625, val_loss=0.875, acc=0.625, val_acc=0.5)  # val_acc appears late
    assert m.history["val_acc"] == [None, None, 0.5]
    assert m.best("train_loss") == (0.5, 1) and m.best("acc") == (0.75, 1)
    assert "<td>train_loss</td><td style='text-align:right'>0.6250</td>" in m.table.value
    assert "min 0.5000 @ 1" in m.table.value and "max 0.7500 @ 1" in m.table.value
    assert repr(m) == ("TrainingMonitor: 3/4 epochs, train_loss 0.6250 (min 0.5000 @ 1), "
                       "val_loss 0.8750 (min 0.7500 @ 1), acc 0.6250 (max 0.7500 @ 1), val_acc 0.5000 (max 0.5000 @ 2)")
    assert m.epoch_bar.value == 3 and m.epoch_label.value.startswith("3/4 epochs [")
    m.batch(4, 10)
    assert (m.batch_bar.value, m.batch_bar.max, m.batch_label.value) == (5, 10, "5/10")
    assert m.epoch_label.value.startswith("3.5/4 epochs")


def test_log_checkbox_switches_the_loss_axis_only():
    m = feed(TrainingMonitor(epochs=10, mode="widget"), 3).redraw()
    assert m.plot.y_scale("loss") == "linear"
    before = m.png
    m.log_box.value = True
    assert m.log_scale and m.plot.y_scale("loss") == "log" and m.plot.y_scale("acc") == "linear"
    assert m.png != before
    m.log_scale = False
    assert m.plot.y_scale("loss") == "linear"


def colour_share(png, colour, tol=0.08):
    """The fraction of pixels within ``tol`` of ``colour``."""
    rgb = matplotlib.image.imread(io.BytesIO(png))[..., :3]
    return float((np.abs(rgb - np.array(to_rgb(colour))).max(axis=-1) < tol).mean())


def test_the_picture_has_both_curves_on_two_panels():
    m = feed(TrainingMonitor(epochs=20, mode="widget"), 20)
    assert m.png.startswith(b"\x89PNG") and m.image.value == m.png
    rgb = matplotlib.image.imread(io.BytesIO(m.png))[..., :3]
    assert rgb.shape[1] > 1.8 * rgb.shape[0]  # two panels side by side: loss, then acc
    assert colour_share(m.png, TRAIN_COLOR) > 0.003 and colour_share(m.png, VAL_COLOR) > 0.003
    distinct = np.unique((rgb * 8).astype(int).reshape(-1, 3), axis=0)
    assert len(distinct) > 10


def test_new_frames_reuse_the_axes_and_look_the_same_as_a_full_redraw():
    m = feed(TrainingMonitor(epochs=30, mode="widget"), 12, redraw_every=1)
    full = m.plot.full_draws
    feed(m, 3, start=12, redraw_every=1)
    assert m.draws == 15 and m.plot.full_draws <= full + 1  # the axes had room for three more epochs
    blitted = m.png
    m.plot.blitter.background = None  # forget the cached axes: draw everything again
    assert m.redraw().png == blitted


def test_the_axes_cover_all_epochs_and_every_point():
    m = feed(TrainingMonitor(epochs=40, mode="widget"), 10).redraw()
    loss_axes = m.plot.axes["loss"]
    assert loss_axes.get_xlim()[0] < 0 and loss_axes.get_xlim()[1] > 39  # the whole run, from the first epoch
    low, high = loss_axes.get_ylim()
    values = m.history["train_loss"] + m.history["val_loss"]
    assert low <= min(values) and max(values) <= high and low > -0.1  # a loss axis starts near 0, not below


def test_the_table_catches_up_at_the_last_epoch():
    m = feed(TrainingMonitor(epochs=30, mode="widget"), 30)
    last = f"{m.history['train_loss'][-1]:.4f}"
    assert f"<td>train_loss</td><td style='text-align:right'>{last}</td>" in m.table.value
    assert m.epoch_bar.value == 30 and m.epoch_label.value.startswith("30/30 epochs")


def test_the_picture_is_stable():
    a = feed(TrainingMonitor(epochs=5, mode="widget"), 5).png
    b = feed(TrainingMonitor(epochs=5, mode="widget"), 5).png
    assert a == b


def test_an_empty_monitor_draws_nothing_and_says_so():
    m = TrainingMonitor(epochs=3, mode="widget")
    assert m.png == b"" and repr(m) == "TrainingMonitor: 0/3 epochs"
    assert "image/png" not in m._repr_mimebundle_()


def test_clear_errors():
    with pytest.raises(ValueError, match="positive whole number"):
        TrainingMonitor(epochs=0)
    with pytest.raises(ValueError, match="mode must be"):
        TrainingMonitor(epochs=3, mode="gui")
    m = TrainingMonitor(epochs=3, mode="widget")
    with pytest.raises(TypeError, match=r"train_loss must be a number.*loss.item\(\)"):
        m.update(0, train_loss="low")
    with pytest.raises(TypeError, match="at least one value"):
        m.update(0)


def test_text_fallback_in_plain_python():
    script = textwrap.dedent("""
        from pedagrad_widgets import TrainingMonitor
        m = TrainingMonitor(epochs=3)
        for epoch in range(3):
            m.batch(0, 5)
            m.update(epoch, train_loss=1.0 / (epoch + 1), val_loss=2.0 / (epoch + 1))
        m.close()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "epoch 0/3  train_loss 1.0000  val_loss 2.0000",
        "epoch 1/3  train_loss 0.5000  val_loss 1.0000",
        "epoch 2/3  train_loss 0.3333  val_loss 0.6667",
        "TrainingMonitor: 3/3 epochs, train_loss 0.3333 (min 0.3333 @ 2), val_loss 0.6667 (min 0.6667 @ 2)",
    ]


def live_figures():
    gc.collect()
    return sum(type(o) is Figure for o in gc.get_objects())


def test_a_hundred_epochs_leak_no_figures_and_little_memory():
    m = TrainingMonitor(epochs=200, mode="widget")
    feed(m, 5, redraw_every=1)
    figures, pyplot_figures = live_figures(), plt.get_fignums()
    feed(m, 95, start=5, redraw_every=5)  # a frame costs ~0.1 s: every fifth epoch is enough to see a leak
    assert m.draws >= 24
    assert live_figures() == figures and plt.get_fignums() == pyplot_figures == []
    # tracemalloc slows matplotlib tenfold: watch three frames after a warm one
    tracemalloc.start()
    try:
        m.redraw()
        gc.collect()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(3):
            m.redraw()
        gc.collect()
        last, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last - first < 500_000, f"memory grew by {(last - first) / 1e6:.2f} MB over 3 redraws"


def test_quick_epochs_are_drawn_rarely():
    m = TrainingMonitor(epochs=100, mode="widget")
    feed(m, 99)
    assert m.draws <= 4  # at most every 0.2 s, and only if drawing stays under 5 % of the time
    feed(m, 1, start=99)
    assert m.png and m.draws <= 5  # the last epoch is always drawn, once


nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_the_saved_notebook_keeps_the_final_picture_and_a_stable_text(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(textwrap.dedent("""
        from pedagrad_widgets import TrainingMonitor
        monitor = TrainingMonitor(epochs=5)
        for epoch in range(5):
            for i in range(3):
                monitor.batch(i, 3)
            monitor.update(epoch, train_loss=1.0 / (epoch + 1), val_loss=1.5 / (epoch + 1))
    """))])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"]  # no stdout, one picture
    data = outputs[0]["data"]
    assert data["text/plain"] == ("TrainingMonitor: 5/5 epochs, train_loss 0.2000 (min 0.2000 @ 4), "
                                  "val_loss 0.3000 (min 0.3000 @ 4)")
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
