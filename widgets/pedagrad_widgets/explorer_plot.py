"""OverlayPlot: the loss curves of several training runs in one picture, the latest drawn boldest."""
import math

from matplotlib import colormaps
from matplotlib.ticker import MaxNLocator

from .plot_canvas import figure_png, new_figure

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
        self.figure.subplots_adjust(left=LEFT / WIDTH, right=1 - RIGHT / WIDTH, bottom=BOTTOM / HEIGHT,
                                    top=1 - TOP / HEIGHT)
        self.ax = self.figure.add_subplot(1, 1, 1)
        self.ax.set_xlabel("epoch")
        self.ax.set_ylabel("training loss (mean over the epoch)")
        self.ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.ax.grid(True, alpha=0.3)
        self.draws = 0

    def draw(self, runs, start_loss, title=""):
        """PNG bytes of the runs: ``[(label, losses, diverged, latest, colour index)]``, losses per epoch from 1."""
        ax = self.ax
        for artist in [*ax.lines, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        calm = [v for _, losses, diverged, _, _ in runs if not diverged for v in losses if math.isfinite(v)]
        top = 1.15 * max([start_loss, *calm])
        longest = max((len(losses) for _, losses, _, _, _ in runs), default=1)
        ax.axhline(start_loss, color=START_COLOR, linestyle=":", linewidth=1.2, label="loss before training")
        for label, losses, diverged, latest, colour in runs:
            color = COLORS[colour % len(COLORS)]
            xs = list(range(1, len(losses) + 1))
            ys = [min(v, top) if math.isfinite(v) else top for v in losses]
            ax.plot(xs, ys, color=color, linewidth=2.8 if latest else 1.5,
                    marker="o" if len(xs) <= 30 else None, markersize=3.5 if latest else 2.5,
                    label=label + (" - diverged" if diverged else ""), zorder=3 if latest else 2)
            if diverged:
                ax.plot(xs[-1:], ys[-1:], color=color, zorder=4, clip_on=False, **DIVERGED_MARK)
                ax.annotate("diverged", (xs[-1], ys[-1]), xytext=(8, -4), textcoords="offset points", ha="left",
                            va="top", fontsize="small", color=color, fontweight="bold")
        ax.set_xlim(0.5, max(longest, 2) + 0.5)
        ax.set_ylim(0, top)
        ax.set_title(title, fontsize="small", loc="left", pad=10)
        if runs:
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False)
        else:
            ax.text(0.5, 0.5, "no runs yet: move a slider", transform=ax.transAxes, ha="center", va="center",
                    color=START_COLOR)
        self.draws += 1
        return figure_png(self.figure)
