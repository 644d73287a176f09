"""GradModePlayground: switch requires_grad, no_grad() and detach() and see at once what autograd does."""
import inspect

import ipywidgets as widgets

from .graph_view import GraphView
from .saved_picture import SavedPicture
from .svg_parts import esc


def two_layer(x, w1, w2, mark, torch):
    """The default expression: ``h = tanh(w1 * x)``, then ``y = (w2 * h).sum()``."""
    h = mark("h", torch.tanh(w1 * x))
    return (w2 * h).sum()


def _default_inputs(torch):
    return {"x": torch.tensor([1.0, 2.0]), "w1": torch.tensor([0.5, -1.0], requires_grad=True),
            "w2": torch.tensor([2.0, 1.0], requires_grad=True)}


class GradModePlayground(SavedPicture, widgets.VBox):
    """Live controls over one small computation: a requires_grad toggle per input, a ``no_grad()``
    switch around the forward pass, and a ``detach()`` switch per marked intermediate.

    ``fn(**inputs)`` computes the output; if it takes a ``mark`` argument, ``mark(name, tensor)``
    names an intermediate (and detaches it when its switch is on); if it takes ``torch``, it gets
    the library in use. ``inputs`` maps names to tensors (their requires_grad is the starting
    state of the toggles). ``lib`` is pedagrad by default; pass ``torch`` to use PyTorch.
    """

    def __init__(self, fn=None, inputs=None, lib=None):
        if lib is None:
            import pedagrad as lib
        self.lib = lib
        self.fn = fn or two_layer
        inputs = inputs if inputs is not None else _default_inputs(lib)
        self.base = {k: v.detach().clone() for k, v in inputs.items()}
        params = inspect.signature(self.fn).parameters
        missing = [k for k in params if k not in self.base and k not in ("mark", "torch")
                   and params[k].default is inspect.Parameter.empty]
        if missing:
            raise TypeError(f"GradModePlayground: fn needs inputs {missing} that are not in inputs="
                            f"{sorted(self.base)}; pass them, e.g. inputs={{'{missing[0]}': torch.tensor(...)}}.")
        self._takes = set(params)
        self.toggles = {k: widgets.ToggleButton(value=bool(v.requires_grad), description=f"{k}.requires_grad",
                                                layout=widgets.Layout(width="auto"))
                        for k, v in inputs.items()}
        self.no_grad = widgets.Checkbox(value=False, description="forward inside torch.no_grad()", indent=False,
                                        layout=widgets.Layout(width="auto"))
        self.detach = {}
        self.tensors = {}
        self.output = None
        self.explanation = ""
        self.table = widgets.HTML()
        self.sentence = widgets.HTML()
        self.sentence.add_class("pgw-explanation")
        self._run()  # a first run finds the marked intermediates
        self.detach = {k: widgets.Checkbox(value=False, description=f"{k} = {k}.detach()", indent=False,
                                           layout=widgets.Layout(width="auto")) for k in self._marked}
        for w in [*self.toggles.values(), self.no_grad, *self.detach.values()]:
            w.observe(lambda _c: self.refresh(), "value")
        self.graph = GraphView(self.output, names={}, caption="")
        controls = widgets.HBox([*self.toggles.values(), self.no_grad, *self.detach.values()],
                                layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([controls, self.graph.picture, self.table, self.sentence])
        self.refresh()

    def _run(self):
        """Fresh inputs, forward (maybe under no_grad), then backward if the output has a graph."""
        self.tensors = {k: v.detach().clone().requires_grad_(self.toggles[k].value) for k, v in self.base.items()}
        self._marked = []
        self._before_detach = {}

        def mark(name, t):
            self._marked.append(name)
            self._before_detach[name] = t
            if name in self.detach and self.detach[name].value:
                t = t.detach()
            self.tensors[name] = t
            return t

        kwargs = {k: v for k, v in self.tensors.items() if k in self._takes}
        if "mark" in self._takes:
            kwargs["mark"] = mark
        if "torch" in self._takes:
            kwargs["torch"] = self.lib
        if self.no_grad.value:
            with self.lib.no_grad():
                out = self.fn(**kwargs)
        else:
            out = self.fn(**kwargs)
        self.output = out
        self.tensors["y"] = out
        if out.requires_grad:
            (out if out.numel() == 1 else out.sum()).backward()

    def refresh(self):
        """Re-run with the current switches and update the graph, the table and the sentence."""
        self._run()
        inputs = list(self.base)
        shown = [self.output] + [self.tensors[k] for k in self._marked] + [self.tensors[k] for k in inputs]
        self.graph._sources = tuple(shown)
        self.graph._names = {"y": self.output, **{k: self.tensors[k] for k in self._marked},
                             **{k: self.tensors[k] for k in inputs}}
        self.graph.update()
        self.table.value = self._table()
        self.explanation = self._explain()
        self.sentence.value = f"<p style='font-size:1.05em'>{esc(self.explanation)}</p>"

    # -- how it shows ---------------------------------------------------------------------------
    def _picture(self):
        return self.graph.svg

    def __repr__(self):
        # independent of the switches, which later cells may flip: see BackwardStepper.__repr__
        switches = [f"{k}.requires_grad" for k in self.toggles] + ["no_grad()"]
        switches += [f"{k}.detach()" for k in self.detach]
        return f"GradModePlayground(switches: {', '.join(switches)}; .explanation says what they do)"

    def close(self):
        self._stop_refreshing()
        super().close()

    def got_grad(self):
        """Names of the inputs whose ``.grad`` was filled by the last backward."""
        return [k for k in self.base if self.tensors[k].grad is not None]

    def has_grad_fn(self):
        """Names of the tensors (output, intermediates, inputs) that have a ``grad_fn``."""
        return [k for k, t in self.tensors.items() if t.grad_fn is not None]

    def _table(self):
        rows = []
        for k, t in self.tensors.items():
            is_input = k in self.base
            grad = "—" if not is_input else ("None" if t.grad is None else esc(_short(t.grad)))
            fn = esc(t.grad_fn.name().rsplit("::", 1)[-1]) if t.grad_fn is not None else "None"
            rows.append(f"<tr><td><b>{esc(k)}</b></td><td>{t.requires_grad}</td><td>{fn}</td>"
                        f"<td>{t.is_leaf}</td><td>{grad}</td></tr>")
        return ("<table class='pgw-table'><tr><th>tensor</th><th>requires_grad</th><th>grad_fn</th>"
                "<th>is_leaf</th><th>.grad after backward()</th></tr>" + "".join(rows) + "</table>")

    def _explain(self):
        inputs = list(self.base)
        on = [k for k in inputs if self.toggles[k].value]
        off = [k for k in inputs if not self.toggles[k].value]
        got = self.got_grad()
        cut = [k for k, w in self.detach.items() if w.value]
        if not on:
            return ("No input requires grad, so autograd records nothing: y has no grad_fn and "
                    "y.backward() would fail; this is plain computation.")
        if self.no_grad.value:
            return (f"Inside torch.no_grad() nothing is recorded even though {_join(on)} "
                    f"require{'s' if len(on) == 1 else ''} grad: y has no grad_fn, so no input gets a .grad "
                    "(this is how evaluation and weight updates run).")
        missed = [k for k in on if k not in got]
        if cut and missed:
            return (f"{_join(cut)}.detach() cuts the graph there: the gradient stops at {_join(cut)}, "
                    f"so {_join(missed)} (used before it) get{'s' if len(missed) == 1 else ''} no .grad"
                    + (f", while {_join(got)} still do{'es' if len(got) == 1 else ''}." if got else "."))
        if cut:
            return f"{_join(cut)}.detach() cuts the graph there, but every input that requires grad is used after it."
        if off:
            return (f"{_join(off)} {'has' if len(off) == 1 else 'have'} requires_grad=False (frozen): autograd "
                    f"tracks nothing for {'it' if len(off) == 1 else 'them'} and leaves .grad at None, while "
                    f"{_join(got)} get{'s' if len(got) == 1 else ''} a .grad.")
        return "Every input requires grad, so the graph reaches each of them and backward() fills every .grad."


def _join(names):
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _short(t):
    from .graph_model import format_values
    return format_values(t)
