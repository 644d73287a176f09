"""The backward graph: nodes, the edges between them, and what each node saved for backward.

A node is one backward function. ``node.next_functions`` has one ``(node, output_nr)`` pair per
input of the forward operation: the node that produced that input, or ``None`` when the input
needs no gradient. Leaves that require grad are reached through an ``AccumulateGrad`` node whose
``variable`` is the leaf itself. These are the names PyTorch uses, and all that the engine and
the graph widgets walk.
"""
import re
import weakref

import numpy as np

from .._tensor import Tensor
from . import grad_mode

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
               "bool": "Bool", "uint8": "Byte"}


def forward_name(node_name):
    """``ExpBackward0`` -> ``Exp``: how PyTorch names an operation in error messages."""
    return re.sub(r"Backward\d*$", "", node_name.rsplit("::", 1)[-1])


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` takes the hook away again."""

    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def remove(self):
        self._hooks.pop(self._key, None)


def add_hook(hooks, fn):
    """Add ``fn`` to the dict ``hooks``; the handle's ``remove()`` takes it out again."""
    key = object()
    hooks[key] = fn
    return RemovableHandle(hooks, key)


def saved(data, tensor=None, version_counter=None, is_output=False):
    """One value a node saved for backward: ``(data, tensor, version_counter, version, is_output)``.

    Inputs are kept as the tensor itself, with the version it had when saved; the node's own
    output is kept as its array only (the output refers to the node, so keeping it would make a
    cycle) and rebuilt on unpacking, as PyTorch does. Plain numbers and arrays have no version.
    """
    return (data, tensor, version_counter,
            version_counter[0] if version_counter is not None else 0, is_output)


def unpack(entry, node, as_tensor):
    """The saved value: an array for a plain backward, a Tensor when building a graph."""
    data, tensor, vc, version, is_output = entry
    if vc is not None and vc[0] != version:
        raise RuntimeError(_modified_message(entry, node))
    if not as_tensor or not isinstance(data, np.ndarray):
        return data
    if tensor is not None:
        return tensor
    return Tensor._wrap(data, True, node, vc) if is_output else Tensor._wrap(data)


def _modified_message(entry, node):
    data, tensor, vc, version, is_output = entry
    kind = _TYPE_NAMES.get(data.dtype.name, data.dtype.name.capitalize())
    what = f"[torch.{kind}Tensor [{', '.join(map(str, data.shape))}]]"
    if is_output:
        what += f", which is output 0 of {forward_name(node.name())},"
    elif tensor is not None and tensor.grad_fn is not None:
        what += f", which is output 0 of {forward_name(tensor.grad_fn.name())},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} is at version {vc[0]}; expected version {version} instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


class Node:
    """A backward function in the graph. Subclasses implement ``_apply(grads) -> grads per input``."""

    _name = None
    next_functions = ()
    _input_meta = ()  # (shape, numpy dtype) per input: the engine fits each gradient to it
    _saved = ()  # one saved(...) entry per saved value; None once the graph is freed
    _tensor_pre_hooks = None  # {output_nr: {key: hook}}, from Tensor.register_hook on outputs
    _retained = None  # {output_nr: weakref to the tensor}, from Tensor.retain_grad()
    _pre_hooks = None
    _post_hooks = None
    _metadata = None
    _output_meta = None  # (shape, dtype) per output, for nodes with several outputs
    saved_names = ()  # how the saved tensors are exposed: _saved_<name>

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("_name")
        if name and "::" not in name:  # type(grad_fn).__name__ is MulBackward0, as in PyTorch
            cls.__name__ = name  # __qualname__ stays, so inspect.getsource still finds the class

    def name(self):
        """The node's name as PyTorch prints it, e.g. ``MulBackward0``."""
        return self._name or type(self).__name__

    def __call__(self, *grads):
        """This node's backward on its own: the gradients it would send to each of its inputs.

        With grad mode on (the default) the result is built in the graph, as under
        ``create_graph=True``; inside ``no_grad()`` it is plain values."""
        if grad_mode._state.enabled:
            out = self._apply([g if isinstance(g, Tensor) or g is None else Tensor._wrap(g) for g in grads])
        else:
            out = self._apply([g._data if isinstance(g, Tensor) else g for g in grads])
        results = tuple(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g) for g in out)
        return results[0] if len(results) == 1 else results

    def __repr__(self):
        return f"<{self.name().rsplit('::', 1)[-1]} object at {hex(id(self))}>"

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    @property
    def needs_input_grad(self):
        """One bool per input: does that input need a gradient?"""
        return tuple([fn is not None for fn, _ in self.next_functions])

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = {}
        return add_hook(self._post_hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return add_hook(self._pre_hooks, fn)

    # -- saved tensors ----------------------------------------------------------------------
    def save_for_backward(self, *items):
        self._to_save = items

    @property
    def saved_tensors(self):
        """The saved values: arrays in a plain backward, Tensors when a graph is being built."""
        entries = self._saved
        if entries is None:
            raise RuntimeError(FREED_MESSAGE)
        if grad_mode._state.enabled:
            return tuple(unpack(e, self, True) for e in entries)
        return tuple([unpack(e, self, False) for e in entries])

    def __getattr__(self, attr):
        if attr.startswith("_saved_"):
            key = attr[len("_saved_"):]
            if key in self.saved_names:
                if self._saved is None:
                    raise RuntimeError(FREED_MESSAGE)
                return unpack(self._saved[self.saved_names.index(key)], self, True)
            if key in self.__dict__:
                return self.__dict__[key]
        raise AttributeError(f"'{self.name()}' object has no attribute '{attr}'")

    def _apply(self, grads):
        raise NotImplementedError


class AccumulateGrad(Node):
    """Adds the gradient that reaches a leaf into the leaf's ``.grad``: where every path ends."""

    _name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable
        self._input_meta = ((variable._data.shape, variable._data.dtype),)

    def _apply(self, grads):
        var, g = self.variable, grads[0]
        if var._hooks:
            g = run_tensor_hooks(var._hooks.values(), g)
        if grad_mode._state.enabled:  # create_graph: keep the gradient's own graph
            g = g if isinstance(g, Tensor) else Tensor._wrap(g)
            var._grad = g if var._grad is None else var._grad + g
        elif var._grad is None:
            var._grad = Tensor._wrap(np.array(g, dtype=var._data.dtype, copy=True))
        else:
            var._grad._data += g
            var._grad._vc[0] += 1
        return ()


def run_tensor_hooks(hooks, g):
    """Run tensor hooks ``hook(grad) -> new grad or None`` in registration order."""
    as_tensor = isinstance(g, Tensor)
    for hook in list(hooks):
        result = hook(g if as_tensor else Tensor._wrap(g))
        if result is not None:
            g = result if as_tensor else result._data
    return g


def accumulate_grad_node(tensor):
    """The leaf's AccumulateGrad node, shared by every operation that uses the leaf."""
    node = tensor._accumulator() if tensor._accumulator is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node
