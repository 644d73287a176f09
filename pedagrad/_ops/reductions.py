"""Reductions: sum, mean, max/min, var/std, norms, argmax/argmin, and softmax / log_softmax."""
import collections
import math
import numbers
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


class VectorNorm(Op):
    """out = (Σ |x|ᵖ)^(1/p) over dims (max |x| for p = ∞);  ∂out/∂x = sgn(x)·|x|^(p−1) / out^(p−1)"""

    _name = "LinalgVectorNormBackward0"
    saved_names = ("self", "result")

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, ord, dims, keepdim, dtype=None):
        ctx.ord, ctx.dim, ctx.keepdim = ord, dims, keepdim
        out_dtype = dtype or a.dtype
        x = np.abs(a.astype(np.promote_types(out_dtype, np.float64)))  # summed in double, as torch on the CPU
        if ord == math.inf or ord == -math.inf:
            out = (x.max if ord > 0 else x.min)(axis=dims, keepdims=keepdim)
        elif ord == 0:
            out = (x != 0).sum(axis=dims, keepdims=keepdim, dtype=x.dtype)
        elif ord == 1:
            out = x.sum(axis=dims, keepdims=keepdim)
        elif ord == 2:
            out = np.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
        else:
            out = (x ** ord).sum(axis=dims, keepdims=keepdim) ** (1.0 / ord)
        out = np.asarray(out).astype(out_dtype)
        ctx.save_for_backward(a, out)
        return out

    @np.errstate(all="ignore")
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        p, dims = ctx.ord, ctx.dim
        if not ctx.keepdim:
            shape = _keepdim_shape(a.shape, dims)
            grad, out = grad.reshape(shape), out.reshape(shape)
        if p == 0:
            return None  # the count of non-zeros is flat: torch gives no gradient at all
        sgn = _dual.sign(a)
        if p == 1:
            return grad * sgn
        if p == 2:
            return a * _dual.where(out == 0, 0.0, grad / out)
        if math.isinf(p):  # shared evenly by the elements at the maximum (or minimum)
            hit = abs(a) == out
            return sgn * (grad / hit.sum(axis=dims, keepdims=True)) * hit
        if p < 1:
            return _dual.where(a == 0, 0.0, sgn * abs(a) ** (p - 1)) * grad * out ** (1 - p)
        scaled = sgn * abs(a) ** (p - 1) if p < 2 else a * abs(a) ** (p - 2)
        return scaled * _dual.where(out == 0, 0.0, grad / out ** (p - 1))


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


class Logsumexp(Op):
    """out = log Σ eˣ over dims, computed as m + log Σ e^(x − m) with m the largest x, so that no
    exp overflows;  ∂out/∂x = e^(x − out) (the softmax of x)"""

    _name = "LogsumexpBackward0"
    saved_names = ("self", "result")

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, dim, keepdim):
        ctx.dim, ctx.keepdim = dim, keepdim
        if a.size:
            m = a.max(axis=dim, keepdims=True)
            m = np.where(np.isinf(m), 0, m).astype(a.dtype)  # an infinite max would make x − m nan
            out = np.log(np.exp(a - m).sum(axis=dim, keepdims=True)) + m
            out = out if keepdim else out.squeeze(dim)
        else:  # nothing to shift by: the sum of no terms is 0, its log −inf
            out = np.log(np.exp(a).sum(axis=dim, keepdims=keepdim))
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if not ctx.keepdim:
            shape = _keepdim_shape(a.shape, ctx.dim)
            grad, out = grad.reshape(shape), out.reshape(shape)
        return grad * _dual.exp(a - out)


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


def _logsumexp(input, dim, keepdim, position):
    """torch.logsumexp, whose argument errors name ``dim``'s position (2 in the function, 1 in the method)."""
    ints = (int, np.integer)
    if isinstance(dim, bool) or not (isinstance(dim, ints) or isinstance(dim, (tuple, list))):
        raise TypeError(f"logsumexp(): argument 'dim' (position {position}) must be tuple of ints, not "
                        f"{type(dim).__name__}")
    if not isinstance(keepdim, bool):
        raise TypeError(f"logsumexp(): argument 'keepdim' (position {position + 1}) must be bool, not "
                        f"{type(keepdim).__name__}")
    if input._data.dtype.kind != "f":  # integers and bools are summed as the default float dtype
        input = input.to(_dtype.get_default_dtype())
    dims = _dims(dim, input.ndim)
    if not isinstance(dim, ints) and not dim and not keepdim and input.ndim:  # torch fails so
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape "
                           f"[{', '.join(['1'] * input.ndim)}]")
    return Logsumexp.apply(input, dim=dims, keepdim=keepdim)


def logsumexp(input, dim, keepdim=False):
    """log Σ eˣ over ``dim`` (an int or a tuple), without overflow: a smooth maximum, and the
    log of softmax's denominator (log_softmax(x) = x − logsumexp(x))."""
    if not isinstance(input, Tensor):
        raise TypeError(f"logsumexp(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return _logsumexp(input, dim, keepdim, position=2)


@attach("logsumexp")
def _logsumexp_method(self, dim, keepdim=False):
    return _logsumexp(self, dim, keepdim, position=1)


_logsumexp_method.__name__ = "logsumexp"


def _ord_text(ord):
    """An order as torch prints it: 2, -1, 1.5, inf."""
    return f"{ord:g}"


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of x's elements, over all dims or the given ones: (Σ |x|ᵒʳᵈ)^(1/ord);
    ord = inf is the largest |x|, -inf the smallest, 0 the number of non-zero elements."""
    if isinstance(ord, str) or not isinstance(ord, numbers.Real):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
                        f"{type(ord).__name__}")
    if not x.is_floating_point():
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {x.dtype._kind}")
    if dtype is not None:
        if not dtype.is_floating_point:
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but "
                               f"got {dtype._kind}")
        if np.promote_types(x._data.dtype, dtype.np) != dtype.np:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({x.dtype._kind}) should be "
                               f"convertible without narrowing to the specified dtype ({dtype._kind})")
    dims = _dims(dim, x.ndim)
    ord = float(ord) if isinstance(ord, bool) else ord
    if x.numel() == 0 and (ord < 0 or ord == math.inf):
        if dim is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_text(ord)} norm on an empty "
                               "tensor because the operation does not have an identity")
        for d in [dim] if isinstance(dim, int) else dim:  # named as given, negative or not
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_text(ord)} norm on the "
                                   f"dimension {d}because this dimension is empty and the operation "
                                   "does not have an identity")
    return VectorNorm.apply(x, ord=ord, dims=dims, keepdim=keepdim, dtype=dtype and dtype.np)


def matrix_norm_checks(A, ord, dim):
    """torch.linalg.matrix_norm's checks, in its order, with ``dim`` a list of two dims; returns
    the dims in range. Of the matrix norms pedagrad has only "fro" (the 2-norm of the elements)."""
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif ord not in (1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {_ord_text(ord)} not supported.")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    dims = tuple(_dim(d, A.ndim) for d in dim)
    if dims[0] == dims[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dims[0]}, {dims[1]})")
    if ord != "fro":
        raise NotImplementedError(f"the matrix norm of order {ord!r} (torch.linalg.matrix_norm) is not in "
                                  "pedagrad; it has vector norms (ord 2, 1, inf or any number, over "
                                  "any dims) and 'fro'")
    return dims


@attach()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm of the elements (over ``dim``): 2 (``"fro"``, the default), 1, inf, any number;
    as torch.linalg.vector_norm. Matrix norms (``"nuc"``) are not in pedagrad."""
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
        return vector_norm(input, 2, matrix_norm_checks(input, p, dims), keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)
