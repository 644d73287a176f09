"""Shape operations: views (reshape, permute, transpose, squeeze, unsqueeze, expand), joins
(cat, stack) and copies (clone, dtype conversion). Their backward only moves gradients around."""
import warnings

import numpy as np

from .. import _dtype
from .._size import Size
from .._tensor import Tensor, _dim, attach
from ..autograd.function import Op
from . import _dual


def _sizes(args):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` as PyTorch does."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = args[0]
    return tuple(int(s) for s in args)


def _infer_shape(shape, numel):
    """Fill in a single -1 and check that the shape holds exactly ``numel`` elements."""
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


class View(Op):
    """out = x seen with another shape (same memory);  the gradient is reshaped back"""

    _name = "ViewBackward0"
    view = True

    def forward(ctx, a, shape):
        ctx.self_sym_sizes = a.shape
        return a.reshape(shape, copy=False)

    def backward(ctx, grad):
        return grad.reshape(ctx.self_sym_sizes)


class ReshapeAlias(View):
    """out = a non-contiguous x seen with another shape (what reshape does when a view works)"""

    _name = "ReshapeAliasBackward0"


class UnsafeView(View):
    """out = a contiguous copy seen with another shape (what reshape does when a view can't work)"""

    _name = "UnsafeViewBackward0"
    view = False


class Alias(Op):
    """out = x itself, as a new tensor (``x[...]``);  the gradient passes through"""

    _name = "AliasBackward0"
    view = True

    def forward(ctx, a, name="AliasBackward0"):
        ctx._name = name
        return a.view()

    def backward(ctx, grad):
        return grad


class Permute(Op):
    """out = x with its dims reordered;  the gradient is permuted back by the inverse order"""

    _name = "PermuteBackward0"
    view = True

    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    def backward(ctx, grad):
        return _dual.permute(grad, tuple(np.argsort(ctx.dims)))


class Transpose(Op):
    """out = x with dims dim0 and dim1 swapped;  the gradient is swapped back"""

    _name = "TransposeBackward0"
    view = True

    def forward(ctx, a, dim0, dim1, name="TransposeBackward0"):
        ctx.dim0, ctx.dim1, ctx._name = dim0, dim1, name
        return a.swapaxes(dim0, dim1) if a.ndim else a.view()  # 0-d: "dims" 0 and -1 are itself

    def backward(ctx, grad):
        return grad.swapaxes(ctx.dim0, ctx.dim1) if grad.ndim else grad


class Squeeze(Op):
    """out = x without size-1 dims;  the gradient is reshaped back"""

    view = True

    def forward(ctx, a, dim=None, name=None):
        ctx.self_sym_sizes = a.shape
        ctx._name = name or ("SqueezeBackward0" if dim is None else
                             "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2")
        if dim is None or not a.ndim:
            return a.squeeze()
        ctx.dim = dim
        ones = tuple(d for d in ((dim,) if isinstance(dim, int) else dim) if a.shape[d] == 1)
        return a.squeeze(ones) if ones else a.view()

    def backward(ctx, grad):
        return grad.reshape(ctx.self_sym_sizes)


class Unsqueeze(Op):
    """out = x with a new size-1 dim at ``dim``;  the gradient is reshaped back"""

    _name = "UnsqueezeBackward0"
    view = True

    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.expand_dims(a, dim)

    def backward(ctx, grad):
        return grad.squeeze(ctx.dim)


class Expand(Op):
    """out = x repeated along its size-1 dims (no copy);  the gradient is summed back over them"""

    _name = "ExpandBackward0"
    view = True

    def forward(ctx, a, shape):
        ctx.self_sym_sizes = a.shape
        return np.broadcast_to(a, shape)

    def backward(ctx, grad):
        return _dual.sum_to(grad, ctx.self_sym_sizes)


class Cat(Op):
    """out = the inputs joined along ``dim``;  each input gets its own slice of the gradient"""

    _name = "CatBackward0"

    def forward(ctx, *arrays, dim, dtype):
        ctx.dim, ctx.sizes = dim, [a.shape[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim, dtype=dtype, casting="unsafe")

    def backward(ctx, grad):
        bounds = np.cumsum([0] + ctx.sizes)
        lead = (slice(None),) * ctx.dim
        return tuple(grad[lead + (slice(int(lo), int(hi)),)] for lo, hi in zip(bounds[:-1], bounds[1:]))


class Stack(Op):
    """out = the inputs stacked along a new dim;  input i gets the gradient's slice i"""

    _name = "StackBackward0"

    def forward(ctx, *arrays, dim, dtype):
        ctx.dim = dim
        return np.stack(arrays, axis=dim, dtype=dtype, casting="unsafe")

    def backward(ctx, grad):
        lead = (slice(None),) * ctx.dim
        return tuple(grad[lead + (i,)] for i in range(grad.shape[ctx.dim]))


class Clone(Op):
    """out = a copy of x in new memory;  the gradient passes through"""

    _name = "CloneBackward0"

    def forward(ctx, a):
        return a.copy()

    def backward(ctx, grad):
        return grad


class ToCopy(Op):
    """out = x converted to another dtype;  the gradient is converted back (by the engine)"""

    _name = "ToCopyBackward0"

    def forward(ctx, a, dtype):
        return a.astype(dtype.np)

    def backward(ctx, grad):
        return grad


# -- the functions ----------------------------------------------------------------------------

@attach()
def view(input, *shape):
    """The same memory seen with another shape; fails where that needs a copy (use reshape)."""
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("view(dtype) is not supported by pedagrad")
    shape = _infer_shape(_sizes(shape), input.numel())
    try:
        return View.apply(input, shape=shape)
    except ValueError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at "
                           "least one dimension spans across two contiguous subspaces). Use "
                           ".reshape(...) instead.") from None


@attach()
def reshape(input, *shape):
    """The elements in another shape: a view when possible, else a copy."""
    shape = _infer_shape(_sizes(shape), input.numel())
    if input._data.flags.c_contiguous:
        return View.apply(input, shape=shape)
    try:
        return ReshapeAlias.apply(input, shape=shape)
    except ValueError:
        return UnsafeView.apply(Clone.apply(input), shape=shape)


@attach()
def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one."""
    if input.ndim == 0:
        return reshape(input, 1)
    s, e = _dim(start_dim, input.ndim), _dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    return reshape(input, shape[:s] + (-1,) + shape[e + 1:])


@attach()
def permute(input, *dims):
    """Reorder the dims: ``x.permute(2, 0, 1)``."""
    dims = tuple(_dim(d, input.ndim) for d in _sizes(dims))
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not "
                           f"match the length of the desired ordering of dimensions i.e. input.dim() "
                           f"= {input.ndim} is not equal to len(dims) = {len(dims)}"
                           if len(dims) != input.ndim else "permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


@attach("transpose", "swapaxes", "swapdims")
def transpose(input, dim0, dim1):
    """Swap two dims."""
    return Transpose.apply(input, dim0=_dim(dim0, input.ndim), dim1=_dim(dim1, input.ndim))


@attach()
def t(input):
    """Transpose a matrix (a 0-d or 1-d tensor comes back as it is)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return Alias.apply(input, name="TBackward0")
    return Transpose.apply(input, dim0=0, dim1=1, name="TBackward0")


def _T(self):
    if self.ndim == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
                      "cases.", UserWarning, stacklevel=2)
    elif self.ndim != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                      "deprecated and it will throw an error in a future release. Consider `x.mT` to "
                      "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
                      "to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return Permute.apply(self, dims=tuple(reversed(range(self.ndim))))


def _mT(self):
    if self.ndim == 0:
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these "
                      "cases.", UserWarning, stacklevel=2)
        return self
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.ndim}-D tensor.")
    return Transpose.apply(self, dim0=self.ndim - 2, dim1=self.ndim - 1)


Tensor.T = property(_T)
Tensor.mT = property(_mT)


@attach()
def squeeze(input, dim=None):
    """Remove size-1 dims (only those of ``dim``, an int or a tuple, when given)."""
    if dim is None:
        return Squeeze.apply(input)
    if isinstance(dim, (tuple, list)):
        dims = tuple(_dim(d, input.ndim) for d in dim)
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return Squeeze.apply(input, dim=dims)
    return Squeeze.apply(input, dim=_dim(dim, input.ndim))


@attach()
def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim``."""
    return Unsqueeze.apply(input, dim=_dim(dim, input.ndim + 1))


@attach()
def expand(input, *sizes):
    """Repeat size-1 dims to ``sizes`` without copying (-1 keeps a dim's size)."""
    sizes = _sizes(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        dims = ", ".join(map(str, input.shape))
        raise RuntimeError(f"expand(torch.{input.dtype._kind}Tensor{{[{dims}]}}, "
                           f"size=[{', '.join(map(str, sizes))}]): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({input.ndim})")
    shape = list(sizes)
    for i, s in reversed(list(enumerate(input.shape))):  # torch reports the last clash first
        want = sizes[lead + i]
        if want == -1:
            shape[lead + i] = s
        elif s != want and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: [{', '.join(map(str, sizes))}]."
                f"  Tensor sizes: [{', '.join(map(str, input.shape))}]")
    return Expand.apply(input, shape=tuple(shape))


@attach()
def expand_as(input, other):
    return expand(input, other.shape)


@attach()
def view_as(input, other):
    return view(input, other.shape)


@attach()
def reshape_as(input, other):
    return reshape(input, other.shape)


def _common_dtype(tensors):
    """The dtype torch joins tensors in; the op converts inside (no ToCopy node), as torch does."""
    return _dtype.result_type(*tensors).np


def cat(tensors, dim=0):
    """Join tensors along an existing dim; all other sizes must match."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    first = tensors[0]
    d = _dim(dim, first.ndim)
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {t.ndim}")
        for j in range(t.ndim):
            if j != d and t.shape[j] != first.shape[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                                   f"size {first.shape[j]} but got size {t.shape[j]} for tensor "
                                   f"number {i} in the list.")
    return Cat.apply(*tensors, dim=d, dtype=_common_dtype(tensors))


concat = concatenate = cat


def stack(tensors, dim=0):
    """Stack equal-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"[{', '.join(map(str, tensors[0].shape))}] at entry 0 and "
                               f"[{', '.join(map(str, t.shape))}] at entry {i}")
    return Stack.apply(*tensors, dim=_dim(dim, tensors[0].ndim + 1), dtype=_common_dtype(tensors))


@attach()
def clone(input):
    """A copy in new memory that stays in the graph (gradients flow back to the original)."""
    return Clone.apply(input)


@attach()
def contiguous(input):
    """The tensor itself if its memory is in row-major order, else a contiguous clone."""
    return input if input._data.flags.c_contiguous else Clone.apply(input)


def _convert(input, dtype):
    if dtype.np == input._data.dtype:
        return input
    if not dtype.is_floating_point:  # integer results are outside the graph, as in torch
        return Tensor._wrap(input._data.astype(dtype.np))
    return ToCopy.apply(input, dtype=dtype)


@attach()
def to(input, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """Convert to a dtype (``x.to(torch.float64)``); devices other than "cpu" are refused."""
    from .._device import device as _device

    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        else:
            _device(a)
    if device is not None:
        _device(device)
    out = input if dtype is None else _convert(input, dtype)
    return Clone.apply(out) if copy and out is input else out


@attach()
def type_as(input, other):
    return _convert(input, other.dtype)


@attach("type")
def type_(input, dtype=None):
    """With a dtype, the tensor converted to it; without, the type's name (``torch.FloatTensor``)."""
    if dtype is None:
        return f"torch.{input.dtype._kind}Tensor"
    return _convert(input, dtype)


@attach()
def cpu(input):
    return input


Tensor.float = lambda self: _convert(self, _dtype.float32)
Tensor.double = lambda self: _convert(self, _dtype.float64)
Tensor.long = lambda self: _convert(self, _dtype.int64)
Tensor.int = lambda self: _convert(self, _dtype.int32)
Tensor.bool = lambda self: _convert(self, _dtype.bool_)
