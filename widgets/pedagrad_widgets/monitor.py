"""TrainingMonitor: live loss and metric curves, a table and progress bars, fed from a plain training loop."""
import math
import time

import ipywidgets as widgets
from tqdm import tqdm

from .monitor_plot import CurvePlot, panel_of
from .namespace import ipython
from .svg_parts import esc

BATCH_INTERVAL = 0.1  # seconds between two redraws of the batch bar
DRAW_SHARE = 0.05  # the most of the loop's time that drawing the curves may take
FIRST_DRAW_COST = 0.1  # seconds a frame is assumed to take before one has been timed
HIGHER_IS_BETTER = ("acc", "accuracy")  # panels whose best value is the largest


def in_widget_frontend():
    """True inside a Jupyter kernel (a ZMQ shell), where widgets can show; False in plain Python or a terminal."""
    shell = ipython()
    if shell is None:
        return False
    try:
        from ipykernel.zmqshell import ZMQInteractiveShell
    except ImportError:
        return False
    return isinstance(shell, ZMQInteractiveShell)


def as_number(name, value):
    """A float from a Python number, a numpy scalar or a one-element tensor (``loss.item()`` not needed)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"TrainingMonitor.update: {name} must be a number, got {type(value).__name__} "
                        f"{value!r}. Pass e.g. {name}=loss.item().") from None


class TrainingMonitor(widgets.VBox):
    """Plot training curves while a loop runs: ``update(epoch, train_loss=..., val_loss=..., acc=...)``.

    ``monitor = TrainingMonitor(epochs=20)``, then once per epoch
    ``monitor.update(epoch, train_loss=..., val_loss=..., acc=..., val_acc=...)`` and, if you like,
    once per batch ``monitor.batch(i, n_batches)``. Losses share one panel (log scale on request);
    every other metric gets a panel shared with its ``val_`` twin.

    The picture is one ``Image`` widget whose PNG is replaced, at most every ``min_interval``
    seconds (longer if drawing is slow, so drawing stays under a tenth of the loop's time), and
    always after the last epoch. Then the final picture is also left in the notebook's saved output,
    with a stable text form for nbval. Outside Jupyter (plain Python, a terminal) it prints one
    line per epoch instead (``mode="text"``).
    """

    def __init__(self, epochs, *, log_scale=False, min_interval=0.2, mode="auto"):
        if not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"TrainingMonitor(epochs=...) needs a positive whole number of epochs, got {epochs!r}")
        if mode not in ("auto", "widget", "text"):
            raise ValueError(f"mode must be 'auto', 'widget' or 'text', got {mode!r}")
        self.epochs = epochs
        self.mode = ("widget" if in_widget_frontend() else "text") if mode == "auto" else mode
        self.min_interval = min_interval
        self.epoch_values = []  # the epoch number given to each update()
        self.history = {}  # series name -> [value, or None for epochs it was not given]
        self.png = b""
        self.plot = CurvePlot()
        self.plot.log = bool(log_scale)
        self._start = None
        self._last_draw = None  # when the last drawing ended (or training began)
        self._draw_cost = FIRST_DRAW_COST
        self._last_batch = -math.inf
        self._handle = None
        self._finished = False

        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.log_box = widgets.Checkbox(value=bool(log_scale), description="log scale (loss)", indent=False,
                                        layout=widgets.Layout(width="auto"))
        self.log_box.observe(self._on_log, "value")
        self.table = widgets.HTML()
        self.epoch_bar = widgets.IntProgress(value=0, min=0, max=epochs, description="epochs",
                                             layout=widgets.Layout(width="40%"))
        self.epoch_label = widgets.HTML(self._meter_text(0))
        self.batch_bar = widgets.IntProgress(value=0, min=0, max=1, description="batches",
                                             layout=widgets.Layout(width="40%"))
        self.batch_label = widgets.HTML()
        super().__init__([widgets.HBox([self.epoch_bar, self.epoch_label]),
                          widgets.HBox([self.batch_bar, self.batch_label]),
                          self.image, widgets.HBox([self.log_box, self.table])])

    # -- feeding it -------------------------------------------------------------------------------
    @property
    def done(self):
        """Epochs recorded so far (the number of ``update`` calls)."""
        return len(self.epoch_values)

    def update(self, epoch, **values):
        """Record one epoch's numbers (``train_loss=0.31, val_loss=0.35, acc=0.9, ...``) and redraw if due."""
        if not values:
            raise TypeError("TrainingMonitor.update needs at least one value, e.g. update(epoch, train_loss=0.3)")
        numbers = {name: as_number(name, v) for name, v in values.items()}
        self._begin()
        for name in numbers:
            self.history.setdefault(name, [None] * self.done)
        self.epoch_values.append(epoch)
        for name, series in self.history.items():
            series.append(numbers.get(name))
        last = self.done >= self.epochs
        if self.mode == "text":
            print(self._text_line(epoch), flush=True)
            if last:
                self.finish()
            return self
        self._show()
        self.epoch_bar.value = min(self.done, self.epochs)
        self.epoch_label.value = self._meter_text(self.done)
        self.table.value = self.table_html()
        if last:
            self.finish()
        elif self._draw_due():
            self.redraw()
        return self

    def batch(self, i, n_batches):
        """Move the batch bar: batch ``i`` (counted from 0) of ``n_batches`` in this epoch is done."""
        if self.mode == "text":
            return self
        self._begin()
        now = time.perf_counter()
        if i + 1 < n_batches and now - self._last_batch < BATCH_INTERVAL:
            return self
        self._last_batch = now
        self._show()
        self.batch_bar.max = max(int(n_batches), 1)
        self.batch_bar.value = min(i + 1, self.batch_bar.max)
        self.batch_label.value = f"{i + 1}/{n_batches}"
        self.epoch_label.value = self._meter_text(self.done + (i + 1) / n_batches)
        return self

    def _begin(self):
        if self._start is None:
            self._start = self._last_draw = time.perf_counter()

    def _draw_due(self):
        """Throttle: wait ``min_interval``, and long enough that drawing takes at most DRAW_SHARE of the time."""
        wait = max(self.min_interval, self._draw_cost * (1 - DRAW_SHARE) / DRAW_SHARE)
        return time.perf_counter() - self._last_draw >= wait

    def _meter_text(self, n):
        """``3.5/20 epochs [00:02<00:09, 1.52 epochs/s]``: elapsed and remaining time, by tqdm."""
        elapsed = 0.0 if self._start is None else time.perf_counter() - self._start
        return esc(tqdm.format_meter(n, self.epochs, elapsed, unit=" epochs",
                                     bar_format="{n:.4g}/{total_fmt}{unit} [{elapsed}<{remaining}, {rate_fmt}]"))

    # -- drawing ----------------------------------------------------------------------------------
    def redraw(self):
        """Draw the curves now and put the PNG into the image widget."""
        t0 = time.perf_counter()
        self.png = self.plot.draw(self.epoch_values, self.history)
        self.image.value = self.png
        self._last_draw = time.perf_counter()
        self._draw_cost = self._last_draw - t0
        return self

    @property
    def draws(self):
        """How many times the picture was drawn."""
        return self.plot.draws

    @property
    def log_scale(self):
        """Whether the loss panel has a log y axis (the checkbox)."""
        return self.log_box.value

    @log_scale.setter
    def log_scale(self, value):
        self.log_box.value = bool(value)

    def _on_log(self, change):
        self.plot.log = bool(change["new"])
        if self.done:
            self.redraw()
            if self._finished:
                self._refresh_saved()

    def finish(self):
        """Draw the final curves and leave them (PNG and a text summary) in the notebook's output."""
        if self.mode == "text":
            if not self._finished:
                print(repr(self), flush=True)
            self._finished = True
            return self
        self._finished = True
        if self.done:
            self.redraw()
            self._refresh_saved()
        return self

    def close(self):
        """Finish, and replace the live widget with the static final picture."""
        self.finish()
        if self.mode == "widget":
            super().close()  # the view goes; _refresh_saved then sends the picture alone
            self._refresh_saved()

    def __del__(self):
        # ipywidgets closes a widget when it is collected: do only that, neither draw nor print
        widgets.VBox.close(self)

    # -- the summary ------------------------------------------------------------------------------
    def best(self, name):
        """(best value, its epoch) of a series: the minimum, or the maximum for accuracies; None if empty."""
        points = [(v, e) for e, v in zip(self.epoch_values, self.history[name]) if v is not None and v == v]
        if not points:
            return None
        pick = max if panel_of(name) in HIGHER_IS_BETTER else min
        return pick(points, key=lambda p: p[0])

    def _current(self, name):
        return next((v for v in reversed(self.history[name]) if v is not None), None)

    def table_html(self):
        """The current and best value of every series, as a small HTML table."""
        rows = []
        for name in self.history:
            best = self.best(name)
            kind = "max" if panel_of(name) in HIGHER_IS_BETTER else "min"
            best_text = f"{kind} {best[0]:.4f} @ {best[1]}" if best else ""
            rows.append(f"<tr><td>{esc(name)}</td><td style='text-align:right'>{_fmt(self._current(name))}</td>"
                        f"<td style='padding-left:1em'>{best_text}</td></tr>")
        head = "<tr><th style='text-align:left'>series</th><th>current</th><th>best</th></tr>"
        return f"<table class='pgw-monitor-table'>{head}{''.join(rows)}</table>"

    def _text_line(self, epoch):
        width = len(str(self.epochs))
        parts = [f"{name} {_fmt(self.history[name][-1])}" for name in self.history
                 if self.history[name][-1] is not None]
        return f"epoch {epoch:>{width}}/{self.epochs}  " + "  ".join(parts)

    def __repr__(self):
        parts = []
        for name in self.history:
            best = self.best(name)
            kind = "max" if panel_of(name) in HIGHER_IS_BETTER else "min"
            tail = f" ({kind} {best[0]:.4f} @ {best[1]})" if best else ""
            parts.append(f"{name} {_fmt(self._current(name))}{tail}")
        return f"TrainingMonitor: {self.done}/{self.epochs} epochs" + (", " if parts else "") + ", ".join(parts)

    # -- how it shows -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        data = {} if self._closed() else dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        if self.png:
            data["image/png"] = self.png
        return data

    def _closed(self):
        return getattr(self, "comm", None) is None

    def _ipython_display_(self):
        """Display through a handle, so that the final picture can replace the first in the saved notebook."""
        from IPython.display import display

        if self.mode == "text":
            print(repr(self))
            return
        self._handle = display(self._repr_mimebundle_(), raw=True, display_id=True)

    def _show(self):
        """Inside a loop, show the monitor at its first update if no cell has displayed it yet."""
        if self._handle is None and in_widget_frontend():
            self._ipython_display_()

    def _refresh_saved(self):
        if self._handle is not None:
            self._handle.update(self._repr_mimebundle_(), raw=True)


def _fmt(value):
    return "-" if value is None else f"{value:.4f}"
