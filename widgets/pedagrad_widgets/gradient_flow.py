"""GradientFlow: each layer's gradient norm at every training step, to see gradients vanish or explode."""
import ipywidgets as widgets
import numpy as np

from .gradient_flow_plot import FlowPlot
from .plot_display import LivePicture, picture_widget, resolve_mode
from .plot_throttle import Throttle
from .svg_parts import esc

DRAW_SHARE = 0.05  # the most of the loop's time that drawing may take
WHICH = ("weight", "all")


def grad_norm(grad):
    """The Euclidean norm of a gradient tensor (pedagrad or torch), as a Python float."""
    return float(np.linalg.norm(np.asarray(grad.detach().cpu().numpy(), dtype=np.float64)))


class GradientFlow(LivePicture, widgets.VBox):
    """Plot each parameter's gradient norm per step (log scale): call ``flow.update()`` after every ``backward()``.

    ``flow = GradientFlow(model)`` watches ``model.named_parameters()``: by default the weights
    (parameters whose name ends in ``weight``), one line each, from the input side to the output
    side; ``which="all"`` adds the biases. Parameters whose ``.grad`` is None at an update (frozen,
    or not reached by backward) are skipped and listed. Works with torch modules too.

    The picture is one ``Image`` widget, redrawn at most every ``min_interval`` seconds (and so
    that drawing takes at most a twentieth of the loop), and once more after the cell that fed
    it, when the saved output also gets the final picture and a stable text summary. Outside
    Jupyter it records quietly; ``print(flow)`` shows that summary.
    """

    def __init__(self, model, *, which="weight", min_interval=0.2, mode="auto"):
        if not callable(getattr(model, "named_parameters", None)):
            raise TypeError(f"GradientFlow needs a module with named_parameters(), got {type(model).__name__}")
        if which not in WHICH:
            raise ValueError(f"which must be 'weight' or 'all', got {which!r}")
        self.mode = resolve_mode(mode)
        self.model = model
        self.which = which
        self.steps = []  # the step number of each update
        self.norms = {}  # parameter name -> [gradient norm per update, None where its grad was None]
        self.skipped = {}  # parameter name -> updates at which its grad was None
        self.png = b""
        self.plot = FlowPlot()
        self.throttle = Throttle(min_interval, DRAW_SHARE)
        self._drawn = (0, False)  # (updates the picture shows, whether it was a final one)
        self.image = picture_widget()
        self.info = widgets.HTML()
        super().__init__([self.image, self.info])

    def _watched(self):
        """(name, parameter) pairs this flow plots: the weights, or every parameter; all if no name ends in weight."""
        params = [(n, p) for n, p in self.model.named_parameters() if getattr(p, "requires_grad", True)]
        weights = [(n, p) for n, p in params if n.split(".")[-1] == "weight"]
        return weights if self.which == "weight" and weights else params

    def update(self, step=None):
        """Record the gradient norms of this step (after ``loss.backward()``) and redraw if due."""
        step = len(self.steps) if step is None else step
        self.throttle.start()
        seen = set()
        for name, p in self._watched():
            seen.add(name)
            series = self.norms.setdefault(name, [None] * len(self.steps))
            if p.grad is None:
                series.append(None)
                self.skipped[name] = self.skipped.get(name, 0) + 1
            else:
                series.append(grad_norm(p.grad))
        for name, series in self.norms.items():
            if name not in seen:
                series.append(None)
        self.steps.append(step)
        if self.mode == "widget":
            self.show()
            if self.throttle.due():
                self.redraw()
        return self

    def redraw(self, final=False):
        """Draw the norms now and put the PNG into the image widget; ``final`` ends the x axis at the last step."""
        if not self.steps:
            return self
        self.png = self.throttle.frame(lambda: self.plot.draw(self.steps, self.norms, tight=final))
        self.image.value = self.png
        self.info.value = esc(self.sentence())
        self._drawn = (len(self.steps), final)
        return self

    @property
    def draws(self):
        """How many times the picture was drawn."""
        return self.plot.draws

    def after_cell(self):
        """After a cell: draw what the throttle held back, and leave it in the saved output."""
        if self.mode == "widget" and self.steps and self._drawn != (len(self.steps), True):
            self.redraw(final=True)
        self.refresh_saved()

    def close(self):
        """Draw the last steps, stop following cells, and replace the live widget with the still picture."""
        self.after_cell()
        self.stop_watching()
        if self.mode == "widget":
            super().close()
            self.refresh_saved(force=True)

    def __del__(self):
        # ipywidgets closes a widget when it is collected: do only that
        widgets.VBox.close(self)

    # -- telling --------------------------------------------------------------------------------
    def last_norms(self):
        """{name: the latest recorded gradient norm} of the parameters that have one."""
        out = {}
        for name, series in self.norms.items():
            value = next((v for v in reversed(series) if v is not None), None)
            if value is not None:
                out[name] = value
        return out

    def sentence(self):
        """The ratio between the last and the first layer's gradient norm, in words."""
        last = self.last_norms()
        if len(last) < 2:
            return ""
        (first_name, first), (last_name, end) = list(last.items())[0], list(last.items())[-1]
        if first == 0 or end == 0:
            return f"{first_name}: {first:.3g}, {last_name}: {end:.3g}."
        ratio = end / first
        if ratio >= 1:
            return f"{first_name}'s gradient is {ratio:.3g} times smaller than {last_name}'s."
        return f"{first_name}'s gradient is {1 / ratio:.3g} times larger than {last_name}'s."

    def __repr__(self):
        n = len(self.steps)
        lines = [f"GradientFlow: {n} step{'s' if n != 1 else ''}, {len(self.norms)} parameters"
                 + (", gradient norm at the last step:" if self.norms else "")]
        last = self.last_norms()
        width = max((len(name) for name in self.norms), default=0)
        for name in self.norms:
            lines.append(f"  {name:<{width}}  " + (f"{last[name]:.3g}" if name in last else "no grad yet"))
        if self.skipped:
            lines.append("  skipped (grad None): " + ", ".join(
                f"{name} ({count} step{'s' if count != 1 else ''})" for name, count in self.skipped.items()))
        sentence = self.sentence()
        return "\n".join(lines + ([f"  {sentence}"] if sentence else []))
