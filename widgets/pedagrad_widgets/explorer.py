"""HyperparameterExplorer: move a slider, train a small model briefly, and compare its loss curve with earlier runs."""
import contextlib
import math
import sys
import textwrap
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from .explorer_plot import OverlayPlot
from .plot_display import LivePicture, picture_widget, resolve_mode
from .svg_parts import esc

BATCH_SIZES = (8, 16, 32, 64, 128, 256)
LR_EXPONENTS = (-3, 1, 0.5)  # the slider's log10(lr): from, to, step
EXPLODED = 10.0  # a run has diverged once its loss exceeds the loss before training this many times
CRAWLED = 0.9  # a run crawls if its final loss is still above this share of the loss before training
SHOWN_RUNS = 10  # the picture shows the latest runs only
DATA_SEED = 0


class Setting(NamedTuple):
    """One point of the hyperparameter space: what a run is cached by."""

    lr: float
    batch_size: int
    epochs: int

    def label(self):
        return f"lr={self.lr:g}, batch {self.batch_size}, {self.epochs} epochs"


def setting(lr, batch_size, epochs):
    """A Setting with the learning rate rounded to 3 significant digits, so a slider's 0.1000000001 is 0.1."""
    if not (isinstance(lr, (int, float)) and lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if int(batch_size) != batch_size or batch_size < 1 or int(epochs) != epochs or epochs < 1:
        raise ValueError(f"batch_size and epochs must be positive whole numbers, got {batch_size!r} and {epochs!r}")
    return Setting(float(f"{lr:.3g}"), int(batch_size), int(epochs))


def library_of(model):
    """The library a model comes from (pedagrad or torch), found from its parameters' class."""
    try:
        first = next(iter(model.parameters()))
    except (AttributeError, StopIteration):
        raise TypeError(f"make_model() must return a module with parameters, got {type(model).__name__}") from None
    return sys.modules[type(first).__module__.split(".")[0]]


@contextlib.contextmanager
def random_state_kept():
    """Run a block, then put back the global random state of pedagrad (and torch, if imported) as it was."""
    libs = [sys.modules[name] for name in ("pedagrad", "torch") if name in sys.modules]
    states = [lib.get_rng_state() for lib in libs]
    try:
        yield
    finally:
        for lib, state in zip(libs, states):
            lib.set_rng_state(state)


def to_library(tensor, lib):
    """``tensor`` as a tensor of ``lib``, converted through numpy if it comes from the other library."""
    if type(tensor).__module__.split(".")[0] == lib.__name__:
        return tensor
    return lib.as_tensor(np.asarray(tensor.detach().cpu().numpy()))


def default_model():
    """A small MLP for the two moons: 2 inputs, 16 hidden ReLU units, 2 classes."""
    from pedagrad import nn

    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))


def default_dataset():
    """Two noisy moons, 200 points, the same on every call (their own generator)."""
    import pedagrad
    from pedagrad.datasets import make_moons

    return make_moons(n_samples=200, noise=0.2, generator=pedagrad.Generator().manual_seed(DATA_SEED))


class HyperparameterExplorer(LivePicture, widgets.VBox):
    """Sliders for learning rate, batch size and epochs; each setting trains briefly and its loss curve joins the plot.

    ``HyperparameterExplorer()`` trains a small MLP with SGD on two moons; pass ``make_model`` (a
    function returning a fresh module, pedagrad or torch), ``dataset`` (an ``(X, y)`` pair or a
    TensorDataset) and ``loss_fn`` to explore your own. Every run starts from the same seed, so
    a setting always gives the same curve, and runs are cached: going back to a setting is
    instant. ``run(lr=..., batch_size=..., epochs=...)`` does what moving the sliders does and
    returns the losses; ``runs`` holds every run's losses by setting.

    A run whose loss turns nan or infinite, or grows past ten times the loss before training, is
    marked as diverged (it stops there). In a notebook the saved output keeps the latest picture
    and a text summary; outside Jupyter each run prints one line instead.
    """

    def __init__(self, make_model=None, dataset=None, loss_fn=None, *, lr=0.1, batch_size=32, epochs=20, seed=0,
                 mode="auto"):
        self.mode = resolve_mode(mode)
        first = setting(lr, batch_size, epochs)
        self.make_model = make_model or default_model
        with random_state_kept():
            self.lib = library_of(self.make_model())
        self.dataset = self._as_dataset(default_dataset() if dataset is None else dataset)
        self.loss_fn = self.lib.nn.CrossEntropyLoss() if loss_fn is None else loss_fn
        self.seed = seed
        self.runs = {}  # Setting -> losses per epoch, in the order first run
        self.diverged = {}  # Setting -> the epoch (from 1) at which that run diverged
        self.latest = None  # the Setting shown boldest
        self.trainings = 0  # runs actually trained (cached ones are not)
        self._start_loss = None
        self._syncing = False
        self.plot = OverlayPlot()
        self.png = b""

        lo, hi, step = LR_EXPONENTS
        self.lr_slider = widgets.FloatLogSlider(
            value=first.lr, base=10, min=min(lo, math.floor(math.log10(first.lr))),
            max=max(hi, math.ceil(math.log10(first.lr))), step=step, description="learning rate",
            readout_format=".3g", continuous_update=False, style={"description_width": "initial"})
        sizes = sorted({*BATCH_SIZES, first.batch_size})
        self.batch_slider = widgets.SelectionSlider(options=sizes, value=first.batch_size, description="batch size",
                                                    continuous_update=False, style={"description_width": "initial"})
        self.epoch_slider = widgets.IntSlider(value=first.epochs, min=1, max=max(50, first.epochs),
                                              description="epochs", continuous_update=False,
                                              style={"description_width": "initial"})
        for slider in (self.lr_slider, self.batch_slider, self.epoch_slider):
            slider.observe(self._on_slider, "value")
        self.clear_button = widgets.Button(description="clear runs", tooltip="forget every run but the latest")
        self.clear_button.on_click(lambda _b: self.clear())
        self.status = widgets.HTML()
        self.image = picture_widget()
        super().__init__([widgets.HBox([self.lr_slider, self.batch_slider, self.epoch_slider]),
                          widgets.HBox([self.clear_button, self.status]), self.image])
        if self.mode == "widget":
            self.run()

    def _as_dataset(self, dataset):
        data = self.lib.utils.data
        tensors = getattr(dataset, "tensors", None) if not isinstance(dataset, (tuple, list)) else dataset
        if tensors is None or len(tensors) != 2:
            raise TypeError("dataset must be an (X, y) pair of tensors or a TensorDataset of two tensors, "
                            f"got {type(dataset).__name__}")
        return data.TensorDataset(*(to_library(t, self.lib) for t in tensors))

    # -- running ----------------------------------------------------------------------------------
    @property
    def current_setting(self):
        """The Setting the sliders show."""
        return setting(self.lr_slider.value, self.batch_slider.value, self.epoch_slider.value)

    def run(self, lr=None, batch_size=None, epochs=None):
        """Train with these settings (the sliders' values where not given), unless cached; return the losses."""
        now = self.current_setting
        key = setting(now.lr if lr is None else lr, now.batch_size if batch_size is None else batch_size,
                      now.epochs if epochs is None else epochs)
        if key not in self.runs:
            self.status.value = esc(f"training {key.label()} ...")
            self.runs[key], diverged_at = self._train(key)
            if diverged_at is not None:
                self.diverged[key] = diverged_at
        self.latest = key
        self._move_sliders(key)
        self.status.value = esc(self.describe(key))
        if self.mode == "text":
            print(self.describe(key), flush=True)
        else:
            self.redraw()
            self.refresh_saved()
        return list(self.runs[key])

    def _train(self, key):
        """One seeded run of SGD: (mean training loss of each epoch, epoch it diverged at or None)."""
        lib, start = self.lib, self.start_loss
        self.trainings += 1
        with random_state_kept():
            lib.manual_seed(self.seed)
            model = self.make_model()
            loader = lib.utils.data.DataLoader(self.dataset, batch_size=key.batch_size, shuffle=True,
                                               generator=lib.Generator().manual_seed(self.seed))
            optimizer = lib.optim.SGD(model.parameters(), lr=key.lr)
            losses = []
            for _ in range(key.epochs):
                total, count = 0.0, 0
                for X, y in loader:
                    loss = self.loss_fn(model(X), y)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    value = loss.item()
                    total, count = total + value * len(y), count + len(y)
                    if not math.isfinite(value):
                        break
                losses.append(total / count)
                if not math.isfinite(losses[-1]) or losses[-1] > EXPLODED * max(start, 1e-8):
                    return losses, len(losses)
            return losses, None

    @property
    def start_loss(self):
        """The loss of the untrained model (seeded as every run is) on the whole data set."""
        if self._start_loss is None:
            with random_state_kept(), self.lib.no_grad():
                self.lib.manual_seed(self.seed)
                model = self.make_model()
                X, y = self.dataset.tensors
                self._start_loss = self.loss_fn(model(X), y).item()
        return self._start_loss

    def _on_slider(self, _change):
        if not self._syncing:
            self.run()

    def _move_sliders(self, key):
        """Show ``key`` on the sliders without starting another run."""
        self._syncing = True
        try:
            if key.lr != self.current_setting.lr:
                exponent = math.log10(key.lr)
                self.lr_slider.min, self.lr_slider.max = (min(self.lr_slider.min, math.floor(exponent)),
                                                          max(self.lr_slider.max, math.ceil(exponent)))
                self.lr_slider.value = key.lr
            if key.batch_size not in self.batch_slider.options:
                self.batch_slider.options = sorted({*self.batch_slider.options, key.batch_size})
            self.batch_slider.value = key.batch_size
            self.epoch_slider.max = max(self.epoch_slider.max, key.epochs)
            self.epoch_slider.value = key.epochs
        finally:
            self._syncing = False

    def clear(self):
        """Forget every run but the latest (which stays on the picture)."""
        keep = {self.latest: self.runs[self.latest]} if self.latest in self.runs else {}
        self.runs = keep
        self.diverged = {k: v for k, v in self.diverged.items() if k in keep}
        if self.mode == "widget":
            self.redraw()
            self.refresh_saved()
        return self

    # -- telling --------------------------------------------------------------------------------
    def describe(self, key):
        """One sentence on a run: its loss from start to end, or that it diverged or crawled."""
        losses, start = self.runs[key], self.start_loss
        if key in self.diverged:
            value = losses[-1]
            what = f"the loss became {value}" if not math.isfinite(value) else f"the loss reached {value:.4g}"
            return (f"{key.label()}: diverged at epoch {self.diverged[key]}, {what} (it started at {start:.3f}). "
                    "Try a smaller learning rate.")
        end = losses[-1]
        if end >= start:
            return (f"{key.label()}: the loss did not fall ({start:.3f} to {end:.3f}). "
                    "Try a smaller learning rate.")
        if end > CRAWLED * start:
            return (f"{key.label()}: crawls, the loss fell only {100 * (1 - end / start):.0f}% "
                    f"({start:.3f} to {end:.3f}). Try a larger learning rate or more epochs.")
        return f"{key.label()}: the loss fell from {start:.3f} to {end:.3f}."

    def redraw(self):
        """Draw the latest runs' curves and put the PNG into the image widget."""
        keys = list(self.runs)[-SHOWN_RUNS:]
        if self.latest in self.runs and self.latest not in keys:
            keys = keys[1:] + [self.latest]
        order = {k: i for i, k in enumerate(self.runs)}
        runs = [(k.label(), self.runs[k], k in self.diverged, k == self.latest, order[k]) for k in keys]
        title = textwrap.shorten(self.describe(self.latest), 110) if self.latest in self.runs else ""
        self.png = self.plot.draw(runs, self.start_loss, title)
        self.image.value = self.png
        return self

    def __repr__(self):
        lines = [f"HyperparameterExplorer: {len(self.runs)} run{'s' if len(self.runs) != 1 else ''}"
                 + (f" (latest: {self.latest.label()})" if self.latest in self.runs else "")]
        for key, losses in self.runs.items():
            end = (f"diverged at epoch {self.diverged[key]}" if key in self.diverged
                   else f"final loss {losses[-1]:.4f}")
            lines.append(f"  {key.label()}: {end}")
        return "\n".join(lines)

    def __del__(self):
        # ipywidgets closes a widget when it is collected: do only that
        widgets.VBox.close(self)
