"""TrainingMonitor: live loss and metric curves, a table and progress bars, fed from a plain training loop."""
import math
import time

import ipywidgets as widgets
from tqdm import tqdm

from .monitor_plot import CurvePlot, panel_of
from .plot_display import LivePicture, picture_widget, in_widget_frontend, resolve_mode
from .plot_throttle import Throttle
from .svg_parts import esc

TEXT_INTERVAL = 0.1  # seconds between two updates of the bars, their labels and the table
DRAW_SHARE = 0.05  # the most of the loop's time that drawing the curves may take
FIRST_DRAW_COST = 0.05  # seconds a frame is assumed to take before one has been timed
HIGHER_IS_BETTER = ("acc", "accuracy")  # panels whose best value is the largest

__all__ = ["TrainingMonitor", "in_widget_frontend"]


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


class TrainingMonitor(LivePicture, widgets.VBox):
    """Plot training curves while a loop runs: ``update(epoch, train_loss=..., val_loss=..., acc=...)``.

    ``monitor = TrainingMonitor(epochs=20)``, then once per epoch
    ``monitor.update(epoch, train_loss=..., val_loss=..., acc=..., val_acc=...)`` and, if you like,
    once per batch ``monitor.batch(i, n_batches)``. Losses share one panel (log scale on request);
    every other metric gets a panel shared with its ``val_`` twin.

    The picture is one ``Image`` widget whose PNG is replaced, at most every ``min_interval``
    seconds (longer if drawing is slow, so drawing stays under a twentieth of the loop's time), and
    always after the last epoch; bars, labels and table follow at most every tenth of a second.
    Then the final picture is also left in the notebook's saved output, with a stable text form
    for nbval. Outside Jupyter (plain Python, a terminal) it prints one
    line per epoch instead (``mode="text"``).
    """

    def __init__(self, epochs, *, log_scale=False, min_interval=0.2, mode="auto"):
        if not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"TrainingMonitor(epochs=...) needs a positive whole number of epochs, got {epochs!r}")
        self.mode = resolve_mode(mode)
        self.epochs = epochs
        self.epoch_values = []  # the epoch number given to each update()
        self.history = {}  # series name -> [value, or None for epochs it was not given]
        self._best = {}  # series name -> (best value, its epoch)
        self.png = b""
        self.plot = CurvePlot()
        self.plot.log = bool(log_scale)
        self.throttle = Throttle(min_interval, DRAW_SHARE, FIRST_DRAW_COST)
        self._start = None
        self._last_text = -math.inf  # when the epoch bar and the table were last updated
        self._last_batch = -math.inf  # when the batch bar was
        self._finished = False

        self.image = picture_widget()
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
        self._note_best(epoch, numbers)
        last = self.done >= self.epochs
        if self.mode == "text":
            print(self._text_line(epoch), flush=True)
            if last:
                self.finish()
            return self
        self.show()
        if last:
            self.finish()
            return self
        if self._text_due():
            self._update_text()
        if self.throttle.due():
            self.redraw()
        return self

    def _note_best(self, epoch, numbers):
        for name, value in numbers.items():
            if value is None or value != value:
                continue
            best = self._best.get(name)
            higher = panel_of(name) in HIGHER_IS_BETTER
            if best is None or (value > best[0] if higher else value < best[0]):
                self._best[name] = (value, epoch)

    def _text_due(self):
        now = time.perf_counter()
        if now - self._last_text < TEXT_INTERVAL:
            return False
        self._last_text = now
        return True

    def _update_text(self):
        """Bring the epoch bar, its label and the table up to date."""
        self.epoch_bar.value = min(self.done, self.epochs)
        self.epoch_label.value = self._meter_text(self.done)
        self.table.value = self.table_html()

    def batch(self, i, n_batches):
        """Move the batch bar: batch ``i`` (counted from 0) of ``n_batches`` in this epoch is done."""
        if self.mode == "text":
            return self
        self._begin()
        now = time.perf_counter()
        if i + 1 < n_batches and now - self._last_batch < TEXT_INTERVAL:
            return self
        self._last_batch = now
        self.show()
        self.batch_bar.max = max(int(n_batches), 1)
        self.batch_bar.value = min(i + 1, self.batch_bar.max)
        self.batch_label.value = f"{i + 1}/{n_batches}"
        self.epoch_label.value = self._meter_text(self.done + (i + 1) / n_batches)
        return self

    def _begin(self):
        if self._start is None:
            self._start = time.perf_counter()
            self.throttle.start()

    def _meter_text(self, n):
        """``3.5/20 epochs [00:02<00:09, 1.52 epochs/s]``: elapsed and remaining time, by tqdm."""
        elapsed = 0.0 if self._start is None else time.perf_counter() - self._start
        return esc(tqdm.format_meter(n, self.epochs, elapsed, unit=" epochs",
                                     bar_format="{n:.4g}/{total_fmt}{unit} [{elapsed}<{remaining}, {rate_fmt}]"))

    # -- drawing ----------------------------------------------------------------------------------
    def redraw(self):
        """Draw the curves now and put the PNG into the image widget."""
        x_end = self.epoch_values[0] + self.epochs - 1 if self.epoch_values else None
        self.plot.prepare(self.history)
        self.png = self.throttle.frame(lambda: self.plot.draw(self.epoch_values, self.history, x_end))
        self.image.value = self.png
        return self

    @property
    def min_interval(self):
        """The least time, in seconds, between two frames."""
        return self.throttle.min_interval

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
                self.refresh_saved()

    def finish(self):
        """Draw the final curves and leave them (PNG and a text summary) in the notebook's output."""
        if self.mode == "text":
            if not self._finished:
                print(repr(self), flush=True)
            self._finished = True
            return self
        self._finished = True
        if self.done:
            self._update_text()
            self.redraw()
            self.refresh_saved()
        return self

    def close(self):
        """Finish, and replace the live widget with the static final picture."""
        self.finish()
        self.stop_watching()
        if self.mode == "widget":
            super().close()  # the view goes; the output is then re-sent with the picture alone
            self.refresh_saved(force=True)

    def __del__(self):
        # ipywidgets closes a widget when it is collected: do only that, neither draw nor print
        widgets.VBox.close(self)

    # -- the summary ------------------------------------------------------------------------------
    def best(self, name):
        """(best value, its epoch) of a series: the minimum, or the maximum for accuracies; None if empty."""
        return self._best.get(name)

    def _current(self, name):
        return next((v for v in reversed(self.history[name]) if v is not None), None)

    def _best_text(self, name):
        """``min 0.1234 @ 18`` (``max`` for accuracies), or "" before the first value."""
        best = self.best(name)
        kind = "max" if panel_of(name) in HIGHER_IS_BETTER else "min"
        return f"{kind} {best[0]:.4f} @ {best[1]}" if best else ""

    def table_html(self):
        """The current and best value of every series, as a small HTML table."""
        rows = [f"<tr><td>{esc(name)}</td><td style='text-align:right'>{_fmt(self._current(name))}</td>"
                f"<td style='padding-left:1em'>{self._best_text(name)}</td></tr>" for name in self.history]
        head = "<tr><th style='text-align:left'>series</th><th>current</th><th>best</th></tr>"
        return f"<table class='pgw-monitor-table'>{head}{''.join(rows)}</table>"

    def _text_line(self, epoch):
        width = len(str(self.epochs))
        parts = [f"{name} {_fmt(self.history[name][-1])}" for name in self.history
                 if self.history[name][-1] is not None]
        return f"epoch {epoch:>{width}}/{self.epochs}  " + "  ".join(parts)

    def __repr__(self):
        parts = [f"{name} {_fmt(self._current(name))}" + (f" ({self._best_text(name)})" if self.best(name) else "")
                 for name in self.history]
        return f"TrainingMonitor: {self.done}/{self.epochs} epochs" + (", " if parts else "") + ", ".join(parts)


def _fmt(value):
    return "-" if value is None else f"{value:.4f}"
