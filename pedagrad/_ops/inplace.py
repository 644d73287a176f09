"""In-place operations (``add_``, ``mul_``, ``zero_``, ``x += 1``, ...) and their rules.

An in-place op changes a tensor's memory and bumps its version counter, so a backward that
needs the old values can tell they are gone. In the graph, the tensor is *rebased*: it becomes
the output of the in-place op, whose input is the tensor's old self (a copy of its values).
"""
import numpy as np

from .._tensor import Tensor, attach
from ..autograd import grad_mode
from ..autograd.function import Op
from . import elementwise as ew


class Fill(Op):
    """out = value everywhere;  ∂out/∂x = 0"""

    _name = "FillBackward2"

    def forward(ctx, a, value, name="FillBackward2"):
        ctx._name = name
        return np.full_like(a, value)

    def backward(ctx, grad):
        return grad * 0


def check_inplace(t):
    """The errors PyTorch raises for in-place changes it could not differentiate through."""
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    base = t._base
    if base is not None and base._requires_grad:
        if base._grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        raise RuntimeError("pedagrad does not track in-place changes made through a view of a "
                           "tensor that is in the graph; write it out of place instead "
                           "(for example y = y * 2 rather than y[0].mul_(2)).")


def snapshot(t):
    """The tensor's current values in new memory, at its current place in the graph."""
    s = Tensor._wrap(t._data.copy(), t._requires_grad, t._grad_fn)
    s._output_nr = t._output_nr
    return s


def _write(t, result):
    src, dst = result._data, t._data
    if np.result_type(src.dtype, dst.dtype) != dst.dtype and src.dtype.kind != dst.dtype.kind:
        from .._dtype import from_numpy_dtype

        raise RuntimeError(f"result type {from_numpy_dtype(src.dtype)._kind} can't be cast to the "
                           f"desired output type {from_numpy_dtype(dst.dtype)._kind}")
    try:
        np.copyto(dst, src, casting="unsafe")
    except ValueError as e:
        if not dst.flags.writeable:
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor "
                               "refers to a single memory location. Please clone() the tensor before "
                               "performing the operation.") from None
        raise RuntimeError(f"output with shape [{', '.join(map(str, dst.shape))}] doesn't match the "
                           f"broadcast shape [{', '.join(map(str, src.shape))}]") from e
    t._vc[0] += 1


def rebase(t, result):
    """Make ``t`` hold ``result``'s values and take its place in the graph."""
    _write(t, result)
    t._grad_fn, t._output_nr, t._requires_grad = result._grad_fn, 0, result._requires_grad


def inplace(t, fn, *args, **kwargs):
    """Apply the out-of-place ``fn`` and store its result in ``t`` itself."""
    records = grad_mode._state.enabled and (
        t._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if not records:
        with grad_mode.no_grad():
            _write(t, fn(t, *args, **kwargs))
        return t
    check_inplace(t)
    result = fn(snapshot(t), *args, **kwargs)
    if np.shape(result._data) != t._data.shape:
        raise RuntimeError(f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the "
                           f"broadcast shape [{', '.join(map(str, result.shape))}]")
    rebase(t, result)
    return t


@attach()
def add_(self, other, *, alpha=1):
    return inplace(self, ew.add, other, alpha=alpha)


@attach()
def sub_(self, other, *, alpha=1):
    return inplace(self, ew.sub, other, alpha=alpha)


@attach()
def mul_(self, other):
    return inplace(self, ew.mul, other)


@attach()
def div_(self, other):
    if self._data.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {self.dtype._kind}")
    return inplace(self, ew.div, other)


@attach()
def pow_(self, exponent):
    return inplace(self, ew.pow, exponent)


@attach()
def remainder_(self, other):
    return inplace(self, ew.remainder, other)


@attach()
def fmod_(self, other):
    return inplace(self, ew.fmod, other)


@attach()
def floor_divide_(self, other):
    return inplace(self, ew.floor_divide, other)


@attach()
def clamp_(self, min=None, max=None):
    return inplace(self, ew.clamp, min, max)


@attach()
def masked_fill_(self, mask, value):
    """Write ``value`` (a number or a 0-d tensor) into this tensor wherever ``mask`` is True."""
    ew.check_masked_fill_args("masked_fill_", (mask, value))
    return inplace(self, ew._masked_fill, mask, value)


@attach()
def zero_(self):
    return inplace(self, lambda t: Fill.apply(t, value=0, name="ZeroBackward0"))


@attach()
def fill_(self, value):
    if not isinstance(value, Tensor):  # a number that doesn't fit the dtype is refused (or wrapped), as torch
        value = ew.scalar_as(value, self._data.dtype)
    return inplace(self, lambda t: Fill.apply(t, value=value))


class Copy(Op):
    """out = src broadcast to x's shape;  ∂out/∂x = 0,  ∂out/∂src = 1"""

    _name = "torch::autograd::CopyBackwards"

    def forward(ctx, a, src):
        return np.broadcast_to(src, a.shape).astype(a.dtype)

    def backward(ctx, grad):
        return grad * 0, grad


@attach()
def copy_(self, src):
    """Copy ``src``'s values (broadcast to this shape) into this tensor."""
    return inplace(self, Copy.apply, src)


Tensor.__iadd__ = add_
Tensor.__isub__ = sub_
Tensor.__imul__ = mul_
Tensor.__itruediv__ = div_
Tensor.__imod__ = remainder_
Tensor.__ifloordiv__ = floor_divide_
