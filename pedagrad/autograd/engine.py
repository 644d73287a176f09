"""The backward pass: visit the graph from the outputs to the leaves, applying the chain rule.

1. Order the nodes reachable from the roots so that a node comes after every node that feeds it
   a gradient (an iterative depth-first search: no recursion limit on deep graphs).
2. Walk that order. At each node, sum the gradients that arrived (one per use of its output),
   call its backward, fit each result to the shape and dtype of the matching forward input (a
   gradient of a broadcast input is summed back to the input's shape here, once for every op),
   and pass it along ``next_functions``.
3. ``AccumulateGrad`` nodes add into the leaves' ``.grad``. Saved tensors are freed as each node
   finishes unless ``retain_graph=True``.

``backward_steps`` runs this same walk one node at a time, for teaching.
"""
import collections
import warnings
from typing import NamedTuple

import numpy as np

from .._ops._dual import cast, dtype_of, sum_to
from .._tensor import Tensor
from . import anomaly_mode, grad_mode
from .function import edge
from .graph import AccumulateGrad, Node, run_tensor_hooks


class BackwardStep(NamedTuple):
    """What one node did during backward (yielded by ``backward_steps``)."""

    node: Node
    grad_outputs: tuple  # the gradient that arrived at the node, per output of its forward op
    grad_inputs: tuple  # the gradient sent along each of node.next_functions (None: not sent)
    variable: object | None = None  # for AccumulateGrad: the leaf whose .grad was updated
    grad_before: object | None = None  # that leaf's .grad before this step (a copy)
    grad_after: object | None = None  # and after: grad_after = grad_before + grad_outputs[0]


def topological_order(roots):
    """Nodes reachable from ``roots``, each before every node it sends gradients to."""
    order, seen = [], set()
    for root in roots:
        if root is None or root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _fit(node, i, g, meta):
    """Sum a broadcast gradient back to the input's shape and cast it to the input's dtype."""
    shape, dt = meta
    if g.shape != shape:
        try:
            g = sum_to(g, shape)
        except ValueError:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"[{', '.join(map(str, g.shape))}] but expected shape compatible with "
                f"[{', '.join(map(str, shape))}]") from None
    if dtype_of(g) != dt:
        g = cast(g, dt)
    return g


def _check_anomaly(node, outs):
    for i, g in enumerate(outs):
        if g is None:
            continue
        arr = getattr(g, "_data", g)
        if np.issubdtype(np.asarray(arr).dtype, np.floating) and np.isnan(arr).any():
            trace = node.metadata.get("traceback_") if node._metadata else None
            if trace:
                warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                              "caused the error:\n" + "".join(trace), stacklevel=3)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _run_pre_hooks(node, grads):
    if node._tensor_pre_hooks:
        for nr, hooks in node._tensor_pre_hooks.items():
            if grads[nr] is not None:
                grads[nr] = run_tensor_hooks(hooks.values(), grads[nr])
    if node._retained:
        for nr, ref in node._retained.items():
            t, g = ref(), grads[nr]
            if t is None or g is None:
                continue
            g = g if isinstance(g, Tensor) else Tensor._wrap(np.array(g, copy=True))
            t._grad = g if t._grad is None else t._grad + g
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            result = hook(tuple(grads))
            if result is not None:
                grads[:] = list(result)
    return grads


def execute(roots, root_grads, retain_graph, create_graph, capture=None, stepping=False):
    """The backward walk, as a generator that yields a ``BackwardStep`` per node if ``stepping``.

    ``capture`` (used by ``autograd.grad``) maps ``(node, output_nr)`` to a slot: the gradient
    arriving there is stored in the slot instead of being accumulated into any leaf.
    """
    order = topological_order([node for node, _ in roots])
    buffers = {}  # node -> [summed gradient per output of its forward op]
    for (node, nr), g in zip(roots, root_grads):
        _accumulate(buffers, node, nr, g)
    anomaly = anomaly_mode._state.enabled and anomaly_mode._state.check_nan
    state = grad_mode._state
    inside = False  # True while this walk has set the grad mode (never across a yield)
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                continue
            if not inside:  # backward records a graph only with create_graph=True
                outer, state.enabled, inside = state.enabled, create_graph, True
            if node._tensor_pre_hooks or node._retained or node._pre_hooks:
                grads = _run_pre_hooks(node, grads)
            if capture is not None:
                for nr, g in enumerate(grads):
                    if (node, nr) in capture:
                        capture[(node, nr)] = g
                if type(node) is AccumulateGrad:
                    continue
            if stepping:
                before = _grad_copy(node)
                with np.errstate(all="ignore"):  # between steps the learner's numpy settings apply
                    outs = node._apply(grads)
            else:
                outs = node._apply(grads)
            nexts, meta = node.next_functions, node._input_meta
            if len(outs) != len(nexts):
                raise RuntimeError(f"Function {node.name()} returned an invalid number of gradients "
                                   f"- expected {len(nexts)}, but got {len(outs)}")
            hooked = node._post_hooks or anomaly
            sent = []
            for i, g in enumerate(outs):
                fn, nr = nexts[i]
                if g is None or fn is None:
                    g = None
                else:
                    shape, dt = meta[i]
                    if g.shape != shape or g.dtype is not dt and g.dtype != dt:
                        g = _fit(node, i, g, meta[i])
                    if not hooked:
                        _accumulate(buffers, fn, nr, g)
                sent.append(g)
            if hooked:
                sent = _run_post_hooks(node, sent, grads)
                if anomaly:
                    _check_anomaly(node, sent)
                for (fn, nr), g in zip(nexts, sent):
                    if g is not None:
                        _accumulate(buffers, fn, nr, g)
            if not retain_graph and node._saved:
                node._saved = None  # the graph is freed as it is used
            if stepping:
                state.enabled, inside = outer, False
                yield _step(node, grads, sent, before)
    finally:
        if inside:
            state.enabled = outer


def _run_post_hooks(node, sent, grads):
    for hook in list((node._post_hooks or {}).values()):
        result = hook(tuple(sent), tuple(grads))
        if result is not None:
            sent = list(result)
    return sent


def _accumulate(buffers, node, nr, g):
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * (len(node._output_meta) if node._output_meta else 1)
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _grad_copy(node):
    if type(node) is AccumulateGrad and node.variable._grad is not None:
        return node.variable._grad.detach().clone()
    return None


def _step(node, grads, outs, before):
    def as_tensor(g):
        return g if g is None or isinstance(g, Tensor) else Tensor._wrap(np.asarray(g))

    step = BackwardStep(node, tuple(map(as_tensor, grads)), tuple(map(as_tensor, outs)))
    if type(node) is AccumulateGrad:
        var = node.variable
        after = var._grad.detach().clone() if var._grad is not None else None
        step = step._replace(variable=var, grad_before=before, grad_after=after)
    return step


# -- the public entry points ------------------------------------------------------------------

def _as_tuple(x):
    if x is None:
        return (None,)
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _make_root_grads(outputs, grad_outputs, create_graph):
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not out.dtype.is_floating_point:
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out.dtype}")
            g = np.ones_like(out._data)
        else:
            if not isinstance(g, Tensor):
                raise TypeError(f"gradient must be a Tensor or None, got {type(g).__name__}")
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} "
                                   f"and output[{i}] has a shape of {out.shape}.")
            g = g if create_graph else g._data
        grads.append(Tensor._wrap(g) if create_graph and not isinstance(g, Tensor) else g)
    return grads


def _roots(outputs):
    roots = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
        roots.append(edge(out))
    return roots


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Compute the gradient of ``tensors`` with respect to the graph's leaves into their ``.grad``."""
    outputs = _as_tuple(tensors)
    roots = _roots(outputs)
    grads = _make_root_grads(outputs, _pad(_as_tuple(grad_tensors), len(outputs)), create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    with np.errstate(all="ignore"):
        collections.deque(execute(roots, grads, retain_graph, create_graph), maxlen=0)


def backward_steps(tensor, gradient=None, retain_graph=None):
    """``tensor.backward()`` one node at a time: yields a ``BackwardStep`` per node visited.

    Running it to the end leaves exactly the ``.grad`` values that ``tensor.backward()`` gives::

        for step in backward_steps(loss):
            print(step.node.name(), step.grad_inputs)
    """
    outputs = (tensor,)
    roots = _roots(outputs)
    grads = _make_root_grads(outputs, (gradient,), False)
    return execute(roots, grads, bool(retain_graph), False, stepping=True)


def _pad(grads, n):
    return grads if len(grads) == n else grads + (None,) * (n - len(grads))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (no ``.grad`` is touched)."""
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    roots = _roots(outputs)
    grads = _make_root_grads(outputs, _pad(_as_tuple(grad_outputs), len(outputs)), create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if any(not t.requires_grad for t in inputs):
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    keys = [edge(t) for t in inputs]
    capture = dict.fromkeys(keys)
    with np.errstate(all="ignore"):
        collections.deque(execute(roots, grads, retain_graph, create_graph, capture), maxlen=0)
    result = []
    for t, key in zip(inputs, keys):
        g = capture[key]
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used "
                                   "in the graph. Set allow_unused=True if this is the desired behavior.")
        if g is not None and not isinstance(g, Tensor):
            g = Tensor._wrap(np.array(g, dtype=t._data.dtype, copy=True))
        result.append(g)
    return tuple(result)
