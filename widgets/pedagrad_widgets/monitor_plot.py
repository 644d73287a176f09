"""CurvePlot: one matplotlib Figure, made once, redrawn into PNG bytes for every new frame."""
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

TRAIN_COLOR = "#1f77b4"  # blue: what the model trains on
VAL_COLOR = "#d62728"  # red: held-out data
PANEL_WIDTH, PANEL_HEIGHT, DPI = 4.6, 3.4, 100
# fixed margins in inches: a layout engine would double the cost of every frame
LEFT, RIGHT, BOTTOM, TOP, GAP = 0.75, 0.15, 0.55, 0.15, 0.8


def panel_of(name):
    """The panel a series is drawn on: ``train_loss``, ``val_loss`` and ``loss`` share ``loss``."""
    for prefix in ("val_", "train_"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def is_validation(name):
    return name.startswith("val_")


class CurvePlot:
    """Curves of named series against epochs, one panel per metric (a series with its ``val_`` twin).

    The Figure is a ``matplotlib.figure.Figure`` with its own Agg canvas, never registered with
    pyplot, so redrawing it a thousand times leaves no figures behind.
    """

    def __init__(self, log_panels=("loss",)):
        self.figure = Figure(figsize=(PANEL_WIDTH, PANEL_HEIGHT), dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.log_panels = set(log_panels)
        self.log = False
        self.axes = {}  # panel name -> Axes
        self.lines = {}  # series name -> Line2D
        self.draws = 0

    def _layout(self, names):
        """(Re)build the panels when a series with a new panel appears; otherwise keep them."""
        panels = list(dict.fromkeys(panel_of(n) for n in names))
        if list(self.axes) == panels and set(self.lines) == set(names):
            return
        self.figure.clear()
        width = PANEL_WIDTH * len(panels)
        self.figure.set_size_inches(width, PANEL_HEIGHT)
        self.figure.subplots_adjust(left=LEFT / width, right=1 - RIGHT / width, bottom=BOTTOM / PANEL_HEIGHT,
                                    top=1 - TOP / PANEL_HEIGHT, wspace=GAP / (PANEL_WIDTH - (LEFT + RIGHT) / 2))
        self.axes, self.lines = {}, {}
        for i, panel in enumerate(panels):
            ax = self.figure.add_subplot(1, len(panels), i + 1)
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(panel)
            ax.grid(True, alpha=0.3)
            self.axes[panel] = ax
        for name in names:
            ax = self.axes[panel_of(name)]
            style = dict(color=VAL_COLOR, linestyle="--") if is_validation(name) else dict(color=TRAIN_COLOR)
            (self.lines[name],) = ax.plot([], [], label=name, linewidth=2, marker="o", markersize=3, **style)
        for panel, ax in self.axes.items():
            # a fixed corner: "best" would search the data at every frame. Losses fall, scores rise.
            ax.legend(loc="upper right" if "loss" in panel else "lower right", fontsize="small")

    def draw(self, epochs, history):
        """Draw ``history`` ({series: [value per epoch or None]}) against ``epochs`` and return PNG bytes."""
        names = list(history)
        if names:
            self._layout(names)
        for name, values in history.items():
            xs = [e for e, v in zip(epochs, values) if v is not None]
            ys = [v for v in values if v is not None]
            self.lines[name].set_data(xs, ys)
            self.lines[name].set_markersize(3 if len(xs) <= 40 else 0)
        for panel, ax in self.axes.items():
            ax.set_yscale("log" if self.log and panel in self.log_panels else "linear")
            ax.relim()
            ax.autoscale_view()
        return self.png()

    def png(self):
        """The figure as PNG bytes (no Software stamp, so equal curves give equal bytes)."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", metadata={"Software": None})
        self.draws += 1
        return buf.getvalue()

    def y_scale(self, panel="loss"):
        return self.axes[panel].get_yscale() if panel in self.axes else None
