"""CurvePlot: one matplotlib Figure, made once; a new frame draws only the curves over the cached axes."""
from matplotlib.ticker import MaxNLocator

from .plot_canvas import Blitter, new_figure, set_margins
from .plot_limits import data_range, fit_range

TRAIN_COLOR = "#1f77b4"  # blue: what the model trains on
VAL_COLOR = "#d62728"  # red: held-out data
PANEL_WIDTH, PANEL_HEIGHT, DPI = 4.6, 3.4, 90
# fixed margins in inches, the legend above the axes: a layout engine would double the cost of every frame
LEFT, RIGHT, BOTTOM, TOP, GAP = 0.75, 0.15, 0.55, 0.4, 0.8


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

    Drawing axes, ticks and labels is most of a frame's cost, so they are drawn only when they
    change (a new series, a log switch, or data outgrowing the axis ranges, which leave headroom);
    otherwise the frame is the cached background with the curves drawn over it (blitting).
    """

    def __init__(self, log_panels=("loss",)):
        self.figure = new_figure(PANEL_WIDTH, PANEL_HEIGHT, DPI)
        self.log_panels = set(log_panels)
        self.log = False
        self.axes = {}  # panel name -> Axes
        self.lines = {}  # series name -> Line2D
        self.views = {}  # panel name -> (x range, y range, y scale) the axes were drawn with
        self.draws = 0  # frames made
        self.blitter = Blitter(self.figure)

    def prepare(self, names):
        """Build the panels for these series, if not built yet (a one-off cost, not a frame's)."""
        if names:
            self._layout(list(names))

    def _layout(self, names):
        """(Re)build the panels when a series with a new panel appears; otherwise keep them."""
        panels = list(dict.fromkeys(panel_of(n) for n in names))
        if list(self.axes) == panels and set(self.lines) == set(names):
            return
        self.figure.clear()
        width = PANEL_WIDTH * len(panels)
        self.figure.set_size_inches(width, PANEL_HEIGHT)
        set_margins(self.figure, LEFT, RIGHT, BOTTOM, TOP, wspace=GAP / (PANEL_WIDTH - (LEFT + RIGHT) / 2))
        self.axes, self.lines, self.views = {}, {}, {}
        self.blitter.background = None
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
            (self.lines[name],) = ax.plot([], [], label=name, linewidth=2, marker="o", markersize=3,
                                          animated=True, **style)
        for ax in self.axes.values():
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncol=2, frameon=False, fontsize="small",
                      borderaxespad=0.1, handlelength=2.5)

    def draw(self, epochs, history, x_end=None):
        """Draw ``history`` ({series: [value per epoch or None]}) against ``epochs`` and return PNG bytes.

        ``x_end``, the last epoch expected, fixes the x axis from the start, so it need not grow.
        """
        names = list(history)
        if names:
            self._layout(names)
        for name, values in history.items():
            xs = [e for e, v in zip(epochs, values) if v is not None]
            ys = [v for v in values if v is not None]
            self.lines[name].set_data(xs, ys)
            self.lines[name].set_markersize(3 if len(xs) <= 40 else 0)
        axes_changed = self._fit_views(x_end)
        self.draws += 1
        return self.blitter.png(self.lines.values(), axes_changed)

    @property
    def full_draws(self):
        """Frames that redrew the axes too."""
        return self.blitter.full_draws

    def _fit_views(self, x_end):
        """Set each panel's ranges and scale for its data; True if any changed (the axes must be redrawn)."""
        changed = False
        for panel, ax in self.axes.items():
            log = self.log and panel in self.log_panels
            lines = [line for name, line in self.lines.items() if panel_of(name) == panel]
            xs = [x for line in lines for x in line.get_xdata()]
            ys = data_range([y for line in lines for y in line.get_ydata()], log)
            old_x, old_y, old_scale = self.views.get(panel, (None, None, None))
            if not xs or ys is None:
                continue
            first, last = min(xs), max(xs)
            if x_end is not None and x_end > first:
                last = max(last, x_end)
            x = old_x if old_x and old_x[0] <= first - 0.5 and max(xs) <= old_x[1] else self._x_range(first, last, xs)
            y = fit_range(*ys, old_y if old_scale == log else None, log=log)
            if (x, y, log) != (old_x, old_y, old_scale):
                ax.set_yscale("log" if log else "linear")
                ax.set_xlim(*x)
                ax.set_ylim(*y)
                self.views[panel] = (x, y, log)
                changed = True
        return changed

    @staticmethod
    def _x_range(first, last, xs):
        """From half an epoch before the first to just past the last, with room to grow if no end was given."""
        grow = 0.0 if last > max(xs) else 0.3 * (last - first)
        return first - 0.5, last + 0.5 + grow

    def y_scale(self, panel="loss"):
        return self.axes[panel].get_yscale() if panel in self.axes else None
