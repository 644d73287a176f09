"""Comparisons and logic: results are bool tensors, outside the graph (no gradient flows)."""
import numpy as np

from .._tensor import Tensor, attach
from .elementwise import _NUMBER, _check_broadcast


def _compare(ufunc):
    def fn(input, other):
        if not isinstance(other, (Tensor,) + _NUMBER):
            return NotImplemented
        b = other._data if isinstance(other, Tensor) else other
        try:
            return Tensor._wrap(ufunc(input._data, b))
        except ValueError:
            _check_broadcast(input._data, b)
            raise

    fn.__name__ = ufunc.__name__
    return fn


eq, ne, lt, le, gt, ge = map(_compare, (np.equal, np.not_equal, np.less, np.less_equal,
                                         np.greater, np.greater_equal))
logical_and, logical_or, logical_xor = map(_compare, (np.logical_and, np.logical_or, np.logical_xor))
bitwise_and, bitwise_or, bitwise_xor = map(_compare, (np.bitwise_and, np.bitwise_or, np.bitwise_xor))

for _name, _fn in dict(eq=eq, ne=ne, lt=lt, le=le, gt=gt, ge=ge, logical_and=logical_and,
                       logical_or=logical_or, logical_xor=logical_xor, greater=gt, less=lt,
                       greater_equal=ge, less_equal=le, not_equal=ne).items():
    setattr(Tensor, _name, _fn)
Tensor.__eq__, Tensor.__ne__, Tensor.__lt__, Tensor.__le__, Tensor.__gt__, Tensor.__ge__ = (
    eq, ne, lt, le, gt, ge)
Tensor.__and__ = Tensor.__rand__ = bitwise_and
Tensor.__or__ = Tensor.__ror__ = bitwise_or
Tensor.__xor__ = Tensor.__rxor__ = bitwise_xor


@attach()
def logical_not(input):
    return Tensor._wrap(np.logical_not(input._data))


def _invert(self):
    if self._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return Tensor._wrap(np.invert(self._data))


Tensor.__invert__ = Tensor.bitwise_not = _invert


@attach()
def isnan(input):
    return Tensor._wrap(np.isnan(input._data))


@attach()
def isinf(input):
    return Tensor._wrap(np.isinf(input._data))


@attach()
def isfinite(input):
    return Tensor._wrap(np.isfinite(input._data))


@attach()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return Tensor._wrap(np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@attach()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element of input is close to other: |input − other| ≤ atol + rtol·|other|."""
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@attach()
def equal(input, other):
    """True when both tensors have the same shape and the same elements."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


@attach()
def all(input, dim=None, keepdim=False):
    return Tensor._wrap(np.all(input._data, axis=dim, keepdims=keepdim))


@attach()
def any(input, dim=None, keepdim=False):
    return Tensor._wrap(np.any(input._data, axis=dim, keepdims=keepdim))
