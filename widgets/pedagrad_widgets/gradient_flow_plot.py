"""FlowPlot: one line per parameter, its gradient norm against the training step, on a log axis."""
import numpy as np
from matplotlib import colormaps

from .plot_canvas import Blitter, new_figure, set_margins
from .plot_limits import data_range, fit_range

WIDTH, HEIGHT, DPI = 6.8, 3.4, 90
# fixed margins in inches; the legend sits right of the axes, first layer on top
LEFT, RIGHT, BOTTOM, TOP = 0.8, 1.8, 0.55, 0.2
GROW = 0.5  # when the steps outgrow the x axis, it grows by this share


def layer_colors(n):
    """n colours from dark purple (the first layer) to yellow-green (the last), so depth reads as colour."""
    return colormaps["viridis"](np.linspace(0.0, 0.85, max(n, 1)))[:n]


class FlowPlot:
    """Gradient norms of named parameters per step; the axes are redrawn only when the data outgrows them."""

    def __init__(self):
        self.figure = new_figure(WIDTH, HEIGHT, DPI)
        set_margins(self.figure, LEFT, RIGHT, BOTTOM, TOP)
        self.ax = self.figure.add_subplot(1, 1, 1)
        self.ax.set_yscale("log")
        self.ax.set_xlabel("step")
        self.ax.set_ylabel("gradient norm  ||grad||")
        self.ax.grid(True, which="major", alpha=0.3)
        self.lines = {}  # parameter name -> Line2D
        self.view = None  # (x range, y range) the axes were drawn with
        self.blitter = Blitter(self.figure)
        self.draws = 0

    def _layout(self, names):
        if list(self.lines) == names:
            return
        for line in self.lines.values():
            line.remove()
        colors = layer_colors(len(names))
        self.lines = {name: self.ax.plot([], [], color=c, linewidth=1.6, label=name, animated=True)[0]
                      for name, c in zip(names, colors)}
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False,
                       title="input side first", title_fontsize="small")
        self.view = None

    def draw(self, steps, norms, tight=False):
        """PNG bytes of ``norms`` ({name: [norm per step, None where it had no grad]}) against ``steps``.

        While steps keep coming the x axis leaves room to grow; ``tight`` (a final picture) ends it at the last step.
        """
        self._layout(list(norms))
        for name, values in norms.items():
            xs = [s for s, v in zip(steps, values) if v is not None and v > 0]
            ys = [v for v in values if v is not None and v > 0]
            self.lines[name].set_data(xs, ys)
        self.draws += 1
        return self.blitter.png(self.lines.values(), self._fit(steps, norms, tight))

    def _fit(self, steps, norms, tight):
        """Set the axis ranges for the data; True if they changed."""
        ys = data_range([v for values in norms.values() for v in values], log=True)
        if not steps or ys is None:
            return False
        old_x, old_y = self.view or (None, None)
        first, last = steps[0], steps[-1]
        if tight:
            x = (first - 0.5, last + 0.5)
        elif old_x and last <= old_x[1]:
            x = old_x
        else:
            x = (first - 0.5, last + 0.5 + GROW * (last - first + 1))
        y = fit_range(*ys, old_y, log=True)
        if (x, y) == (old_x, old_y):
            return False
        self.ax.set_xlim(*x)
        self.ax.set_ylim(*y)
        self.view = (x, y)
        return True
