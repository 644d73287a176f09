"""Reductions: sum, mean, max/min, var/std, argmax/argmin, and softmax / log_softmax."""
import collections
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _dim, attach
from ..autograd.function import Op
from . import _dual


def _dims(dim, ndim):
    """``dim`` (an int, a tuple, or None for all) as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        dims = [_dim(d, ndim) for d in dim]
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return tuple(sorted(dims)) if dim and ndim else tuple(range(ndim))
    _dim(dim, ndim)
    return (dim % ndim,) if ndim else ()  # a 0-d tensor reduces over "dim 0" to itself


def _axis(dim, ndim):
    """One dim as a numpy axis; None for a 0-d tensor, whose only valid dims are 0 and -1."""
    d = _dim(dim, ndim)
    return d if ndim else None


def _keepdim_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _resolve(dim, keepdim, axis, keepdims):
    """torch accepts numpy's ``axis``/``keepdims`` spellings too."""
    return (axis if dim is None else dim), (keepdims if keepdims is not None else keepdim)


class Sum(Op):
    """out = Σ x (over dims);  ∂out/∂x = 1 at every element summed"""

    saved_names = ()

    def forward(ctx, a, dims, keepdim, whole=False, dtype=None):
        ctx._name = "SumBackward0" if whole else "SumBackward1"
        ctx.dim, ctx.keepdim, ctx.self_sym_sizes = dims, keepdim, a.shape
        return a.sum(axis=dims, keepdims=keepdim, dtype=dtype)

    def backward(ctx, grad):
        shape = ctx.self_sym_sizes
        return _dual.expand(grad.reshape(_keepdim_shape(shape, ctx.dim)), shape)


class Mean(Op):
    """out = (Σ x) / n;  ∂out/∂x = 1/n at every element averaged"""

    def forward(ctx, a, dims, keepdim, whole=False, dtype=None):
        ctx._name = "MeanBackward0" if whole else "MeanBackward1"
        ctx.dim, ctx.keepdim, ctx.self_sym_sizes = dims, keepdim, a.shape
        ctx.self_sym_numel = int(np.prod([a.shape[d] for d in dims]))
        return a.mean(axis=dims, keepdims=keepdim, dtype=dtype)

    def backward(ctx, grad):
        shape = ctx.self_sym_sizes
        return _dual.expand(grad.reshape(_keepdim_shape(shape, ctx.dim)), shape) / ctx.self_sym_numel


class MaxAll(Op):
    """out = max x;  the gradient is shared evenly by the elements equal to the maximum"""

    _name = "MaxBackward1"
    saved_names = ("self", "result")

    def forward(ctx, a):
        out = np.asarray(a.max())
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        hit = (a == out) | (_dual.isnan(a) & _dual.isnan(out))  # a nan maximum is shared by the nans
        return grad * hit / hit.sum()


class MinAll(MaxAll):
    """out = min x;  the gradient is shared evenly by the elements equal to the minimum"""

    _name = "MinBackward1"

    def forward(ctx, a):
        out = np.asarray(a.min())
        ctx.save_for_backward(a, out)
        return out


class MaxDim(Op):
    """out = max x along dim;  ∂out/∂x = 1 at the index of the maximum, else 0"""

    _name = "MaxBackward0"
    saved_names = ("indices",)

    def forward(ctx, a, dim, keepdim, indices):
        ctx.dim, ctx.keepdim, ctx.self_sym_sizes = dim, keepdim, a.shape
        ctx.save_for_backward(indices)
        if dim is None:  # a 0-d tensor is its own maximum
            return a.copy()
        idx = np.expand_dims(indices, dim) if not keepdim else indices
        out = np.take_along_axis(a, idx, axis=dim)
        return out if keepdim else out.squeeze(dim)

    def backward(ctx, grad):
        if ctx.dim is None:
            return grad
        indices, = ctx.saved_tensors
        idx = getattr(indices, "_data", indices)
        shape, dim = ctx.self_sym_sizes, ctx.dim
        if not ctx.keepdim:
            idx = np.expand_dims(idx, dim)
            grad = grad.reshape(_keepdim_shape(shape, (dim,)))
        hot = np.arange(shape[dim]).reshape([-1] + [1] * (len(shape) - dim - 1)) == idx
        return grad * _dual.constant_like(hot, grad)


class MinDim(MaxDim):
    """out = min x along dim;  ∂out/∂x = 1 at the index of the minimum, else 0"""

    _name = "MinBackward0"


@np.errstate(all="ignore")  # no degrees of freedom left gives inf or nan silently, as in torch
def _variance(a, dims, correction, keepdim):
    """Σ(x − x̄)² / (n − correction) over ``dims``."""
    n = int(np.prod([a.shape[d] for d in dims]))
    dev = a - a.mean(axis=dims, keepdims=True)
    return (dev * dev).sum(axis=dims, keepdims=keepdim) / (n - correction if n > correction else 0)


class Var(Op):
    """out = Σ(x − x̄)² / (n − correction);  ∂out/∂x = 2(x − x̄) / (n − correction)"""

    _name = "VarBackward0"
    saved_names = ("self",)

    def forward(ctx, a, dims, correction, keepdim):
        ctx.dim, ctx.correction, ctx.keepdim = dims, correction, keepdim
        ctx.save_for_backward(a)
        return _variance(a, dims, correction, keepdim)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        dims = ctx.dim
        n = int(np.prod([a.shape[d] for d in dims]))
        if not ctx.keepdim:
            grad = grad.reshape(_keepdim_shape(a.shape, dims))
        # a numpy division: no degrees of freedom (n == correction) gives nan, as in torch
        return grad * (np.float64(2) / (n - ctx.correction)) * (a - a.mean(axis=dims, keepdims=True))


class Std(Op):
    """out = √var(x);  ∂out/∂x = (x − x̄) / ((n − correction) · out)"""

    _name = "StdBackward0"
    saved_names = ("self", "result")

    def forward(ctx, a, dims, correction, keepdim):
        ctx.dim, ctx.correction, ctx.keepdim = dims, correction, keepdim
        out = np.sqrt(_variance(a, dims, correction, keepdim))
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        dims = ctx.dim
        n = int(np.prod([a.shape[d] for d in dims]))
        if not ctx.keepdim:
            grad, out = (t.reshape(_keepdim_shape(a.shape, dims)) for t in (grad, out))
        return grad * (a - a.mean(axis=dims, keepdims=True)) / ((n - ctx.correction) * out)


class Softmax(Op):
    """out = eˣ / Σ eˣ along dim;  ∂L/∂x = out · (g − Σ g·out)"""

    _name = "SoftmaxBackward0"
    saved_names = ("result",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, dim):
        ctx.dim = dim
        e = np.exp(a - a.max(axis=dim, keepdims=True))  # shifting by the max keeps exp finite
        out = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.dim, keepdims=True))


class LogSoftmax(Op):
    """out = x − log Σ eˣ along dim;  ∂L/∂x = g − softmax(x) · Σ g"""

    _name = "LogSoftmaxBackward0"
    saved_names = ("result",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, dim):
        ctx.dim = dim
        shifted = a - a.max(axis=dim, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad - _dual.exp(out) * grad.sum(axis=ctx.dim, keepdims=True)


# -- the functions ----------------------------------------------------------------------------

@attach()
def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Σ of the elements, over all dims or the given ones. Integer and bool sums are int64."""
    dim, keepdim = _resolve(dim, keepdim, axis, keepdims)
    if dtype is None and input._data.dtype.kind in "biu":
        dtype = _dtype.int64
    return Sum.apply(input, dims=_dims(dim, input.ndim), keepdim=keepdim, whole=dim is None and not keepdim,
                     dtype=dtype and dtype.np)  # the op converts: no ToCopy node, as in torch


@attach()
def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The average of the elements, over all dims or the given ones."""
    dim, keepdim = _resolve(dim, keepdim, axis, keepdims)
    if dtype is None and input._data.dtype.kind != "f":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {input.dtype._kind}")
    return Mean.apply(input, dims=_dims(dim, input.ndim), keepdim=keepdim, whole=dim is None and not keepdim,
                      dtype=dtype and dtype.np)


class _ReturnTypes(collections.namedtuple("_ReturnTypes", ["values", "indices"])):
    _op = "max"

    def __repr__(self):
        return f"torch.return_types.{self._op}(\nvalues={self.values!r},\nindices={self.indices!r})"


class _MaxResult(_ReturnTypes):
    _op = "max"


class _MinResult(_ReturnTypes):
    _op = "min"


def _extreme(input, dim, keepdim, other, all_op, dim_op, arg, result_type, binary):
    if isinstance(dim, Tensor):
        dim, other = None, dim
    if other is not None:
        return binary(input, other)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(f"{result_type._op}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        return all_op.apply(input)
    d = _axis(dim, input.ndim)
    indices = np.asarray(arg(input._data, axis=d, keepdims=keepdim))
    values = dim_op.apply(input, dim=d, keepdim=keepdim, indices=indices)
    return result_type(values, Tensor._wrap(indices.astype(np.int64, copy=False)))


@attach()
def max(input, dim=None, keepdim=False, *, other=None):
    """The largest element; with ``dim``, a (values, indices) pair along that dim."""
    from .elementwise import maximum

    return _extreme(input, dim, keepdim, other, MaxAll, MaxDim, np.argmax, _MaxResult, maximum)


@attach()
def min(input, dim=None, keepdim=False, *, other=None):
    """The smallest element; with ``dim``, a (values, indices) pair along that dim."""
    from .elementwise import minimum

    return _extreme(input, dim, keepdim, other, MinAll, MinDim, np.argmin, _MinResult, minimum)


@attach()
def argmax(input, dim=None, keepdim=False):
    """The index of the largest element (of the flattened tensor when ``dim`` is None)."""
    if dim is None:
        return Tensor._wrap(np.argmax(input._data, keepdims=keepdim).astype(np.int64))
    return Tensor._wrap(np.argmax(input._data, axis=_axis(dim, input.ndim), keepdims=keepdim))


@attach()
def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element (of the flattened tensor when ``dim`` is None)."""
    if dim is None:
        return Tensor._wrap(np.argmin(input._data, keepdims=keepdim).astype(np.int64))
    return Tensor._wrap(np.argmin(input._data, axis=_axis(dim, input.ndim), keepdims=keepdim))


def _var_args(name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if input._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = _dims(dim, input.ndim)
    if int(np.prod([input.shape[d] for d in dims])) - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than "
                      "the reduction factor (input numel divided by output numel).", UserWarning,
                      stacklevel=3)
    return dict(dims=dims, correction=correction, keepdim=keepdim)


@attach()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance, unbiased (divided by n − 1) unless ``unbiased=False`` or ``correction=0``."""
    return Var.apply(input, **_var_args("var", input, dim, unbiased, keepdim, correction))


@attach()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation, unbiased by default like ``var``."""
    return Std.apply(input, **_var_args("std", input, dim, unbiased, keepdim, correction))


def _float(name, input, dim, dtype):
    """``input`` in ``dtype``; without one it must be floating point, as torch's kernels need."""
    if dtype is not None:
        return input.to(dtype)
    if input._data.dtype.kind != "f":
        last = input.ndim == 0 or dim % input.ndim == input.ndim - 1
        kernel = "lastdim_kernel_impl" if last else "kernel_impl"
        raise NotImplementedError(f"\"{name}_{kernel}\" not implemented for '{input.dtype._kind}'")
    return input


@attach()
def softmax(input, dim, dtype=None):
    """eˣ / Σ eˣ along ``dim``: each slice becomes positive and sums to 1."""
    d = _axis(dim, input.ndim)
    return Softmax.apply(_float("softmax", input, dim, dtype), dim=d)


@attach()
def log_softmax(input, dim, dtype=None):
    """log(softmax(x)), computed stably as x − log Σ eˣ."""
    d = _axis(dim, input.ndim)
    return LogSoftmax.apply(_float("log_softmax", input, dim, dtype), dim=d)
