"""Helpers that work on numpy arrays (a plain backward) and on Tensors (``create_graph=True``).

Backward formulas call these where numpy and Tensor spell an operation differently, so that one
formula serves both: on Tensors every step is itself recorded, which gives second derivatives.
"""
import numpy as np


def is_array(x):
    return isinstance(x, (np.ndarray, np.generic))


def dtype_of(g):
    return g.dtype if is_array(g) else g._data.dtype


def cast(g, np_dtype):
    if is_array(g):
        return np.asarray(g).astype(np_dtype, copy=False)
    from .._dtype import from_numpy_dtype

    return g.to(from_numpy_dtype(np_dtype))


def sum_to(g, shape):
    """Sum ``g`` over the dimensions that broadcasting added or stretched, giving ``shape``."""
    lead = g.ndim - len(shape)
    if lead < 0:
        raise ValueError(shape)
    stretched = []
    for i, s in enumerate(shape):
        if s != g.shape[lead + i]:
            if s != 1:
                raise ValueError(shape)
            stretched.append(lead + i)
    axes = tuple(range(lead)) + tuple(stretched)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape) if lead else g


def expand(g, shape):
    return np.broadcast_to(g, shape) if is_array(g) else g.expand(shape)


def where(cond, a, b):
    from .._tensor import Tensor

    if not any(isinstance(v, Tensor) for v in (cond, a, b)):
        return np.where(cond, a, b)
    from .elementwise import where as t_where

    return t_where(constant_like(cond, a if isinstance(a, Tensor) else b), a, b)


def log(a):
    return np.log(a) if is_array(a) else a.log()


def exp(a):
    return np.exp(a) if is_array(a) else a.exp()


def sigmoid(a):
    """1 / (1 + e⁻ˣ), in two branches so that no exp overflows."""
    if not is_array(a):
        return a.sigmoid()
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def zeros_like(g):
    """Zeros shaped like ``g``, outside any graph (a gradient that is 0 whatever ``g`` holds)."""
    return np.zeros_like(g) if is_array(g) else constant_like(np.zeros_like(g._data), g)


def sin(a):
    return np.sin(a) if is_array(a) else a.sin()


def cos(a):
    return np.cos(a) if is_array(a) else a.cos()


def sign(a):
    """−1, 0 or 1; 0 for nan too, as torch's sign (numpy's is nan)."""
    if not is_array(a):
        return a.sign()
    out = np.sign(a)
    return np.where(np.isnan(out), out.dtype.type(0), out) if out.dtype.kind == "f" else out


def isnan(a):
    return np.isnan(a) if is_array(a) else a.isnan()


def permute(g, dims):
    return np.transpose(g, dims) if is_array(g) else g.permute(*dims)


def constant_like(array, like):
    """``array`` as a value of the same kind as ``like`` (a Tensor that needs no grad, or as is)."""
    if is_array(like) or not is_array(array):
        return array
    from .._tensor import Tensor

    return Tensor._wrap(np.asarray(array))


def index_backward(g, shape, key, accumulate):
    """A zero tensor of ``shape`` with ``g`` added at ``key`` (the gradient of ``x[key]``)."""
    if is_array(g):
        out = np.zeros(shape, dtype=g.dtype)
        if accumulate:
            np.add.at(out, key, g)
        else:
            out[key] = g
        return out
    from .indexing import IndexBackwardOp

    return IndexBackwardOp.apply(g, shape=shape, key=key, accumulate=accumulate)
