"""OverlayPlot: the loss curves of several training runs in one picture, the latest drawn boldest."""
import math

from matplotlib import colormaps
from matplotlib.ticker import MaxNLocator

from .plot_canvas import Blitter, new_figure, set_margins

WIDTH, HEIGHT, DPI = 7.8, 3.6, 90
# fixed margins in inches; the legend sits right of the axes
LEFT, RIGHT, BOTTOM, TOP = 0.7, 2.6, 0.55, 0.45
COLORS = colormaps["tab10"].colors
DIVERGED_MARK = dict(marker="X", markersize=11, markeredgecolor="black", markeredgewidth=0.8, linestyle="none")
START_COLOR = "#7f7f7f"


class OverlayPlot:
    """Loss against epoch for every run; runs that diverged end in a cross at the top edge.

    The y axis runs from 0 to a little above the largest loss of the runs that did not diverge
    (and above the loss before training, drawn as a grey dotted line), so that one exploding run
    does not flatten all the others.
    """

    def __init__(self):
        self.figure = new_figure(WIDTH, HEIGHT, DPI)
        set_margins(self.figure, LEFT, RIGHT, BOTTOM, TOP)
        self.ax = self.figure.add_subplot(1, 1, 1)
        self.ax.set_xlabel("epoch")
        self.ax.set_ylabel("training loss (mean over the epoch)")
        self.ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.ax.grid(True, alpha=0.3)
        self.start_line = self.ax.axhline(0, color=START_COLOR, linestyle=":", linewidth=1.2,
                                          label="loss before training")
        self.title = self.ax.set_title("", fontsize="small", loc="left", pad=10)
        self.title.set_animated(True)
        self.artists = []  # what the last frame added, removed before the next
        self.view = None  # (x range, y range, loss before training) the axes were drawn with
        self.blitter = Blitter(self.figure)
        self.draws = 0

    def draw(self, runs, start_loss, title=""):
        """PNG bytes of the runs: ``[(label, losses, diverged, latest, colour index)]``, losses per epoch from 1."""
        ax = self.ax
        for artist in self.artists:
            artist.remove()
        calm = [v for _, losses, diverged, _, _ in runs if not diverged for v in losses if math.isfinite(v)]
        longest = max((len(losses) for _, losses, _, _, _ in runs), default=1)
        view = ((0.5, max(longest, 2) + 0.5), (0.0, 1.15 * max([start_loss, *calm])), start_loss)
        axes_changed = view != self.view
        if axes_changed:
            ax.set_xlim(*view[0])
            ax.set_ylim(*view[1])
            self.start_line.set_ydata([start_loss, start_loss])
            self.view = view
        top = view[1][1]
        lines, marks, latest_line = [], [], []  # lines in the runs' order; the latest one apart
        for label, losses, diverged, latest, colour in runs:
            color = COLORS[colour % len(COLORS)]
            xs = list(range(1, len(losses) + 1))
            ys = [min(v, top) if math.isfinite(v) else top for v in losses]
            (line,) = ax.plot(xs, ys, color=color, linewidth=2.8 if latest else 1.5, animated=True,
                              marker="o" if len(xs) <= 30 else None, markersize=3.5 if latest else 2.5,
                              label=label + (" - diverged" if diverged else ""))
            lines.append(line)
            if latest:
                latest_line.append(line)
            if diverged:
                marks += ax.plot(xs[-1:], ys[-1:], color=color, clip_on=False, animated=True, **DIVERGED_MARK)
                marks.append(ax.annotate("diverged", (xs[-1], ys[-1]), xytext=(8, -4), textcoords="offset points",
                                         ha="left", va="top", fontsize="small", color=color, fontweight="bold",
                                         animated=True))
        if runs:
            legend = ax.legend(handles=[self.start_line, *lines], loc="upper left", bbox_to_anchor=(1.02, 1.0),
                               fontsize="small", frameon=False)
        else:
            legend = ax.text(0.5, 0.5, "no runs yet: move a slider", transform=ax.transAxes, ha="center",
                             va="center", color=START_COLOR)
        legend.set_animated(True)
        self.title.set_text(title)
        self.artists = lines + marks + ([legend] if not runs else [])
        self.draws += 1
        on_top = [line for line in lines if line not in latest_line] + latest_line
        return self.blitter.png([*on_top, *marks, legend, self.title], axes_changed)
