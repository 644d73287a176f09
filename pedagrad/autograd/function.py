"""How operations record themselves in the graph.

``Op`` is the base of pedagrad's built-in operations and ``Function`` the base of the learner's
own; both follow PyTorch's ``autograd.Function`` protocol: ``forward(ctx, ...)`` computes the
result and saves what backward needs with ``ctx.save_for_backward``; ``backward(ctx, grad)``
returns one gradient per input. The ``ctx`` *is* the graph node (``y.grad_fn``), as in PyTorch.

Built-in ops work on numpy arrays in ``forward``. Their ``backward`` formulas use only operations
that numpy arrays and Tensors share, so the same formula serves a plain backward (arrays, fast)
and ``create_graph=True`` (Tensors, building the graph of the gradient itself).
"""
import traceback

from .._tensor import Tensor
from . import anomaly_mode, grad_mode
from .graph import Node, accumulate_grad_node, saved, unpack


class _Never:
    def __getitem__(self, i):
        return False


class _NoGraphCtx:
    """Stands in for the node when nothing is recorded: no input needs a gradient, saving is a no-op."""

    needs_input_grad = _Never()

    def save_for_backward(self, *items):
        pass


_NO_GRAPH = _NoGraphCtx()


def edge(t):
    """The ``(node, output_nr)`` through which a gradient reaches tensor ``t``."""
    if t._base is not None:
        check_view_is_current(t)
    if t._grad_fn is not None:
        return (t._grad_fn, t._output_nr)
    if t._requires_grad:
        return (accumulate_grad_node(t), 0)
    return (None, 0)


def check_view_is_current(view):
    """Refuse a view whose base was changed in place in the graph after the view was taken: its
    values changed too, and pedagrad (unlike torch) does not rebuild the view's grad_fn."""
    base = view._base
    if view._requires_grad and base._grad_fn is not view._view_fn:
        raise RuntimeError(
            f"this tensor is a view of a tensor (shape {tuple(base.shape)}) that was changed by an "
            f"in-place operation ({base._grad_fn.name() if base._grad_fn else 'none'}) after the view "
            "was taken, so its recorded history is out of date; pedagrad cannot differentiate "
            "through it. Take the view after the in-place change, or use out-of-place operations "
            "(y = y * w instead of y.mul_(w)).")


def _record_forward_trace(node):
    node.metadata["traceback_"] = traceback.format_stack()[:-2]


_NO_EDGE = (None, 0)
_wrap = Tensor._wrap


class Op(Node):
    """A built-in differentiable operation. Positional inputs are graph edges (Tensors, or Python
    numbers that get an empty edge, as in PyTorch); keyword arguments are plain parameters."""

    view = False  # True for ops whose result shares memory (and so a version counter) with input 0
    _to_save = ()

    @classmethod
    def apply(cls, *inputs, **params):
        arrays, record = [], False
        for t in inputs:
            if isinstance(t, Tensor):
                arrays.append(t._data)
                record = record or t._requires_grad
            else:
                arrays.append(t)
        if not (record and grad_mode._state.enabled):
            result = _wrap(cls.forward(_NO_GRAPH, *arrays, **params))
            return cls._link_view(result, inputs) if cls.view else result
        node = cls()
        edges, meta = [], []
        for t, a in zip(inputs, arrays):
            if a is t:  # a Python number
                edges.append(_NO_EDGE)
                meta.append(None)
                continue
            if t._base is not None:  # edge(t), written out: this loop runs for every op
                check_view_is_current(t)
            fn = t._grad_fn
            if fn is not None:
                edges.append((fn, t._output_nr))
            else:
                edges.append((accumulate_grad_node(t), 0) if t._requires_grad else _NO_EDGE)
            meta.append((a.shape, a.dtype))
        node.next_functions, node._input_meta = tuple(edges), meta
        out = cls.forward(node, *arrays, **params)
        result = _wrap(out, True, node)
        if cls.view:
            cls._link_view(result, inputs)
        if node._to_save:
            node._saved = tuple([_pack(a, inputs, arrays, out, result) for a in node._to_save])
            del node._to_save
        if anomaly_mode._state.enabled:
            _record_forward_trace(node)
        return result

    @staticmethod
    def _link_view(result, inputs):
        base = inputs[0]
        if result._data.base is not None:
            result._vc = base._vc
            result._base = root = base._base if base._base is not None else base
            result._view_fn = root._grad_fn
        return result

    def _apply(self, grads):
        out = self.backward(grads[0])
        return out if type(out) is tuple else (out,)


def _pack(a, inputs, arrays, out, result):
    if a is out:
        return saved(result._data, None, result._vc, True)
    for t, arr in zip(inputs, arrays):
        if a is arr and t is not arr:
            return saved(arr, t, t._vc)
    return saved(a)


class BackwardCFunction(Node):
    """The node (and ``ctx``) of a learner-defined ``Function``: named ``<Function>Backward``."""

    _forward_cls = None
    _materialize_grads = True

    def __init__(self):
        self._to_save = ()
        self._non_differentiable = ()
        self._dirty = ()

    def save_for_backward(self, *tensors):
        self._to_save = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def set_materialize_grads(self, value):
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        if self._saved is None:
            from .graph import FREED_MESSAGE

            raise RuntimeError(FREED_MESSAGE)
        return tuple(None if e is None else unpack(e, self, True) for e in self._saved)

    @property
    def needs_input_grad(self):
        return self._needs_input_grad

    def _apply(self, grads):
        from .._creation import zeros

        wrapped = []
        for g, (shape, dt) in zip(grads, self._output_meta):
            if g is None and self._materialize_grads:
                g = zeros(shape, dtype=dt)
            elif g is not None and not isinstance(g, Tensor):
                g = Tensor._wrap(g)
            wrapped.append(g)
        out = self._forward_cls.backward(self, *wrapped)
        out = out if isinstance(out, tuple) else (out,)
        if len(out) != len(self._arg_is_tensor):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {len(self._arg_is_tensor)}, got {len(out)})")
        as_tensor = grad_mode._state.enabled
        result = []
        for g, is_tensor in zip(out, self._arg_is_tensor):
            if not is_tensor:
                continue
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"function {self.name()} returned a gradient that is not a "
                                f"Tensor or None: {type(g).__name__}")
            result.append(g if g is None or as_tensor else g._data)
        return tuple(result)


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,), {"_forward_cls": cls})
        super().__init__(name, bases, attrs)


class Function(metaclass=_FunctionMeta):
    """Base of a learner-defined differentiable operation, exactly as in PyTorch::

        class Square(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return 2 * x * grad

        y = Square.apply(x)   # y.grad_fn is a <SquareBackward ...> node
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        node = cls._backward_cls()
        tensors = [a for a in args if isinstance(a, Tensor)]
        node._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        node._needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with grad_mode.no_grad():
            outputs = cls.forward(node, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        record = grad_mode._state.enabled and any(t._requires_grad for t in tensors)
        if not record:
            return outputs
        node.next_functions = tuple(edge(t) for t in tensors)
        node._input_meta = tuple((t._data.shape, t._data.dtype) for t in tensors)
        node._output_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs)
        results = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor) or any(o is n for n in node._non_differentiable):
                results.append(o)
                continue
            r = Tensor._wrap(o._data, True, node, o._vc if any(o is d for d in node._dirty) else None)
            r._output_nr = i
            results.append(r)
        node._saved = tuple(_pack_custom(t, outs, results) for t in node._to_save)
        node._to_save = ()
        if anomaly_mode._state.enabled:
            _record_forward_trace(node)
        return results[0] if single else tuple(results)


def _pack_custom(t, outs, results):
    if t is None:
        return None
    for o, r in zip(outs, results):
        if t is o and r is not o:
            return saved(r._data, None, r._vc, True)
    return saved(t._data, t, t._vc)


class FunctionCtx(BackwardCFunction):
    """The type of ``ctx`` in a custom Function (the node itself), under PyTorch's name."""
