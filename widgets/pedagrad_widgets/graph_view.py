"""GraphView: the backward graph of one or more tensors, drawn live in the notebook."""
import ipywidgets as widgets

from .graph_model import DEFAULT_MAX_NODES, build_graph, is_tensor
from .namespace import ipython, tensor_names, user_namespace
from .render import render_svg
from .saved_picture import SavedPicture
from .svg_parts import esc


class GraphView(SavedPicture, widgets.VBox):
    """Draw the backward graph of ``tensors``; ``update()`` redraws it in place.

    Each argument is a tensor, or the *name* of a variable (``GraphView("loss")``), looked up again
    at every redraw so the view follows reassignments. With no argument at all, every tensor in
    the notebook that requires grad is drawn.

    ``names`` maps labels to tensors (e.g. ``dict(model.named_parameters())``); by default the
    notebook's variable names are used. ``follow=True`` redraws after every executed cell.
    ``show_saved`` also draws the tensors each node saved for backward. At most ``max_nodes``
    function nodes are drawn; a note says how many were left out.

    The view shows as a widget with a kernel, and as a static SVG where the notebook is read
    without one: after every cell in which it was redrawn, that saved picture is brought up to
    date. Its text form is a stable one-line summary
    (``GraphView(loss: 3 tensors, 4 functions, 3 edges)``), for nbval.
    """

    def __init__(self, *tensors, names=None, follow=False, show_saved=False,
                 max_nodes=DEFAULT_MAX_NODES, engine="auto", caption=None):
        self._sources = tensors
        self._names = names
        self._caption = caption
        self.max_nodes = max_nodes
        self.engine = engine
        self.model = None
        self.svg = ""
        self.engine_used = None
        self.highlight = {}  # node or tensor object -> "current" / "done": used by the stepper
        self.edge_labels = {}  # (src object, dst object) -> label
        self.picture = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="720px"))
        self.picture.add_class("pgw-graph")
        self.follow_box = widgets.Checkbox(value=bool(follow), description="follow (redraw after every cell)",
                                           indent=False, layout=widgets.Layout(width="auto"))
        self.saved_box = widgets.Checkbox(value=bool(show_saved), description="saved tensors", indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.redraw = widgets.Button(description="Redraw", icon="refresh", layout=widgets.Layout(width="auto"))
        self.redraw.on_click(lambda _b: self.update())
        self.saved_box.observe(lambda _c: self.update(), "value")
        self.follow_box.observe(self._on_follow, "value")
        toolbar = widgets.HBox([self.redraw, self.follow_box, self.saved_box])
        super().__init__([self.picture, toolbar])
        self._hooked = False
        self._on_follow(None)
        self.update()

    # -- what to draw ---------------------------------------------------------------------------
    def tensors(self):
        """The tensors drawn now: name arguments resolved in the notebook's namespace."""
        if not self._sources:
            return [t for t in tensor_names().values() if t.requires_grad]
        ns = user_namespace()
        out = []
        for s in self._sources:
            if isinstance(s, str):
                if s not in ns:
                    raise NameError(f"GraphView: no variable named {s!r} in the notebook yet; "
                                    "it is drawn once a cell defines it.")
                s = ns[s]
            out.append(s)
        return out

    def _label_names(self, tensors):
        names = dict(self._names) if self._names is not None else tensor_names()
        for s, t in zip(self._sources, tensors):
            if isinstance(s, str):
                names.setdefault(s, t)
        return names

    @property
    def show_saved(self):
        return self.saved_box.value

    @show_saved.setter
    def show_saved(self, value):
        self.saved_box.value = bool(value)

    @property
    def follow(self):
        return self.follow_box.value

    @follow.setter
    def follow(self, value):
        self.follow_box.value = bool(value)

    # -- drawing --------------------------------------------------------------------------------
    def build(self):
        """Walk the graph now and return its GraphModel (with the stepper's highlights applied)."""
        tensors = self.tensors()
        for i, t in enumerate(tensors):
            if not is_tensor(t):
                raise TypeError(f"GraphView draws tensors; {self._describe(i)} is a {type(t).__name__}. "
                                "Pass a tensor (or a variable name holding one), e.g. GraphView(loss).")
        model = build_graph(tensors, self._label_names(tensors), self.show_saved, self.max_nodes)
        for node in model.nodes:
            if node.obj is not None and id(node.obj) in self.highlight:
                node.state = self.highlight[id(node.obj)]
        if self.edge_labels:
            labelled = set()  # x * x has two arrows to one node: label only the first
            for e in model.edges:
                a, b = model.node(e.src), model.node(e.dst)
                if a is not None and b is not None and (e.src, e.dst) not in labelled:
                    e.label = self.edge_labels.get((id(a.obj), id(b.obj)), e.label)
                    labelled.add((e.src, e.dst))
        return model

    def _describe(self, i):
        s = self._sources[i] if i < len(self._sources) else None
        return f"variable {s!r}" if isinstance(s, str) else f"argument {i}"

    def update(self):
        """Redraw in place: only the picture's value changes, so the notebook does not jump."""
        try:
            self.model = self.build()
            caption = self._caption if self._caption is not None else self._default_caption()
            self.svg, self.engine_used = render_svg(self.model, caption, self.engine)
            self.picture.value = self.svg
        except (NameError, TypeError) as e:
            self.model = None
            self.picture.value = f'<div class="pgw-message" style="color:#b71c1c">{esc(e)}</div>'
        return self

    def _default_caption(self):
        labels = [s for s in self._sources if isinstance(s, str)]
        if labels:
            return "graph of " + ", ".join(labels)
        return ""

    # -- follow mode ----------------------------------------------------------------------------
    def _on_follow(self, _change):
        shell = ipython()
        if shell is None:
            return
        if self.follow_box.value and not self._hooked:
            shell.events.register("post_run_cell", self._after_cell)
            self._hooked = True
        elif not self.follow_box.value and self._hooked:
            shell.events.unregister("post_run_cell", self._after_cell)
            self._hooked = False

    def _after_cell(self, _result=None):
        try:
            self.update()
        except Exception as e:  # noqa: BLE001 - a failing redraw must never disturb the learner's cell
            self.picture.value = f'<div class="pgw-message">GraphView could not redraw: {esc(e)}</div>'
        self._refresh_saved()

    def close(self):
        """Stop following and close the widget."""
        self.follow_box.value = False
        self._stop_refreshing()
        super().close()

    # -- how it shows ---------------------------------------------------------------------------
    def _source_name(self, source):
        """A source as the picture labels it: its variable name when it has one."""
        if isinstance(source, str):
            return source
        record = self.model.node(self.model.id_of(source)) if self.model is not None else None
        return record.title if record is not None else "tensor"

    def __repr__(self):
        what = ", ".join(self._source_name(s) for s in self._sources) or "all tensors"
        body = self.model.summary() if self.model is not None else "nothing drawn"
        return f"GraphView({what}: {body})"

    def _picture(self):
        return self.svg
