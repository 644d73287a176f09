"""BackwardStepper: walk ``loss.backward()`` node by node, with step, back, play/pause and reset."""
import ipywidgets as widgets

from .graph_model import format_values, is_accumulate, node_name
from .graph_view import GraphView
from .namespace import tensor_names
from .saved_picture import SavedPicture, plain
from .svg_parts import esc


def _short(t):
    return "None" if t is None else format_values(t)


class BackwardStepper(SavedPicture, widgets.VBox):
    """Step through the backward pass of a pedagrad ``loss`` with ``pedagrad.autograd.backward_steps``.

    The whole pass is recorded once (with ``retain_graph=True``, so the graph stays drawable);
    moving to step k sets every leaf's ``.grad`` to what it is after k nodes have run, so "back"
    and "reset" are exact. At the last step the ``.grad`` values are exactly those of
    ``loss.backward()``. Position 0 is "before backward".
    """

    def __init__(self, loss, names=None, interval=900):
        try:
            from pedagrad.autograd import backward_steps
        except ImportError as e:  # pragma: no cover - pedagrad is a dependency
            raise ImportError("BackwardStepper needs pedagrad.autograd.backward_steps") from e
        if type(loss).__module__.split(".")[0] != "pedagrad":
            raise TypeError("BackwardStepper steps through pedagrad's backward (backward_steps); "
                            f"got a {type(loss).__module__}.{type(loss).__name__}. Build the loss with "
                            "pedagrad, or use GraphView to draw a PyTorch graph.")
        self.loss = loss
        names = dict(names) if names is not None else tensor_names()
        leaves = {}
        self.steps = []
        # Record the pass, then put every leaf's .grad back as it was.
        initial = {}
        for step in backward_steps(loss, retain_graph=True):
            self.steps.append(step)
            if step.variable is not None:
                leaves.setdefault(id(step.variable), step.variable)
                initial.setdefault(id(step.variable), step.grad_before)
        self.leaves = list(leaves.values())
        self.final = {id(v): v.grad for v in self.leaves}
        self.initial = initial
        self.position = 0
        self.graph = GraphView(loss, names=names)
        self.info = widgets.HTML()
        self.info.add_class("pgw-step-info")
        b = lambda text, icon, tip: widgets.Button(description=text, icon=icon, tooltip=tip,
                                                   layout=widgets.Layout(width="auto"))
        self.reset_button = b("reset", "fast-backward", "back to before backward")
        self.back_button = b("back", "step-backward", "undo one node")
        self.step_button = b("step", "step-forward", "run the next node's backward")
        self.play = widgets.Play(value=0, min=0, max=len(self.steps), interval=interval, description="play")
        self.slider = widgets.IntSlider(value=0, min=0, max=len(self.steps), description="node",
                                        readout=True, continuous_update=True)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.reset_button.on_click(lambda _b: self.go(0))
        self.back_button.on_click(lambda _b: self.go(self.position - 1))
        self.step_button.on_click(lambda _b: self.go(self.position + 1))
        self.slider.observe(self._moved, "value")
        self.play.observe(self._moved, "value")
        controls = widgets.HBox([self.reset_button, self.back_button, self.step_button, self.play, self.slider])
        super().__init__([controls, self.info, self.graph])
        self.go(0)

    def go(self, k):
        """Show the state after the first ``k`` nodes have run (clamped to 0..number of steps)."""
        k = max(0, min(int(k), len(self.steps)))
        self.position = k
        for v in self.leaves:
            v.grad = self._grad_at(v, k)
        for w in (self.slider, self.play):
            if w.value != k:
                w.value = k
        self.back_button.disabled = self.reset_button.disabled = k == 0
        self.step_button.disabled = k == len(self.steps)
        self._highlight(k)
        self.graph.update()
        self.info.value = self.describe(k)
        return self

    def _moved(self, change):
        if change["new"] != self.position:
            self.go(change["new"])

    def step(self):
        """Run one more node (the "step" button)."""
        return self.go(self.position + 1)

    def back(self):
        """Undo one node (the "back" button)."""
        return self.go(self.position - 1)

    def reset(self):
        """Back to before backward (the "reset" button)."""
        return self.go(0)

    def run_to_end(self):
        """Every node run: each leaf's ``.grad`` is exactly what ``loss.backward()`` gives."""
        return self.go(len(self.steps))

    def _grad_at(self, v, k):
        if k == len(self.steps):
            grad = self.final[id(v)]  # a copy: the learner may zero_() the live .grad later
            return None if grad is None else grad.clone()
        grad = self.initial.get(id(v))
        for step in self.steps[:k]:
            if step.variable is v:
                grad = step.grad_after
        return None if grad is None else grad.clone()

    def _highlight(self, k):
        self.graph.highlight = {id(s.node): "done" for s in self.steps[:max(k - 1, 0)]}
        self.graph.edge_labels = {}
        if k:
            current = self.steps[k - 1]
            self.graph.highlight[id(current.node)] = "current"
            for (child, _nr), g in zip(current.node.next_functions, current.grad_inputs):
                if child is not None and g is not None:
                    self.graph.edge_labels[(id(current.node), id(child))] = "grad " + _short(g)
            if current.variable is not None:
                self.graph.edge_labels[(id(current.node), id(current.variable))] = "+= " + _short(
                    current.grad_outputs[0])

    def current_node_name(self):
        """The name of the node just run (None before the first step)."""
        return node_name(self.steps[self.position - 1].node) if self.position else None

    def describe(self, k):
        """One paragraph: what the node at step k received, sent on, or added into a leaf's .grad."""
        n = len(self.steps)
        if k == 0:
            return (f"<p><b>Before backward.</b> {n} nodes will run, starting from the output's grad_fn "
                    "with gradient 1. Press <i>step</i>.</p>")
        s = self.steps[k - 1]
        name = esc(node_name(s.node))
        head = f"<p><b>Step {k} of {n}: {name}</b> received grad <code>{esc(_short(s.grad_outputs[0]))}</code>"
        if is_accumulate(s.node):
            label = esc(self.graph.model.node(self.graph.model.id_of(s.variable)).title) \
                if self.graph.model and self.graph.model.id_of(s.variable) else "the leaf"
            body = (f" and added it into {label}.grad: <code>{esc(_short(s.grad_before))}</code> "
                    f"+= <code>{esc(_short(s.grad_outputs[0]))}</code> → <code>{esc(_short(s.grad_after))}</code>")
        else:
            sent = [f"<code>{esc(_short(g))}</code> to {esc(node_name(c))}"
                    for (c, _), g in zip(s.node.next_functions, s.grad_inputs) if c is not None and g is not None]
            body = "; sent " + ", ".join(sent) if sent else "; sent nothing on (no input needs grad)"
        tail = "<br><b>Done:</b> every .grad now equals what loss.backward() gives." if k == n else ""
        return head + body + tail + "</p>"

    # -- how it shows ---------------------------------------------------------------------------
    def _picture(self):
        return self.graph.svg

    def __repr__(self):
        # the same whatever step it is at: a saved notebook holds the latest picture, while nbval
        # compares this text with the one printed when the cell ran
        return f"BackwardStepper({len(self.steps)} nodes; step(), back(), reset(), run_to_end(), .describe(k))"

    def text(self):
        """Where it is, in words: the sentence shown under the buttons."""
        return plain(self.info.value)

    def close(self):
        self._stop_refreshing()
        super().close()
