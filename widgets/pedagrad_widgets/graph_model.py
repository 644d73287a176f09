"""Walk a backward graph into plain node and edge records that a renderer can draw.

Only the public, PyTorch-named API is used (``grad_fn``, ``next_functions``,
``AccumulateGrad.variable``, ``requires_grad``, ``is_leaf``, ``grad``, ``_saved_*``), so the same
walk works on pedagrad tensors and on real PyTorch tensors. The walk is iterative (breadth-first
from the outputs), so a 10,000-node chain never meets Python's recursion limit.
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field

import numpy as np

DEFAULT_MAX_NODES = 150
SMALL = 6  # tensors with at most this many elements are shown in full


@dataclass
class NodeRecord:
    """One box in the picture: a tensor, a backward function, a saved tensor, or a hidden-nodes note."""

    id: str
    kind: str  # "tensor", "function", "saved", "hidden"
    style: str  # a key of styles.STYLES
    title: str
    lines: tuple = ()
    obj: object = field(default=None, repr=False, compare=False)
    state: str = ""  # "", "current" or "done": set by the stepper


@dataclass
class EdgeRecord:
    """One arrow: ``kind`` is "next" (next_functions), "grad_fn", "variable", "saved" or "hidden"."""

    src: str
    dst: str
    kind: str = "next"
    label: str = ""


@dataclass
class GraphModel:
    """The records of one drawing, plus notes (e.g. what was hidden) to print under it."""

    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    hidden: int = 0
    notes: list = field(default_factory=list)

    def node(self, node_id):
        """The record with this id, or None."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def id_of(self, obj):
        """The id of the record drawn for ``obj`` (a grad_fn node or a tensor), or None."""
        for n in self.nodes:
            if n.obj is obj:
                return n.id
        return None

    def summary(self):
        """A short, stable text: how many tensors, functions and edges are drawn."""
        kinds = collections.Counter(n.kind for n in self.nodes)
        edges = sum(e.kind == "next" for e in self.edges)
        text = f"{_count(kinds['tensor'], 'tensor')}, {_count(kinds['function'], 'function')}, {_count(edges, 'edge')}"
        if self.hidden:
            text += f", {self.hidden} hidden"
        return text


def _count(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- reading tensors and nodes through the public API -------------------------------------------

def is_tensor(x):
    """True for pedagrad and PyTorch tensors (anything with shape, dtype, requires_grad, grad_fn)."""
    return all(hasattr(type(x), a) or hasattr(x, a) for a in ("shape", "dtype", "requires_grad", "grad_fn")) \
        and not isinstance(x, type)


def node_name(fn):
    """``MulBackward0``; ``AccumulateGrad`` without torch's ``torch::autograd::`` prefix."""
    name = fn.name() if callable(getattr(fn, "name", None)) else type(fn).__name__
    return name.rsplit("::", 1)[-1]


def is_accumulate(fn):
    """True for an AccumulateGrad node (the one with a ``variable``)."""
    return node_name(fn) == "AccumulateGrad" and hasattr(fn, "variable")


def saved_names(fn):
    """The names ``n`` for which ``fn._saved_<n>`` exists: ``saved_names`` on pedagrad, ``dir`` on torch."""
    names = getattr(type(fn), "saved_names", None)
    if names is None:
        names = getattr(fn, "saved_names", None)
    if isinstance(names, (tuple, list)):
        return list(names)
    return [a[len("_saved_"):] for a in dir(fn) if a.startswith("_saved_")]


def to_numpy(t):
    """A numpy copy of a tensor's values (pedagrad or torch)."""
    d = t.detach()
    if hasattr(d, "cpu"):
        d = d.cpu()
    try:
        return np.array(d.numpy(), copy=True)
    except Exception:  # noqa: BLE001 - e.g. a dtype numpy cannot take: go through lists
        return np.array(d.tolist())


def dtype_name(t):
    """``float32`` for ``torch.float32``."""
    return str(t.dtype).replace("torch.", "")


def shape_text(t):
    """``(2, 3)``; ``()`` for a scalar."""
    dims = tuple(int(s) for s in t.shape)
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def format_values(t):
    """A small tensor's values in full, a large one summarised by mean, min and max."""
    a = to_numpy(t)
    if a.size <= SMALL:
        if a.dtype.kind == "f":
            return np.array2string(a, precision=4, separator=", ", suppress_small=True)
        return np.array2string(a, separator=", ")
    f = a.astype(np.float64)
    return f"mean {f.mean():.4g}, min {f.min():.4g}, max {f.max():.4g}"


def read_grad(t):
    """A tensor's ``.grad`` without torch's warning for non-leaves: only leaves and retain_grad()."""
    if not (t.is_leaf or getattr(t, "retains_grad", False)):
        return None
    return t.grad


# -- the walk -----------------------------------------------------------------------------------

class _Builder:
    def __init__(self, names, show_saved, max_nodes):
        self.names = names
        self.show_saved = show_saved
        self.max_nodes = max_nodes
        self.model = GraphModel()
        self.ids = {}  # id(obj) -> record id; objects are kept alive in self.keep
        self.keep = []
        self.hidden_ids = set()
        self.hidden_edges = set()
        self.n_functions = 0

    def name_of(self, t):
        return self.names.get(id(t))

    def _new_id(self, obj, prefix):
        rid = f"{prefix}{len(self.ids)}"
        self.ids[id(obj)] = rid
        self.keep.append(obj)
        return rid

    def tensor(self, t, role=""):
        """Add a tensor's record (once) and return its id."""
        if id(t) in self.ids:
            return self.ids[id(t)]
        rid = self._new_id(t, "t")
        name = self.name_of(t)
        if t.grad_fn is not None:
            style, kind = "nonleaf", f"grad_fn={node_name(t.grad_fn)}"
        elif t.requires_grad:
            style, kind = "leaf_grad", "leaf, requires_grad=True"
        else:
            style, kind = "leaf", "requires_grad=False"
        lines = [f"{shape_text(t)} {dtype_name(t)}", kind]
        if _numel(t) <= SMALL and name is not None:
            lines.append(f"value {format_values(t)}")
        g = read_grad(t)
        if g is not None:
            lines.append(f"grad {format_values(g)}")
        elif t.requires_grad and t.grad_fn is None:
            lines.append("grad None")
        self.model.nodes.append(NodeRecord(rid, "tensor", style, name or role or "tensor",
                                           tuple(lines), t))
        return rid

    def function(self, fn):
        rid = self._new_id(fn, "f")
        self.n_functions += 1
        lines = ()
        if self.show_saved:
            lines = tuple(self._saved(fn, rid))
        style = "accumulate" if is_accumulate(fn) else "function"
        self.model.nodes.append(NodeRecord(rid, "function", style, node_name(fn), lines, fn))
        return rid

    def _saved(self, fn, rid):
        """Add a record per saved tensor; return plain (non-tensor) saved values as text lines."""
        lines = []
        for key in saved_names(fn):
            try:
                value = getattr(fn, "_saved_" + key)
            except RuntimeError:  # freed by backward (retain_graph=False)
                lines.append(f"{key}: freed by backward")
                continue
            except AttributeError:
                continue
            if is_tensor(value):
                sid = f"{rid}s{key}"
                same = self.name_of(value)
                title = f"{key} = {same}" if same else key
                self.model.nodes.append(NodeRecord(sid, "saved", "saved", title,
                                                   (f"{shape_text(value)} {dtype_name(value)}",), value))
                self.model.edges.append(EdgeRecord(rid, sid, "saved"))
            elif value is not None and not isinstance(value, (list, tuple)) or \
                    isinstance(value, (list, tuple)) and len(value) <= 4:
                lines.append(f"{key} = {value!r}"[:40])
        return lines

    def hide(self, parent_rid, obj):
        """Count an object that is beyond the cap; link its drawn parent to the summary box."""
        if id(obj) not in self.hidden_ids:
            self.hidden_ids.add(id(obj))
            self.keep.append(obj)
            self.model.hidden += 1
        if parent_rid is not None and parent_rid not in self.hidden_edges:
            self.hidden_edges.add(parent_rid)
            self.model.edges.append(EdgeRecord(parent_rid, "hidden", "hidden"))

    def walk(self, tensors):
        queue = collections.deque()
        for i, t in enumerate(tensors):
            rid = self.tensor(t, role="output" if len(tensors) == 1 else f"output {i}")
            fn = t.grad_fn
            if fn is None:
                continue
            if id(fn) in self.ids:
                fid = self.ids[id(fn)]
            else:
                fid = self.function(fn)
                queue.append((fn, fid))
            self.model.edges.append(EdgeRecord(rid, fid, "grad_fn"))
        while queue:
            fn, fid = queue.popleft()
            if fid is not None and is_accumulate(fn):
                vid = self.tensor(fn.variable)
                self.model.edges.append(EdgeRecord(fid, vid, "variable"))
            for child, _nr in fn.next_functions:
                if child is None:
                    continue
                if id(child) in self.ids:
                    if fid is not None:
                        self.model.edges.append(EdgeRecord(fid, self.ids[id(child)]))
                    continue
                if id(child) in self.hidden_ids:
                    if fid is not None:
                        self.hide(fid, child)
                    continue
                if self.n_functions >= self.max_nodes:
                    self.hide(fid, child)
                    queue.append((child, None))  # keep walking to count what is hidden
                    continue
                cid = self.function(child)
                if fid is not None:
                    self.model.edges.append(EdgeRecord(fid, cid))
                queue.append((child, cid))

    def named_intermediates(self):
        """Draw the learner's named non-leaf tensors beside the grad_fn that made them."""
        for tid in list(self.names):
            t = self.names_objects.get(tid)
            if t is None or id(t) in self.ids or t.grad_fn is None:
                continue
            fid = self.ids.get(id(t.grad_fn))
            if fid is None or not fid.startswith("f"):
                continue
            rid = self.tensor(t)
            self.model.edges.append(EdgeRecord(rid, fid, "grad_fn"))

    def finish(self):
        if self.model.hidden:
            self.model.nodes.append(NodeRecord(
                "hidden", "hidden", "hidden", f"{self.model.hidden} more nodes not drawn",
                (f"cap: max_nodes={self.max_nodes}",)))
            self.model.notes.append(
                f"{self.model.hidden} of {self.model.hidden + _count_functions(self.model)} graph "
                f"nodes are not drawn (the view draws at most max_nodes={self.max_nodes}); "
                "pass max_nodes=... to draw more.")
        return self.model


def _count_functions(model):
    return sum(1 for n in model.nodes if n.kind == "function")


def _numel(t):
    n = 1
    for s in t.shape:
        n *= int(s)
    return n


def build_graph(tensors, names=None, show_saved=False, max_nodes=DEFAULT_MAX_NODES):
    """Walk the backward graph of ``tensors`` into a ``GraphModel``.

    ``names`` maps a variable name to a tensor (as ``dict(model.named_parameters())`` does); those
    names label the boxes, and named non-leaf tensors are drawn beside the node that made them.
    At most ``max_nodes`` function nodes are drawn; the rest are counted in one "not drawn" box.
    """
    for i, t in enumerate(tensors):
        if not is_tensor(t):
            raise TypeError(f"GraphView draws tensors; argument {i} is a {type(t).__name__}. "
                            "Pass the tensor whose graph you want to see, e.g. GraphView(loss).")
    by_id, objects = {}, {}
    for name, t in (names or {}).items():
        if is_tensor(t) and id(t) not in by_id:
            by_id[id(t)] = str(name)
            objects[id(t)] = t
    b = _Builder(by_id, show_saved, max(1, int(max_nodes)))
    b.names_objects = objects
    b.walk(list(tensors))
    b.named_intermediates()
    return b.finish()
