"""Elementwise operations: arithmetic, powers, remainders and floor division, exp/log,
activations, comparisons, where.

Each op's forward and backward stand side by side. Gradients for broadcast inputs come back at
the broadcast shape; the engine sums them to each input's shape (``autograd/engine.py``).
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, attach
from ..autograd.function import Op
from . import _dual

_NUMBER = (int, float, bool, np.number, np.bool_)


def _operands(a, b):
    """Cast ``a`` and ``b`` to the dtype PyTorch computes ``a op b`` in; numbers stay numbers."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb and a._data.dtype == b._data.dtype:
        return a, b
    if not (ta or isinstance(a, _NUMBER)) or not (tb or isinstance(b, _NUMBER)):
        raise TypeError(f"unsupported operand types: '{type(a).__name__}' and '{type(b).__name__}'")
    dt = _dtype.result_type(a, b)
    return _as(a, dt), _as(b, dt)


def _as(x, dt):
    if isinstance(x, Tensor):
        if x._data.dtype == dt.np or (x._data.dtype.kind == "f" and dt.is_floating_point):
            return x  # one float dtype to another happens inside the op: see _promote
        return x.to(dt)
    return x.item() if isinstance(x, np.generic) else x  # np.float64(2) counts as a Python number


def _promote(a, b):
    """Two float arrays in the dtype torch computes in: the wider one, except that a dimensioned
    tensor's dtype beats a 0-d tensor's. Torch converts inside the op, so no ToCopy node is made."""
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.dtype == b.dtype:
        return a, b
    if (a.ndim == 0) != (b.ndim == 0):
        dt = b.dtype if a.ndim == 0 else a.dtype
    else:
        dt = np.promote_types(a.dtype, b.dtype)
    return a.astype(dt, copy=False), b.astype(dt, copy=False)


def _as_float(x):
    """Integer tensors become the default float dtype first (torch.exp(int tensor) is float32)."""
    return x if x._data.dtype.kind == "f" else x.to(_dtype.get_default_dtype())


def broadcast_shapes(sa, sb):
    """The shape two shapes broadcast to, or torch's error naming the first clash from the right."""
    for i in range(1, min(len(sa), len(sb)) + 1):
        if sa[-i] != sb[-i] and sa[-i] != 1 and sb[-i] != 1:
            raise RuntimeError(f"The size of tensor a ({sa[-i]}) must match the size of tensor b "
                               f"({sb[-i]}) at non-singleton dimension {max(len(sa), len(sb)) - i}")
    return tuple(np.broadcast_shapes(tuple(sa), tuple(sb)))


def _check_broadcast(a, b):
    broadcast_shapes(np.shape(a), np.shape(b))


_OPERAND = (Tensor,) + _NUMBER


def _binary(op, a, b, **params):
    if not (type(a) is Tensor and type(b) is Tensor and a._data.dtype is b._data.dtype):
        if not isinstance(b, _OPERAND) or not isinstance(a, _OPERAND):
            return NotImplemented
        a, b = _operands(a, b)
    try:
        return op.apply(a, b, **params)
    except ValueError:
        _check_broadcast(getattr(a, "_data", a), getattr(b, "_data", b))
        raise


# -- arithmetic -----------------------------------------------------------------------------

class Add(Op):
    """out = self + alpha·other;  ∂out/∂self = 1,  ∂out/∂other = alpha"""

    _name = "AddBackward0"

    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        a, b = _promote(a, b)
        return a + b if alpha == 1 else a + alpha * b

    def backward(ctx, grad):
        return grad, grad if ctx.alpha == 1 else grad * ctx.alpha


class Sub(Op):
    """out = self − alpha·other;  ∂out/∂self = 1,  ∂out/∂other = −alpha"""

    _name = "SubBackward0"

    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        a, b = _promote(a, b)
        return a - b if alpha == 1 else a - alpha * b

    def backward(ctx, grad):
        return grad, -grad if ctx.alpha == 1 else grad * -ctx.alpha


class Rsub(Op):
    """out = other − alpha·self (``2 - x``);  ∂out/∂self = −alpha"""

    _name = "RsubBackward1"

    def forward(ctx, a, other, alpha=1):
        ctx.alpha = alpha
        return other - a if alpha == 1 else other - alpha * a

    def backward(ctx, grad):
        return -grad if ctx.alpha == 1 else grad * -ctx.alpha


class Mul(Op):
    """out = self·other;  ∂out/∂self = other,  ∂out/∂other = self"""

    _name = "MulBackward0"
    saved_names = ("self", "other")

    def forward(ctx, a, b):
        need = ctx.needs_input_grad  # each input is kept only if the *other* one needs a gradient
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        a, b = _promote(a, b)
        return a * b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


class Div(Op):
    """out = self / other;  ∂out/∂self = 1/other,  ∂out/∂other = −self/other²"""

    _name = "DivBackward0"
    saved_names = ("self", "other")

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        a, b = _promote(a, b)
        return a / b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad / b if need_a else None, -grad * a / (b * b) if need_b else None


class Reciprocal(Op):
    """out = 1 / self;  ∂out/∂self = −out²"""

    _name = "ReciprocalBackward0"
    saved_names = ("result",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a):
        out = 1 / a
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return -grad * out * out


class Neg(Op):
    """out = −self;  ∂out/∂self = −1"""

    _name = "NegBackward0"

    def forward(ctx, a):
        return -a

    def backward(ctx, grad):
        return -grad


class Pow(Op):
    """out = self ** exponent (a number);  ∂out/∂self = exponent · self^(exponent−1)"""

    _name = "PowBackward0"
    saved_names = ("self",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, exponent):
        ctx.exponent = exponent
        ctx.save_for_backward(a)
        return a ** exponent

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        e = ctx.exponent
        return grad * 0 if e == 0 else grad * e * a ** (e - 1)


class PowTensor(Op):
    """out = self ** exponent;  ∂out/∂self = exponent·self^(exponent−1),  ∂out/∂exponent = out·ln self"""

    _name = "PowBackward1"
    saved_names = ("self", "exponent", "result")

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, e):
        out = _power(*_promote(a, e))
        ctx.save_for_backward(a, e, out)
        return out

    def backward(ctx, grad):
        a, e, out = ctx.saved_tensors
        need_a, need_e = ctx.needs_input_grad
        grad_a = grad * e * a ** (e - 1) if need_a else None
        # 0 ** e has no slope in e for e >= 0; torch defines it as 0 rather than nan
        grad_e = grad * _dual.where((a == 0) & (e >= 0), 0.0, out * _dual.log(a)) if need_e else None
        return grad_a, grad_e


class RPow(Op):
    """out = base ** self (a number to a tensor power);  ∂out/∂self = out · ln base"""

    _name = "PowBackward2"
    saved_names = ("exponent", "result")

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, e, base):
        out = _power(base, e)
        ctx.base = base
        ctx.save_for_backward(e, out)
        return out

    def backward(ctx, grad):
        e, out = ctx.saved_tensors
        if ctx.base == 0:
            return grad * _dual.where(e >= 0, 0.0, out * -math.inf)
        return grad * out * math.log(ctx.base)


def add(input, other, *, alpha=1):
    """input + alpha · other, broadcasting like torch."""
    return _binary(Add, input, other, alpha=alpha)


def _check_bool_subtraction(a, b):
    """torch refuses ``-`` when either side is a bool (a tensor or a Python bool)."""
    bools = [v._data.dtype == np.bool_ if isinstance(v, Tensor) else isinstance(v, (bool, np.bool_))
             for v in (a, b)]
    if all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def sub(input, other, *, alpha=1):
    """input − alpha · other."""
    if isinstance(other, (Tensor,) + _NUMBER):
        _check_bool_subtraction(input, other)
    return _binary(Sub, input, other, alpha=alpha)


def rsub(input, other, *, alpha=1):
    if not isinstance(other, _NUMBER):
        return NotImplemented
    _check_bool_subtraction(input, other)
    a, other = _operands(input, other)
    return Rsub.apply(a, other=other, alpha=alpha)


def mul(input, other):
    """input · other."""
    return _binary(Mul, input, other)


def div(input, other, *, rounding_mode=None):
    """input / other (true division: integer inputs give a float result); with
    ``rounding_mode="floor"`` or ``"trunc"``, the quotient rounded down or toward zero."""
    if rounding_mode is not None:
        return _called(lambda a, b: _rounded_div(a, b, rounding_mode), "div", input, other)
    if not isinstance(other, _OPERAND):
        return NotImplemented
    a, b = _operands(input, other)
    if isinstance(a, Tensor) and a._data.dtype.kind != "f":
        a, b = _operands(_as_float(a), b)
    return _binary(Div, a, b)


def rdiv(input, other):
    """``2 / x`` is computed as ``x.reciprocal() * 2``, as in PyTorch (so its grad_fn is MulBackward0)."""
    if not isinstance(other, _NUMBER):
        return NotImplemented
    return mul(reciprocal(input), other)


def neg(input):
    """−input."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(input)


def reciprocal(input):
    """1 / input."""
    return Reciprocal.apply(_as_float(input))


def pow(input, exponent):
    """input ** exponent; either may be a tensor."""
    input, exponent = (v.item() if isinstance(v, np.generic) else v for v in (input, exponent))
    if isinstance(input, _NUMBER):
        e = _as_float(exponent) if isinstance(input, float) else exponent
        return RPow.apply(e, base=input)
    if isinstance(exponent, Tensor):
        a, e = _operands(input, exponent)
        return _binary(PowTensor, a, e)
    if not isinstance(exponent, _NUMBER):
        return NotImplemented
    a = _as(input, _dtype.result_type(input, exponent))  # bool ** 2 is int64, int ** 0.5 float32
    if a._data.dtype.kind in "iu" and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return Pow.apply(a, exponent=exponent)


def _power(a, e):
    """a ** e; for integers torch makes a negative power 0, unless the base is 1 or −1."""
    negative = np.asarray(e) < 0
    if np.result_type(a, e).kind not in "iu" or not negative.any():
        return np.power(a, e)
    out = np.power(a, np.abs(e))  # 1 / a^|e| is a^|e| itself when a is ±1
    return np.where(negative & (np.abs(a) != 1), 0, out).astype(out.dtype, copy=False)


def rpow(input, base):
    return pow(base, input)


# -- remainders and floor division -------------------------------------------------------------

def _int_division(kernel, a, b):
    """torch's errors for integer division: no bool kernels, and no dividing by an integer 0."""
    dt = a._data.dtype if isinstance(a, Tensor) else b._data.dtype
    if dt == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    if dt.kind in "iu" and np.any(getattr(b, "_data", b) == 0):
        raise RuntimeError("ZeroDivisionError")


@np.errstate(all="ignore")  # x % 0 is nan for floats, as in torch
def _remainder(a, b):
    """a − floor(a/b)·b, the sign of b's (Python's %). For floats as torch computes it: fmod,
    moved by b where the signs differ (so -5.0 % 2.5 is -0.0, where numpy gives 0.0)."""
    a, b = _promote(a, b)
    if np.result_type(a, b).kind in "iu":
        return np.remainder(a, b)
    m = np.fmod(a, b)
    return np.where((m != 0) & ((np.asarray(b) < 0) != (m < 0)), m + b, m)


@np.errstate(all="ignore")  # x // 0 is ±inf or nan for floats, as in torch
def _floor_divide(a, b):
    """floor(a / b), computed exactly (numpy's algorithm is torch's: fmod, then a correction)."""
    return np.floor_divide(*_promote(a, b))


@np.errstate(all="ignore")
def _trunc_divide(a, b):
    """a / b rounded toward zero."""
    a, b = _promote(a, b)
    if np.result_type(a, b).kind in "iu":
        q = np.floor_divide(a, b)  # floor, then one step toward zero where the signs differ
        return q + ((q < 0) & (q * b != a))
    return np.trunc(a / b)


def _const(fn, a, b, like):
    """``fn(a, b)`` as a constant beside ``like`` (for quotients: their slope is 0 almost everywhere)."""
    return _dual.constant_like(np.asarray(fn(getattr(a, "_data", a), getattr(b, "_data", b))), like)


class Remainder(Op):
    """out = self − floor(self/other)·other;  ∂out/∂self = 1,  ∂out/∂other = −floor(self/other)"""

    _name = "RemainderBackward1"
    saved_names = ("self", "other")

    def forward(ctx, a, b):
        need_b = ctx.needs_input_grad[1]
        ctx.save_for_backward(a if need_b else None, b if need_b else None)
        return _remainder(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad if need_a else None, -grad * _const(_floor_divide, a, b, grad) if need_b else None


class RemainderScalar(Op):
    """out = self − floor(self/other)·other, other a number;  ∂out/∂self = 1"""

    _name = "RemainderBackward0"

    def forward(ctx, a, other):
        return _remainder(a, other)

    def backward(ctx, grad):
        return grad


class Fmod(Op):
    """out = self − trunc(self/other)·other (the sign of self's);  ∂out/∂self = 1,
    ∂out/∂other = −trunc(self/other)"""

    _name = "FmodBackward1"
    saved_names = ("self", "other")

    @np.errstate(all="ignore")
    def forward(ctx, a, b):
        need_b = ctx.needs_input_grad[1]
        ctx.save_for_backward(a if need_b else None, b if need_b else None)
        return np.fmod(*_promote(a, b))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad if need_a else None, -grad * _const(_trunc_divide, a, b, grad) if need_b else None


class FmodScalar(Op):
    """out = self − trunc(self/other)·other, other a number;  ∂out/∂self = 1"""

    _name = "FmodBackward0"

    @np.errstate(all="ignore")
    def forward(ctx, a, other):
        return np.fmod(a, other)

    def backward(ctx, grad):
        return grad


class DivRounded(Op):
    """out = floor(self/other) or trunc(self/other);  ∂out/∂self = ∂out/∂other = 0 (a step function)"""

    _name = "DivBackward2"

    def forward(ctx, a, b, rounding_mode):
        return (_floor_divide if rounding_mode == "floor" else _trunc_divide)(a, b)

    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        return grad * 0 if need_a else None, grad * 0 if need_b else None


class NotDifferentiable(Op):
    """An op torch gives no derivative (``x // y``, ``2 % x``): its node is named NotImplemented
    and its backward fails, as torch's does."""

    _name = "torch::autograd::NotImplemented"

    def forward(ctx, *arrays, fn, aten):
        ctx.aten = aten
        return fn(*arrays)

    def backward(ctx, grad):
        raise RuntimeError(f"derivative for aten::{ctx.aten} is not implemented")


def _no_derivative(fn, aten, a, b):
    """``fn(a, b)`` under a NotImplemented node with an edge for each tensor that requires grad
    (torch's node has no edge for the others)."""
    live = [v for v in (a, b) if isinstance(v, Tensor) and v._requires_grad]
    data_a, data_b = getattr(a, "_data", a), getattr(b, "_data", b)
    if len(live) == 2:
        call = fn
    elif live and live[0] is a:
        call = lambda x: fn(x, data_b)
    else:
        call = lambda x: fn(data_a, x)
    try:
        if not live:
            return Tensor._wrap(np.asarray(fn(data_a, data_b)))
        return NotDifferentiable.apply(*live, fn=call, aten=aten)
    except ValueError:
        _check_broadcast(data_a, data_b)
        raise


def _scalar_or_tensor(kernel, tensor_op, scalar_op, input, other):
    """``tensor_op(input, other)`` for two tensors, ``scalar_op`` with the number as a parameter."""
    if not isinstance(other, _OPERAND) or not isinstance(input, Tensor):
        return NotImplemented
    a, b = _operands(input, other)
    _int_division(kernel, a, b)
    if isinstance(b, Tensor):
        return _binary(tensor_op, a, b)
    return scalar_op.apply(a, other=b)


def _number_first(name, kernel, fn, number, tensor):
    """``number op tensor`` (``2 % x``, ``2 // x``): torch gives it no derivative."""
    if not isinstance(number, _NUMBER):
        return NotImplemented
    e, number = _operands(tensor, number)
    _int_division(kernel, number, e)
    return _no_derivative(fn, name, number, e)


def _called(fn, name, *args):
    """A function call (not an operator) with arguments that aren't tensors or numbers: TypeError."""
    out = fn(*args) if isinstance(args[0], Tensor) else NotImplemented
    if out is NotImplemented:
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but "
                        "expected (Tensor input, Tensor other) or (Tensor input, Number other)")
    return out


def _mod(input, other):
    return _scalar_or_tensor("remainder_cpu", Remainder, RemainderScalar, input, other)


def _rmod(input, other):
    return _number_first("remainder", "remainder_cpu", _remainder, other, input)


def remainder(input, other):
    """The remainder of input / other with the sign of other, as Python's ``%``."""
    if isinstance(input, _NUMBER) and isinstance(other, Tensor):
        return _rmod(other, input)
    if isinstance(input, _NUMBER) and isinstance(other, _NUMBER):
        a, b = type(input).__name__, type(other).__name__
        raise TypeError(f"remainder() received an invalid combination of arguments - got ({a}, {b}), but "
                        "expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n"
                        " * (Number self, Tensor other)\n      didn't match because some of the "
                        f"arguments have invalid types: (!{a}!, !{b}!)\n"
                        " * (Tensor input, Number other, *, Tensor out = None)\n")
    return _called(_mod, "remainder", input, other)


def fmod(input, other):
    """The remainder of input / other with the sign of input, as C's fmod."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__}), but expected one of:\n"
                        " * (Tensor input, Tensor other, *, Tensor out = None)\n"
                        " * (Tensor input, Number other, *, Tensor out = None)\n")
    return _called(lambda a, b: _scalar_or_tensor("fmod_cpu", Fmod, FmodScalar, a, b),
                   "fmod", input, other)


def _floordiv(input, other):
    if not isinstance(other, _OPERAND):
        return NotImplemented
    a, b = _operands(input, other)
    _int_division("div_floor_cpu", a, b)
    return _no_derivative(_floor_divide, "floor_divide", a, b)


def _rfloordiv(input, other):
    return _number_first("floor_divide", "div_floor_cpu", _floor_divide, other, input)


def floor_divide(input, other):
    """floor(input / other), as Python's ``//`` (torch gives it no derivative)."""
    if isinstance(input, _NUMBER) and isinstance(other, Tensor):
        return _rfloordiv(other, input)
    return _called(_floordiv, "floor_divide", input, other)


def _rounded_div(input, other, rounding_mode):
    """torch.div(input, other, rounding_mode="floor" or "trunc")."""
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                           f"found '{rounding_mode}'")
    if not isinstance(other, _OPERAND):
        return NotImplemented
    a, b = _operands(input, other)
    _int_division(f"div_{rounding_mode}_cpu", a, b)
    return _binary(DivRounded, a, b, rounding_mode=rounding_mode)


# -- exp, log and friends -------------------------------------------------------------------

class Exp(Op):
    """out = eˣ;  ∂out/∂x = out"""

    _name = "ExpBackward0"
    saved_names = ("result",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out


class Log(Op):
    """out = ln x;  ∂out/∂x = 1/x"""

    _name = "LogBackward0"
    saved_names = ("self",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / a


class Log1p(Op):
    """out = ln(1 + x), exact for tiny x;  ∂out/∂x = 1/(1 + x)"""

    _name = "Log1PBackward0"
    saved_names = ("self",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a + 1)


class Expm1(Op):
    """out = eˣ − 1, exact for tiny x;  ∂out/∂x = out + 1"""

    _name = "Expm1Backward0"
    saved_names = ("result",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a):
        out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (out + 1)


class Sqrt(Op):
    """out = √x;  ∂out/∂x = 1 / (2·out)"""

    _name = "SqrtBackward0"
    saved_names = ("result",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad / (2 * out)


class Sin(Op):
    """out = sin x;  ∂out/∂x = cos x"""

    _name = "SinBackward0"
    saved_names = ("self",)

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * _dual.cos(a)


class Cos(Op):
    """out = cos x;  ∂out/∂x = −sin x"""

    _name = "CosBackward0"
    saved_names = ("self",)

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return -grad * _dual.sin(a)


class Tanh(Op):
    """out = tanh x;  ∂out/∂x = 1 − out²"""

    _name = "TanhBackward0"
    saved_names = ("result",)

    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Op):
    """out = 1 / (1 + e⁻ˣ);  ∂out/∂x = out·(1 − out)"""

    _name = "SigmoidBackward0"
    saved_names = ("result",)

    def forward(ctx, a):
        # two branches so that neither exp overflows
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out * (1 - out)


class Softplus(Op):
    """out = ln(1 + e^(βx)) / β, or x where βx > threshold;  ∂out/∂x = σ(βx), or 1 there"""

    _name = "SoftplusBackward0"
    saved_names = ("self",)

    @np.errstate(all="ignore")  # inf and nan arrive silently, as in torch
    def forward(ctx, a, beta, threshold):
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(a)
        bx = a * beta
        return np.where(bx > threshold, a, np.log1p(np.exp(bx)) / beta).astype(a.dtype, copy=False)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        bx = a * ctx.beta
        return _dual.where(bx > ctx.threshold, grad, grad * _dual.sigmoid(bx))


class Relu(Op):
    """out = max(x, 0);  ∂out/∂x = 0 where out ≤ 0, else 1"""

    _name = "ReluBackward0"
    saved_names = ("result",)

    def forward(ctx, a):
        out = np.maximum(a, 0)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return _dual.where(out <= 0, 0.0, grad)  # a nan passes its gradient, as in torch


class Abs(Op):
    """out = |x|;  ∂out/∂x = sign x"""

    _name = "AbsBackward0"
    saved_names = ("self",)

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * _dual.sign(a)


class Sign(Op):
    """out = sign x;  ∂out/∂x = 0"""

    _name = "SignBackward0"

    def forward(ctx, a):
        return a.copy() if a.dtype == np.bool_ else _dual.sign(a)

    def backward(ctx, grad):
        return grad * 0


class Round(Op):
    """out = x rounded to the nearest integer (halves to even), or to ``decimals`` places;
    ∂out/∂x = 0 (a step function)"""

    _name = "RoundBackward0"

    @np.errstate(all="ignore")  # decimals so large that 10^decimals is inf give nan, as in torch
    def forward(ctx, a, decimals=None):
        if decimals is None:
            return np.rint(a)
        ctx._name = "RoundBackward1"
        places = -decimals if decimals < 0 else decimals
        scale = np.power(np.float64(10), places).astype(a.dtype)  # 10^places in a's dtype, as torch
        return np.rint(a / scale) * scale if decimals < 0 else np.rint(a * scale) / scale

    def backward(ctx, grad):
        return _dual.zeros_like(grad)


class Clamp(Op):
    """out = min(max(x, min), max);  ∂out/∂x = 1 inside [min, max], else 0"""

    _name = "ClampBackward1"
    saved_names = ("self",)

    def forward(ctx, a, min=None, max=None):
        ctx.min, ctx.max = min, max
        ctx.save_for_backward(a)
        return np.clip(a, min, max)

    def backward(ctx, grad):
        a, = ctx.saved_tensors
        lo, hi = ctx.min, ctx.max
        if lo is not None and hi is not None:
            return grad * ((a >= lo) & (a <= hi))
        return grad * (a >= lo) if lo is not None else grad * (a <= hi)


class Maximum(Op):
    """out = max(self, other);  the gradient goes to the larger input (split in half on ties)"""

    _name = "MaximumBackward0"
    saved_names = ("self", "other")

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(*_promote(a, b))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        tie = (a == b) * 0.5
        return grad * ((a > b) + tie), grad * ((a < b) + tie)


class Minimum(Op):
    """out = min(self, other);  the gradient goes to the smaller input (split in half on ties)"""

    _name = "MinimumBackward0"
    saved_names = ("self", "other")

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(*_promote(a, b))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        tie = (a == b) * 0.5
        return grad * ((a < b) + tie), grad * ((a > b) + tie)


class Where(Op):
    """out = self where condition else other;  each input gets the gradient where it was chosen"""

    _name = "WhereBackward0"
    saved_names = ("condition",)

    def forward(ctx, a, b, condition):
        ctx.save_for_backward(condition)
        return np.where(condition, *_promote(a, b))

    def backward(ctx, grad):
        cond, = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (_dual.where(cond, grad, 0.0) if need_a else None,
                _dual.where(cond, 0.0, grad) if need_b else None)


class MaskedFill(Op):
    """out = value where mask, else self (value a number);  ∂out/∂self = 0 where mask, else 1"""

    _name = "MaskedFillBackward0"
    saved_names = ("mask",)

    def forward(ctx, a, mask, value):
        ctx.save_for_backward(mask)
        return np.where(mask, value, a)

    def backward(ctx, grad):
        mask, = ctx.saved_tensors
        return _dual.where(mask, 0.0, grad)


class MaskedFillTensor(Op):
    """out = value where mask, else self (value a 0-d tensor);  ∂out/∂self = 0 where mask, else 1,
    ∂out/∂value = 1 at every masked element"""

    _name = "MaskedFillBackward1"
    saved_names = ("mask",)

    def forward(ctx, a, value, mask, fill):
        ctx.save_for_backward(mask)
        return np.where(mask, fill, a)

    def backward(ctx, grad):
        mask, = ctx.saved_tensors
        need_a, need_value = ctx.needs_input_grad
        return (_dual.where(mask, 0.0, grad) if need_a else None,
                _dual.where(mask, grad, 0.0) if need_value else None)


def _unary(op):
    def fn(input):
        return op.apply(_as_float(input))

    fn.__doc__ = op.__doc__
    return fn


def _tensor_input(name, input):
    """torch's TypeError for a function given something other than a tensor."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


@attach()
def log1p(input):
    """ln(1 + input), exact even where input is tiny (where log(1 + input) loses it in 1 + input)."""
    return Log1p.apply(_as_float(_tensor_input("log1p", input)))


@attach()
def expm1(input):
    """e^input − 1, exact even where input is tiny (where exp(input) − 1 loses it)."""
    return Expm1.apply(_as_float(_tensor_input("expm1", input)))


exp, log, sqrt, tanh, sigmoid, sin, cos = map(_unary, (Exp, Log, Sqrt, Tanh, Sigmoid, Sin, Cos))
for _fn, _name in ((exp, "exp"), (log, "log"), (sqrt, "sqrt"), (tanh, "tanh"),
                   (sigmoid, "sigmoid"), (sin, "sin"), (cos, "cos")):
    _fn.__name__ = _name
    attach(_name)(_fn)


@attach()
def relu(input):
    """max(input, 0)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


@attach()
def abs(input):
    """|input|."""
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return Abs.apply(input)


@attach()
def sign(input):
    """−1, 0 or 1 by the sign of each element."""
    return Sign.apply(input)


def _round(input, decimals, method):
    if decimals is not None and (not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool)):
        kind = type(decimals).__name__
        if method:
            raise TypeError(f"round(): argument 'decimals' must be int, not {kind}")
        raise TypeError(f"round() received an invalid combination of arguments - got (Tensor, decimals={kind}), "
                        "but expected one of:\n * (Tensor input, *, Tensor out = None)\n"
                        " * (Tensor input, *, int decimals, Tensor out = None)\n")
    kind = input._data.dtype.kind
    if kind != "f":
        if decimals is None and kind in "iu":
            return Tensor._wrap(input._data.copy())  # whole numbers already
        kernel = "round_cpu" if decimals else "round_vml_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype._kind}'")
    return Round.apply(input, decimals=None if decimals is None else int(decimals))


def round(input, *, decimals=None):
    """Each element rounded to the nearest integer, halves to the even one (0.5 → 0, 1.5 → 2), or
    to ``decimals`` places (negative: to tens, hundreds, ...). Its gradient is 0 everywhere."""
    return _round(_tensor_input("round", input), decimals, method=False)


@attach("round")
def _round_method(self, *, decimals=None):
    return _round(self, decimals, method=True)


_round_method.__name__ = "round"


@attach("clamp", "clip")
def clamp(input, min=None, max=None):
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        raise TypeError("pedagrad's clamp takes numbers as bounds; for tensor bounds use "
                        "torch.maximum(input, min) and torch.minimum(input, max)")
    a = _as_float(input) if isinstance(min, float) or isinstance(max, float) else input
    return Clamp.apply(a, min=min, max=max)


clip = clamp


@attach()
def maximum(input, other):
    """Elementwise maximum of two tensors."""
    return _binary(Maximum, input, other)


@attach()
def minimum(input, other):
    """Elementwise minimum of two tensors."""
    return _binary(Minimum, input, other)


def where(condition, input, other):
    """``input`` where ``condition`` is True, else ``other``."""
    if not isinstance(condition, Tensor) or condition._data.dtype != np.bool_:
        kind = condition.dtype._kind if isinstance(condition, Tensor) else type(condition).__name__
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with "
                           f"dtype {kind}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        dt = _dtype.result_type(input, other)
        input = Tensor._wrap(np.asarray(input, dtype=dt.np))
    a, b = _operands(input, other)
    try:
        return Where.apply(a, b, condition=condition._data)
    except ValueError:  # torch broadcasts condition with input first, then with other
        broadcast_shapes(broadcast_shapes(condition.shape, np.shape(getattr(a, "_data", a))),
                         np.shape(getattr(b, "_data", b)))
        raise


attach("where")(lambda self, condition, y: where(condition, self, y))

_CPP_SCALAR = {np.dtype(np.uint8): "uint8_t", np.dtype(np.int32): "int", np.dtype(np.int64): "int64_t",
               np.dtype(np.float32): "float", np.dtype(np.float64): "double"}


def scalar_as(value, np_dtype, name=None):
    """A Python number as a numpy scalar of ``np_dtype``, or torch's error where it overflows (c10's
    checked_convert): an unsigned type takes integers from −max to max, the negative ones wrapping
    around (−1 becomes 255 in uint8); a float must lie in the type's range, and be a number, for an
    integer type. ``name`` is the type as the error names it."""
    np_dtype = np.dtype(np_dtype)
    kind = np_dtype.kind
    if kind == "b" or isinstance(value, (bool, np.bool_)):
        return np.asarray(value).astype(np_dtype)[()]
    info = np.iinfo(np_dtype) if kind in "iu" else np.finfo(np_dtype)
    if isinstance(value, (int, np.integer)):
        value = int(value)
        bad = value > info.max or value < (-int(info.max) if kind == "u" else info.min)
    elif isinstance(value, (complex, np.complexfloating)):
        bad = True
    else:
        value = float(value)
        bad = not info.min <= value <= info.max if kind in "iu" else (
            math.isfinite(value) and not info.min <= value <= info.max)
    if bad:
        raise RuntimeError(f"value cannot be converted to type {name or _CPP_SCALAR[np_dtype]} without overflow")
    return np.asarray(value).astype(np_dtype)[()]


def _arg_text(arg):
    """An argument as torch's argument errors describe it: Tensor, float, list of [int, float]."""
    if isinstance(arg, Tensor):
        return "Tensor"
    if isinstance(arg, list):
        return f"list of [{', '.join(type(a).__name__ for a in arg)}]"
    if isinstance(arg, tuple):
        return f"tuple of ({', '.join(type(a).__name__ for a in arg)})"
    return type(arg).__name__


def check_masked_fill_args(name, args):
    """torch's TypeError when the tensors (input, mask) aren't tensors or value isn't a tensor or a
    number; ``args`` are the arguments as written (``x.masked_fill(mask, value)``: mask and value)."""
    *tensors, value = args
    if all(isinstance(t, Tensor) for t in tensors) and isinstance(value, _OPERAND + (complex,)):
        return
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in args)
    params = ", ".join(f"Tensor {p}" for p in ("input", "mask")[-len(tensors):])
    marked = [_arg_text(t) if isinstance(t, Tensor) else f"!{_arg_text(t)}!" for t in tensors]
    lines = ""
    for kind in ("Tensor", "Number"):  # torch marks the value under Number whatever it is
        v = "Tensor" if kind == "Tensor" and isinstance(value, Tensor) else f"!{_arg_text(value)}!"
        lines += (f" * ({params}, {kind} value)\n      didn't match because some of the arguments have "
                  f"invalid types: ({', '.join(marked + [v])})\n")
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected "
                    f"one of:\n{lines}")


def _masked_fill(input, mask, value):
    broadcast_shapes(mask.shape, input.shape)
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype._cpp}")
    if isinstance(value, Tensor):
        fill = scalar_as(value.item(), input._data.dtype)
        return MaskedFillTensor.apply(input, value, mask=mask._data, fill=fill)
    return MaskedFill.apply(input, mask=mask._data, value=scalar_as(value, input._data.dtype))


def masked_fill(input, mask, value):
    """``input`` with ``value`` (a number or a 0-d tensor) wherever the bool ``mask`` is True; the
    mask broadcasts against input. The usual way to set scores to -inf before a softmax."""
    check_masked_fill_args("masked_fill", (input, mask, value))
    return _masked_fill(input, mask, value)


@attach("masked_fill")
def _masked_fill_method(self, mask, value):
    check_masked_fill_args("masked_fill", (mask, value))
    return _masked_fill(self, mask, value)


_masked_fill_method.__name__ = "masked_fill"

# methods and operators ----------------------------------------------------------------------
attach("add")(add)
attach("sub", "subtract")(sub)
attach("mul", "multiply")(mul)
attach("div", "divide", "true_divide")(div)
attach("neg", "negative")(neg)
attach("reciprocal")(reciprocal)
attach("pow")(pow)
attach("remainder")(remainder)
attach("fmod")(fmod)
attach("floor_divide")(floor_divide)
Tensor.__mod__ = _mod
Tensor.__rmod__ = _rmod
Tensor.__floordiv__ = _floordiv
Tensor.__rfloordiv__ = _rfloordiv
Tensor.__add__ = Tensor.__radd__ = add
Tensor.__sub__ = sub
Tensor.__rsub__ = rsub
Tensor.__mul__ = Tensor.__rmul__ = mul
Tensor.__truediv__ = div
Tensor.__rtruediv__ = rdiv
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__pow__ = pow
Tensor.__rpow__ = rpow
Tensor.__abs__ = abs
