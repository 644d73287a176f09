"""Tensor: a numpy array plus what autograd needs (requires_grad, grad, grad_fn, a version).

The operations themselves live in ``pedagrad._ops``; each family attaches its methods here, so
``x.exp()`` and ``pedagrad.exp(x)`` are the same function.
"""
import warnings
import weakref

import numpy as np

from . import _dtype
from ._size import Size

_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)


class Tensor:
    """An n-dimensional array that can record the operations applied to it."""

    # the attributes every tensor sets; rarer ones fall back to the class defaults below
    __slots__ = ("_data", "_requires_grad", "_grad", "_grad_fn", "_vc", "__dict__", "__weakref__")
    _base = None  # the tensor whose memory this view shares
    _view_fn = None  # the base's grad_fn when this view was taken
    _hooks = None  # tensor hooks of a leaf, {key: hook}
    _accumulator = None  # weakref to the leaf's AccumulateGrad node
    _output_nr = 0  # which output of grad_fn this tensor is
    _retains_grad = False
    __array_ufunc__ = None  # numpy defers to Tensor's operators: np.float64(2) * t is a Tensor

    def __init__(self, *args):
        """Legacy constructor: ``Tensor([1, 2])`` holds data, ``Tensor(2, 3)`` is a zero-filled 2×3
        float tensor (torch leaves it uninitialised). Prefer ``pedagrad.tensor``/``pedagrad.zeros``."""
        dt = _dtype.get_default_dtype().np
        if args and all(isinstance(a, int) for a in args) or len(args) == 1 and isinstance(args[0], Size):
            data = np.zeros(tuple(args[0]) if isinstance(args[0], Size) else args, dt)
        elif len(args) <= 1:
            data = np.array(args[0] if args else [], dtype=dt)
        else:
            raise TypeError(f"Tensor() takes sizes (ints) or one sequence of data, got {args!r}")
        _init(self, data)

    @staticmethod
    def _wrap(data, requires_grad=False, grad_fn=None, vc=None):
        """A new Tensor around ``data`` (no copy)."""
        t = _new(Tensor)
        _init(t, data if type(data) is np.ndarray else np.asarray(data), requires_grad, grad_fn, vc)
        return t

    # -- what it holds ----------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim(dim, self._data.ndim)]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        from ._device import device

        return device("cpu")

    @property
    def is_cuda(self):
        return False

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    def element_size(self):
        return self._data.itemsize

    @property
    def _version(self):
        """How many times the tensor was changed in place (saved tensors check it in backward)."""
        return self._vc[0]

    # -- autograd attributes ----------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        _set_requires_grad(self, flag, "only Tensors of floating point and complex dtype can require "
                                       "gradients")

    def requires_grad_(self, requires_grad=True):
        _set_requires_grad(self, requires_grad, "only Tensors of floating point dtype can require "
                                                "gradients")
        return self

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{_list(value.shape)}' to "
                                   f"a tensor of size '{_list(self.shape)}'. Please ensure that the "
                                   "gradient and the tensor are the same size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype._cpp}' to a "
                    f"tensor with grad_dtype '{self.dtype._kind}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. "
                    "Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
                    "may break downstream systems that assume they match.")
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` during backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        node = self._grad_fn
        if node._retained is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
        from .autograd.graph import add_hook

        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:  # a leaf: its AccumulateGrad node runs these
            if self._hooks is None:
                self._hooks = {}
            return add_hook(self._hooks, hook)
        node = self._grad_fn
        if node._tensor_pre_hooks is None:
            node._tensor_pre_hooks = {}
        return add_hook(node._tensor_pre_hooks.setdefault(self._output_nr, {}), hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute d(self)/d(leaf) for every leaf of the graph and add it into ``leaf.grad``."""
        from .autograd import engine

        if inputs is not None:
            raise NotImplementedError("backward(inputs=...) is not supported; use "
                                      "pedagrad.autograd.grad(self, inputs) instead")
        engine.backward(self, gradient, retain_graph, create_graph)

    def detach(self):
        """The same data, cut from the graph: shares memory and the version counter."""
        return Tensor._wrap(self._data, vc=self._vc)

    def detach_(self):
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """The data as a tensor outside the graph (changes to it are *not* tracked: prefer detach)."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data

    # -- conversion to Python and numpy ----------------------------------------------------
    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self):
        if self._data.size != 1:
            which = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {which} is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self):
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    __hash__ = object.__hash__

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment.  If you were attempting to "
                               "deepcopy a module, this may be because of a torch.nn.utils.weight_norm "
                               "usage, see https://github.com/pytorch/pytorch/pull/103001")
        t = type(self).__new__(type(self))
        _init(t, self._data.copy(), self._requires_grad)
        if self._grad is not None:
            t._grad = Tensor._wrap(self._grad._data.copy())
        memo[id(self)] = t
        return t


def _list(shape):
    return f"[{', '.join(map(str, shape))}]"


def _set_requires_grad(t, flag, int_message):
    flag = bool(flag)
    if t._grad_fn is not None:
        if not flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        return
    if flag and t._data.dtype.kind != "f":
        raise RuntimeError(int_message)
    t._requires_grad = flag


def _init(t, data, requires_grad=False, grad_fn=None, vc=None):
    t._data = data
    t._requires_grad = requires_grad
    t._grad = None
    t._grad_fn = grad_fn
    t._vc = [0] if vc is None else vc


_new = object.__new__


def _rebuild(data, requires_grad):
    return Tensor._wrap(data, requires_grad)


def _dim(dim, ndim):
    """A dimension index in range, or torch's IndexError naming the valid range."""
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim % ndim if ndim else 0


def attach(*names):
    """Decorator: make a function also a Tensor method (``pedagrad.exp(x)`` == ``x.exp()``)."""
    def register(fn):
        for name in names or (fn.__name__,):
            setattr(Tensor, name, fn)
        return fn

    return register
