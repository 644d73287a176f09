"""Numerical gradient checks (float64) for every differentiable op of pedagrad's public API.

Each test draws shapes (0 to 3 dims, sizes 1..4; mutually broadcastable pairs for binary ops) and
values with hypothesis, and asserts that ``pedagrad.testing.gradcheck`` agrees: the gradient
computed by each op's backward matches central finite differences. ``gradgradcheck`` checks the
second derivatives (``create_graph=True``). For an op that is linear in its inputs the second
derivative is zero whatever backward records, so those ops are checked through ``sq(op(x))``,
which makes the first gradient depend on x through the op's own backward formula.

Inputs stay inside each function's domain (log and sqrt on positive values, division by values
bounded away from 0) and away from points where a function has no derivative (kinks of relu, abs
and clamp; ties between the values compared by max, min, maximum and minimum).
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pedagrad as torch
from pedagrad.autograd import Function
from pedagrad.nn import functional as F
from pedagrad.testing import GradcheckError, gradcheck, gradgradcheck

settings.register_profile(
    "pedagrad-gradcheck", derandomize=True, deadline=None, database=None, print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("pedagrad-gradcheck")
FEW = settings(PROFILE, max_examples=12)  # gradcheck of one op
FEWER = settings(PROFILE, max_examples=6)  # gradgradcheck, and the heavier gradchecks

# -- strategies -------------------------------------------------------------------------------

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
NONSCALAR_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1,
                                          max_side=4).map(lambda s: s.input_shapes)
TRIPLES = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, min_side=1,
                                            max_side=4).map(lambda s: s.input_shapes)
SEEDS = st.integers(0, 2**32 - 1)


def values(shape):
    """float64 values in [-3, 3], as hypothesis likes them (0, bounds, repeats)."""
    return hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))


def uniform(shape):
    """float64 values drawn uniformly in [-3, 3] from a drawn seed (ties are unlikely)."""
    return SEEDS.map(lambda s: np.random.default_rng(s).uniform(-3, 3, shape))


def distinct(shape):
    """Values in random order, any two at least 0.15 apart: no ties for max and min."""
    def make(seed):
        rng = np.random.default_rng(seed)
        n = math.prod(shape)
        v = (rng.permutation(n) - n / 2) * 0.25 + rng.uniform(-0.05, 0.05, n)
        return v.reshape(shape)

    return SEEDS.map(make)


def positive(a):
    return np.abs(a) + 0.5


def nonzero(a):
    return np.where(a >= 0, a + 0.5, a - 0.5)


def away_from(a, *kinks, gap=1e-2):
    """Move any value within ``gap`` of a kink to ``gap`` from it (the kinks must lie far apart)."""
    for k in kinks:
        near = np.abs(a - k) < gap
        a = np.where(near, k + np.where(a >= k, gap, -gap), a)
    return a


def leaf(a):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=True)


def sq(t):
    return t * t


def dims_of(ndim):
    """A dim as torch accepts it: in [-ndim, ndim)."""
    return st.integers(-ndim, ndim - 1)


def dim_tuples(ndim):
    """A tuple of distinct dims, each written positive or negative."""
    return st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).flatmap(
        lambda ds: st.tuples(*[st.sampled_from([d, d - ndim]) for d in ds]))


def check(fn, *arrays):
    inputs = tuple(leaf(a) for a in arrays)
    assert gradcheck(fn, inputs)


def check2(fn, *arrays):
    inputs = tuple(leaf(a) for a in arrays)
    assert gradcheck(fn, inputs)
    inputs = tuple(leaf(a) for a in arrays)
    assert gradgradcheck(fn, inputs)


# -- binary arithmetic, tensor with tensor ----------------------------------------------------

ident = None
BINARY = {
    # name: (fn, domain of a, domain of b, also gradgradcheck sq(fn) rather than fn)
    "add": (lambda a, b: a + b, ident, ident, True),
    "add_fn": (lambda a, b: torch.add(a, b), ident, ident, True),
    "add_alpha": (lambda a, b: torch.add(a, b, alpha=2.5), ident, ident, True),
    "add_method": (lambda a, b: a.add(b), ident, ident, True),
    "sub": (lambda a, b: a - b, ident, ident, True),
    "sub_alpha": (lambda a, b: torch.sub(a, b, alpha=-1.5), ident, ident, True),
    "sub_method": (lambda a, b: a.sub(b), ident, ident, True),
    "mul": (lambda a, b: a * b, ident, ident, False),
    "mul_fn": (lambda a, b: torch.mul(a, b), ident, ident, False),
    "div": (lambda a, b: a / b, ident, nonzero, False),
    "div_fn": (lambda a, b: torch.div(a, b), ident, nonzero, False),
    "pow": (lambda a, b: a ** b, positive, ident, False),
    "pow_fn": (lambda a, b: torch.pow(a, b), positive, ident, False),
    "pow_method": (lambda a, b: a.pow(b), positive, ident, False),
}


def _apply(domain, a):
    return a if domain is None else domain(a)


@pytest.mark.parametrize("name", list(BINARY))
@FEW
@given(shapes=PAIRS, data=st.data())
def test_binary(name, shapes, data):
    fn, da, db, _ = BINARY[name]
    a = _apply(da, data.draw(values(shapes[0])))
    b = _apply(db, data.draw(values(shapes[1])))
    check(fn, a, b)


@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize("side", [0, 1])
@FEW
@given(shapes=PAIRS, data=st.data())
def test_binary_one_side_constant(name, side, shapes, data):
    """Only one operand needs a gradient; the other is a constant tensor."""
    fn, da, db, _ = BINARY[name]
    a = _apply(da, data.draw(values(shapes[0])))
    b = _apply(db, data.draw(values(shapes[1])))
    if side == 0:
        const = torch.tensor(b)
        check(lambda x: fn(x, const), a)
    else:
        const = torch.tensor(a)
        check(lambda y: fn(const, y), b)


@pytest.mark.parametrize("name", ["add", "add_alpha", "sub", "sub_alpha", "mul", "div", "pow"])
@FEWER
@given(shapes=PAIRS, data=st.data())
def test_binary_gradgrad(name, shapes, data):
    fn, da, db, linear = BINARY[name]
    a = _apply(da, data.draw(values(shapes[0])))
    b = _apply(db, data.draw(values(shapes[1])))
    f = (lambda x, y: sq(fn(x, y))) if linear else fn
    assert gradgradcheck(f, (leaf(a), leaf(b)))


SAME_INPUT = {
    "add": lambda a: a + a,
    "sub": lambda a: a - a,
    "mul": lambda a: a * a,
    "div": lambda a: (a + 5) / (a * a + 1),
    "pow": lambda a: (a * a + 0.5) ** a,
    "maximum": lambda a: torch.maximum(a, a),  # a tie everywhere: each side gets half
    "minimum": lambda a: torch.minimum(a, a),
    "matmul": lambda a: a @ a.mT if a.ndim >= 2 else a @ a if a.ndim == 1 else a * a,
}


@pytest.mark.parametrize("name", list(SAME_INPUT))
@FEW
@given(shape=SHAPES, data=st.data())
def test_same_tensor_used_twice(name, shape, data):
    """One tensor as both operands: its two gradients must add up."""
    check2(SAME_INPUT[name], data.draw(values(shape)))


@FEW
@given(shape=SHAPES, data=st.data())
def test_same_tensor_used_twice_where(shape, data):
    x = data.draw(values(shape))
    cond = torch.tensor(x > 0)  # fixed: a condition on the perturbed input would not be smooth
    check2(lambda a: torch.where(cond, a, a * a), x)


@pytest.mark.parametrize("name", ["maximum", "minimum", "max_other", "min_other"])
@FEW
@given(shapes=PAIRS, data=st.data())
def test_maximum_minimum(name, shapes, data):
    fn = {"maximum": torch.maximum, "minimum": torch.minimum,
          "max_other": lambda a, b: a.maximum(b), "min_other": lambda a, b: torch.min(a, b)}[name]
    a, b = data.draw(uniform(shapes[0])), data.draw(uniform(shapes[1]))
    assume(np.all(np.abs(a - b) > 1e-3))  # no ties, where the gradient is not defined
    check(fn, a, b)
    assert gradgradcheck(lambda x, y: sq(fn(x, y)), (leaf(a), leaf(b)))


# -- tensor with a number, and a number with a tensor ------------------------------------------

SCALAR = {
    "add": (lambda x: x + 2.5, ident, True),
    "radd": (lambda x: 2.5 + x, ident, True),
    "add_alpha": (lambda x: torch.add(x, 2, alpha=3), ident, True),
    "sub": (lambda x: x - 1.5, ident, True),
    "rsub": (lambda x: 2 - x, ident, True),
    "sub_alpha": (lambda x: torch.sub(x, 2, alpha=3), ident, True),
    "mul": (lambda x: x * -1.5, ident, True),
    "rmul": (lambda x: 2 * x, ident, True),
    "div": (lambda x: x / 2.5, ident, True),
    "rdiv": (lambda x: 2 / x, nonzero, False),
    "rdiv_float": (lambda x: -1.5 / x, nonzero, False),
    "reciprocal": (lambda x: x.reciprocal(), nonzero, False),
    "reciprocal_fn": (lambda x: torch.reciprocal(x), nonzero, False),
    "neg": (lambda x: -x, ident, True),
    "neg_fn": (lambda x: torch.neg(x), ident, True),
    "neg_method": (lambda x: x.neg(), ident, True),
    "pow_0": (lambda x: x ** 0, ident, False),
    "pow_1": (lambda x: x ** 1, ident, True),
    "pow_2": (lambda x: x ** 2, ident, False),
    "pow_3": (lambda x: x ** 3, ident, False),
    "pow_neg2": (lambda x: x ** -2, nonzero, False),
    "pow_half": (lambda x: x ** 0.5, positive, False),
    "pow_neg_1_5": (lambda x: x ** -1.5, positive, False),
    "pow_2_5": (lambda x: torch.pow(x, 2.5), positive, False),
    "pow_method": (lambda x: x.pow(3), ident, False),
    "rpow_2": (lambda x: 2 ** x, ident, False),
    "rpow_half": (lambda x: 0.5 ** x, ident, False),
    "rpow_float": (lambda x: 2.5 ** x, ident, False),
    "rpow_fn": (lambda x: torch.pow(3, x), ident, False),
}


@pytest.mark.parametrize("name", list(SCALAR))
@FEW
@given(shape=SHAPES, data=st.data())
def test_scalar_operand(name, shape, data):
    fn, domain, _ = SCALAR[name]
    check(fn, _apply(domain, data.draw(values(shape))))


@pytest.mark.parametrize("name", ["add", "rsub", "rmul", "div", "rdiv", "reciprocal", "neg",
                                  "pow_2", "pow_3", "pow_neg2", "pow_half", "rpow_2", "rpow_fn"])
@FEWER
@given(shape=SHAPES, data=st.data())
def test_scalar_operand_gradgrad(name, shape, data):
    fn, domain, linear = SCALAR[name]
    x = _apply(domain, data.draw(values(shape)))
    assert gradgradcheck((lambda t: sq(fn(t))) if linear else fn, (leaf(x),))


# -- remainders and rounded division ----------------------------------------------------------

def off_the_jumps(a, b, rounding=np.floor, margin=0.05):
    """Move a so that a / b is at least ``margin`` from the integers where the quotient jumps."""
    frac = np.abs(a / b - rounding(a / b))
    near = (frac < margin) | (frac > 1 - margin)
    return np.where(near, a + 0.25 * b, a)


def clear_of_jumps(a, b, rounding, margin=1e-3):
    """Is every a / b (broadcast) at least ``margin`` from where its rounding jumps? Finite
    differences move the quotient by less than that."""
    frac = np.abs(a / b - rounding(a / b))
    return bool(np.all((frac > margin) & (frac < 1 - margin)))


REMAINDERS = {
    # name: (fn, rounding of the quotient where it jumps)
    "remainder": (lambda a, b: a % b, np.floor),
    "remainder_fn": (lambda a, b: torch.remainder(a, b), np.floor),
    "remainder_method": (lambda a, b: a.remainder(b), np.floor),
    "fmod": (lambda a, b: torch.fmod(a, b), np.trunc),
    "fmod_method": (lambda a, b: a.fmod(b), np.trunc),
    "div_floor": (lambda a, b: torch.div(a, b, rounding_mode="floor") * b + a, np.floor),
    "div_trunc": (lambda a, b: a.div(b, rounding_mode="trunc") * b + a, np.trunc),
}


@pytest.mark.parametrize("name", list(REMAINDERS))
@FEW
@given(shapes=PAIRS, data=st.data())
def test_remainder_fmod(name, shapes, data):
    fn, rounding = REMAINDERS[name]
    a, b = data.draw(uniform(shapes[0])), nonzero(data.draw(uniform(shapes[1])))
    assume(clear_of_jumps(a, b, rounding))
    check(fn, a, b)


@pytest.mark.parametrize("name", ["remainder", "fmod"])
@FEWER
@given(shapes=PAIRS, data=st.data())
def test_remainder_fmod_gradgrad(name, shapes, data):
    fn, rounding = REMAINDERS[name]
    a, b = data.draw(uniform(shapes[0])), nonzero(data.draw(uniform(shapes[1])))
    assume(clear_of_jumps(a, b, rounding))
    assert gradgradcheck(lambda x, y: sq(fn(x, y)), (leaf(a), leaf(b)))


@pytest.mark.parametrize("divisor", [2.5, -1.5, 0.75])
@pytest.mark.parametrize("op", ["remainder", "fmod", "method"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_remainder_fmod_by_a_number(op, divisor, shape, data):
    rounding = np.trunc if op == "fmod" else np.floor
    x = off_the_jumps(data.draw(values(shape)), divisor, rounding)
    fn = {"remainder": lambda t: t % divisor, "fmod": lambda t: torch.fmod(t, divisor),
          "method": lambda t: t.remainder(divisor)}[op]
    check(fn, x)
    assert gradgradcheck(lambda t: sq(fn(t)), (leaf(x),))


# -- elementwise functions --------------------------------------------------------------------

def _clamp_domain(a):
    return away_from(a, -1.25, 0.75)


UNARY = {
    # name: (fn, domain, gradgradcheck fn itself (True), sq(fn) ("sq") or not at all (False))
    "exp": (torch.exp, ident, True),
    "exp_method": (lambda x: x.exp(), ident, False),
    "log": (torch.log, positive, True),
    "log_method": (lambda x: x.log(), positive, False),
    "sqrt": (torch.sqrt, positive, True),
    "sqrt_method": (lambda x: x.sqrt(), positive, False),
    "sin": (torch.sin, ident, True),
    "sin_method": (lambda x: x.sin(), ident, False),
    "cos": (torch.cos, ident, True),
    "cos_method": (lambda x: x.cos(), ident, False),
    "tanh": (torch.tanh, ident, True),
    "tanh_method": (lambda x: x.tanh(), ident, False),
    "sigmoid": (torch.sigmoid, ident, True),
    "sigmoid_method": (lambda x: x.sigmoid(), ident, False),
    "relu": (torch.relu, lambda a: away_from(a, 0.0), "sq"),
    "relu_method": (lambda x: x.relu(), lambda a: away_from(a, 0.0), False),
    "abs": (torch.abs, lambda a: away_from(a, 0.0), "sq"),
    "abs_method": (lambda x: x.abs(), lambda a: away_from(a, 0.0), False),
    "abs_builtin": (lambda x: abs(x), lambda a: away_from(a, 0.0), False),
    "sign": (torch.sign, lambda a: away_from(a, 0.0), False),
    "clamp": (lambda x: torch.clamp(x, -1.25, 0.75), _clamp_domain, "sq"),
    "clamp_min": (lambda x: torch.clamp(x, min=-1.25), _clamp_domain, False),
    "clamp_max": (lambda x: x.clamp(max=0.75), _clamp_domain, False),
    "clip": (lambda x: torch.clip(x, -1.25, 0.75), _clamp_domain, False),
    "clip_method": (lambda x: x.clip(min=-1.25, max=0.75), _clamp_domain, False),
    "clamp_int_bounds": (lambda x: x.clamp(-1, 2), lambda a: away_from(a, -1.0, 2.0), False),
    "log1p": (torch.log1p, lambda a: positive(a) - 1, True),
    "log1p_method": (lambda x: x.log1p(), lambda a: positive(a) - 1, False),
    "expm1": (torch.expm1, ident, True),
    "expm1_method": (lambda x: x.expm1(), ident, False),
    "softplus": (F.softplus, ident, True),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.5), ident, True),
    "softplus_negative_beta": (lambda x: F.softplus(x, -0.5), ident, True),
    # past the threshold softplus is x itself: a jump there of log1p(e^threshold)/beta − threshold/beta
    "softplus_threshold": (lambda x: F.softplus(x, 2, 1.5), lambda a: away_from(a, 0.75), True),
    "Softplus_module": (lambda x: torch.nn.Softplus(0.5, 1)(x), lambda a: away_from(a, 2.0), False),
    # round is a step function: its gradient is 0 away from the steps (half-integers, or halves of
    # the last decimal place)
    "round": (torch.round, lambda a: away_from(a, *np.arange(-3.5, 4)), False),
    "round_method": (lambda x: x.round(), lambda a: away_from(a, *np.arange(-3.5, 4)), False),
    "round_decimals": (lambda x: torch.round(x, decimals=1), lambda a: away_from(a, *np.arange(-3.05, 3.1, 0.1)),
                       False),
    "round_negative_decimals": (lambda x: (x * 100).round(decimals=-2), lambda a: away_from(a, *np.arange(-2.5, 3)),
                                False),
    "round_times_x": (lambda x: x.round() * x, lambda a: away_from(a, *np.arange(-3.5, 4)), "sq"),
}


@pytest.mark.parametrize("name", list(UNARY))
@FEW
@given(shape=SHAPES, data=st.data())
def test_unary(name, shape, data):
    fn, domain, _ = UNARY[name]
    check(fn, _apply(domain, data.draw(values(shape))))


@pytest.mark.parametrize("name", [n for n, (_, _, gg) in UNARY.items() if gg])
@FEWER
@given(shape=SHAPES, data=st.data())
def test_unary_gradgrad(name, shape, data):
    fn, domain, gg = UNARY[name]
    x = _apply(domain, data.draw(values(shape)))
    assert gradgradcheck((lambda t: sq(fn(t))) if gg == "sq" else fn, (leaf(x),))


@pytest.mark.parametrize("form", ["function", "method", "scalar_other"])
@FEW
@given(shapes=TRIPLES, data=st.data())
def test_where(form, shapes, data):
    cond = torch.tensor(data.draw(hnp.arrays(np.bool_, shapes[0])))
    a, b = data.draw(values(shapes[1])), data.draw(values(shapes[2]))
    if form == "function":
        fn = lambda x, y: torch.where(cond, x, y)
    elif form == "method":
        fn = lambda x, y: x.where(cond, y)
    else:
        fn = lambda x, y: torch.where(cond, x, 0.5) * y
    check(fn, a, b)
    assert gradgradcheck(lambda x, y: sq(fn(x, y)), (leaf(a), leaf(b)))


# -- reductions -------------------------------------------------------------------------------

@st.composite
def reduction_args(draw):
    """(shape, dim, keepdim): dim is None, an int (maybe negative) or a tuple of dims."""
    shape = draw(SHAPES)
    ndim = len(shape)
    choices = [st.none()]
    if ndim:
        choices += [dims_of(ndim), dim_tuples(ndim)]
    return shape, draw(st.one_of(*choices)), draw(st.booleans())


def _reduce_call(op, dim, keepdim, style):
    if dim is None:
        return {"function": lambda x: getattr(torch, op)(x),
                "method": lambda x: getattr(x, op)(),
                "numpy_names": lambda x: getattr(x, op)(keepdims=keepdim)}[style]
    return {"function": lambda x: getattr(torch, op)(x, dim, keepdim),
            "method": lambda x: getattr(x, op)(dim=dim, keepdim=keepdim),
            "numpy_names": lambda x: getattr(x, op)(axis=dim, keepdims=keepdim)}[style]


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("style", ["function", "method", "numpy_names"])
@FEW
@given(args=reduction_args(), data=st.data())
def test_sum_mean(op, style, args, data):
    shape, dim, keepdim = args
    check(_reduce_call(op, dim, keepdim, style), data.draw(values(shape)))


@pytest.mark.parametrize("op", ["sum", "mean"])
@FEWER
@given(args=reduction_args(), data=st.data())
def test_sum_mean_gradgrad(op, args, data):
    shape, dim, keepdim = args
    fn = _reduce_call(op, dim, keepdim, "function")
    assert gradgradcheck(lambda x: sq(fn(x)), (leaf(data.draw(values(shape))),))


@pytest.mark.parametrize("op", ["max", "min"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_max_min_all(op, shape, data):
    x = data.draw(distinct(shape))
    fn = getattr(torch, op)
    check(fn, x)
    check(lambda t: getattr(t, op)(), x)
    assert gradgradcheck(lambda t: sq(fn(t)), (leaf(x),))


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("form", ["values", "index0", "method"])
@FEW
@given(shape=NONSCALAR_SHAPES, keepdim=st.booleans(), data=st.data())
def test_max_min_dim(op, form, shape, keepdim, data):
    dim = data.draw(dims_of(len(shape)))
    x = data.draw(distinct(shape))
    fn = {"values": lambda t: getattr(torch, op)(t, dim, keepdim=keepdim).values,
          "index0": lambda t: getattr(torch, op)(t, dim=dim, keepdim=keepdim)[0],
          "method": lambda t: getattr(t, op)(dim, keepdim).values}[form]
    check(fn, x)


@pytest.mark.parametrize("op", ["max", "min"])
@FEWER
@given(shape=NONSCALAR_SHAPES, keepdim=st.booleans(), data=st.data())
def test_max_min_dim_gradgrad(op, shape, keepdim, data):
    dim = data.draw(dims_of(len(shape)))
    x = data.draw(distinct(shape))
    assert gradgradcheck(lambda t: sq(getattr(torch, op)(t, dim, keepdim).values), (leaf(x),))


@st.composite
def var_args(draw):
    """(values, kwargs) for var/std, with more elements reduced than the correction."""
    shape, dim, keepdim = draw(reduction_args())
    kind = draw(st.sampled_from(["default", "unbiased", "biased", "correction"]))
    kwargs = {"keepdim": keepdim}
    if dim is not None:
        kwargs["dim"] = dim
    correction = 1
    if kind == "unbiased":
        kwargs["unbiased"] = True
    elif kind == "biased":
        kwargs["unbiased"], correction = False, 0
    elif kind == "correction":
        correction = kwargs["correction"] = draw(st.integers(0, 2))
    ndim = len(shape)
    axes = tuple(range(ndim)) if dim is None else tuple(np.atleast_1d(dim) % max(ndim, 1))
    n = math.prod(shape[d] for d in axes)
    assume(n > correction)  # otherwise var is nan (divides by n - correction <= 0)
    x = draw(uniform(shape))
    # std has an infinite slope where it is 0; stay clear of that
    assume(np.all(np.std(x, axis=axes) > 0.05))
    return x, kwargs


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("style", ["function", "method"])
@FEW
@given(args=var_args())
def test_var_std(op, style, args):
    x, kwargs = args
    fn = (lambda t: getattr(torch, op)(t, **kwargs)) if style == "function" else \
        (lambda t: getattr(t, op)(**kwargs))
    check(fn, x)


@pytest.mark.parametrize("op", ["var", "std"])
@FEWER
@given(args=var_args())
def test_var_std_gradgrad(op, args):
    x, kwargs = args
    assert gradgradcheck(lambda t: getattr(torch, op)(t, **kwargs), (leaf(x),))


@pytest.mark.parametrize("op", ["var", "std"])
@FEW
@given(shape=NONSCALAR_SHAPES, unbiased=st.booleans(), data=st.data())
def test_var_std_positional_unbiased(op, shape, unbiased, data):
    """torch.var(x, unbiased) and torch.var(x, dim, unbiased, keepdim), positionally."""
    ndim = len(shape)
    dim = data.draw(dims_of(ndim))
    assume(shape[dim] > int(unbiased) and math.prod(shape) > int(unbiased))
    x = data.draw(uniform(shape))
    assume(np.std(x) > 0.05 and np.all(np.std(x, axis=dim) > 0.05))
    check(lambda t: getattr(torch, op)(t, unbiased), x)
    check(lambda t: getattr(torch, op)(t, dim, unbiased, True), x)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("style", ["function", "method"])
@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data())
def test_softmax(op, style, shape, data):
    dim = data.draw(dims_of(len(shape)))
    fn = (lambda t: getattr(torch, op)(t, dim)) if style == "function" else \
        (lambda t: getattr(t, op)(dim=dim))
    check(fn, data.draw(values(shape)))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@FEWER
@given(shape=NONSCALAR_SHAPES, data=st.data())
def test_softmax_gradgrad(op, shape, data):
    dim = data.draw(dims_of(len(shape)))
    assert gradgradcheck(lambda t: getattr(torch, op)(t, dim), (leaf(data.draw(values(shape))),))


def _lse_call(dim, keepdim, style):
    return {"function": lambda t: torch.logsumexp(t, dim, keepdim),
            "method": lambda t: t.logsumexp(dim=dim, keepdim=keepdim)}[style]


@st.composite
def logsumexp_args(draw):
    """(shape, dim, keepdim) for logsumexp, which needs a dim: None becomes every dim."""
    shape, dim, keepdim = draw(reduction_args())
    return shape, tuple(range(len(shape))) if dim is None else dim, keepdim


@pytest.mark.parametrize("style", ["function", "method"])
@FEW
@given(args=logsumexp_args(), scale=st.sampled_from([1.0, 300.0]), data=st.data())
def test_logsumexp(style, args, scale, data):
    """Also with values so large (×300) that an unshifted exp would overflow."""
    shape, dim, keepdim = args
    fn = _lse_call(dim, keepdim, style)
    check(lambda t: fn(t * scale), data.draw(values(shape)))


@FEWER
@given(args=logsumexp_args(), data=st.data())
def test_logsumexp_gradgrad(args, data):
    shape, dim, keepdim = args
    assert gradgradcheck(_lse_call(dim, keepdim, "function"), (leaf(data.draw(values(shape))),))


@st.composite
def masked_fill_args(draw):
    """(x, mask, form): mask and x broadcast together either way (the result has the joint shape)."""
    xshape, mshape = draw(PAIRS)
    x = draw(values(xshape))
    mask = torch.tensor(draw(hnp.arrays(np.bool_, mshape)))
    return x, mask


@pytest.mark.parametrize("form", ["method", "function", "tensor_value", "inplace", "inplace_tensor_value"])
@FEW
@given(args=masked_fill_args(), v=st.floats(-3, 3))
def test_masked_fill(form, args, v):
    x, mask = args
    value = np.array(v)
    same_shape = np.broadcast_shapes(mask.shape, x.shape) == x.shape  # in place keeps x's shape
    assume(same_shape or not form.startswith("inplace"))
    fn = {"method": lambda t, w: t.masked_fill(mask, 1.5) * w,
          "function": lambda t, w: torch.masked_fill(t, mask, -2.0) * w,
          "tensor_value": lambda t, w: t.masked_fill(mask, w),
          "inplace": lambda t, w: (t * w).masked_fill_(mask, 0.5) * t,
          "inplace_tensor_value": lambda t, w: (t * 2).masked_fill_(mask, w) * t}[form]
    check(fn, x, value)
    assert gradgradcheck(lambda t, w: sq(fn(t, w)), (leaf(x), leaf(value)))


# -- norms -------------------------------------------------------------------------------------

def distinct_magnitudes(shape):
    """Values of random signs whose magnitudes are at least 0.15 apart: no ties for the inf-norms."""
    def make(seed):
        rng = np.random.default_rng(seed)
        n = math.prod(shape)
        mags = 0.5 + rng.permutation(n) * 0.25 + rng.uniform(-0.05, 0.05, n)
        return (mags * rng.choice([-1.0, 1.0], n)).reshape(shape)

    return SEEDS.map(make)


NORM_ORDS = {
    # ord: the values drawn (away from the points where that norm has no derivative)
    2: uniform,
    1: lambda shape: uniform(shape).map(lambda a: away_from(a, 0.0, gap=0.1)),
    math.inf: distinct_magnitudes,
    -math.inf: distinct_magnitudes,
    3: uniform,
    1.5: lambda shape: uniform(shape).map(lambda a: away_from(a, 0.0, gap=0.1)),
    0.5: lambda shape: uniform(shape).map(lambda a: away_from(a, 0.0, gap=0.1)),
    -1: lambda shape: uniform(shape).map(lambda a: away_from(a, 0.0, gap=0.1)),
}


@pytest.mark.parametrize("ord", list(NORM_ORDS), ids=str)
@pytest.mark.parametrize("style", ["vector_norm", "Tensor.norm", "torch.norm"])
@FEW
@given(args=reduction_args(), data=st.data())
def test_norm(ord, style, args, data):
    shape, dim, keepdim = args
    x = data.draw(NORM_ORDS[ord](shape))
    fn = {"vector_norm": lambda t: torch.linalg.vector_norm(t, ord, dim, keepdim),
          "Tensor.norm": lambda t: t.norm(ord, dim, keepdim),
          "torch.norm": lambda t: torch.norm(t, p=ord, dim=dim, keepdim=keepdim)}[style]
    check(fn, x)


@pytest.mark.parametrize("ord", list(NORM_ORDS), ids=str)
@FEWER
@given(args=reduction_args(), data=st.data())
def test_norm_gradgrad(ord, args, data):
    shape, dim, keepdim = args
    x = data.draw(NORM_ORDS[ord](shape))
    fn = (lambda t: sq(torch.linalg.vector_norm(t, ord, dim, keepdim))) if ord in (1, math.inf, -math.inf) \
        else (lambda t: torch.linalg.vector_norm(t, ord, dim, keepdim))
    assert gradgradcheck(fn, (leaf(x),))


@FEW
@given(shape=SHAPES, data=st.data())
def test_norm_default_and_linalg_norm(shape, data):
    x = data.draw(uniform(shape))
    check(lambda t: t.norm(), x)
    check(lambda t: torch.linalg.norm(t), x)
    check(lambda t: torch.linalg.vector_norm(t, dtype=torch.float64) * t.sum(), x)


# -- matrix products --------------------------------------------------------------------------

SIDES = st.integers(1, 4)


@st.composite
def matmul_shapes(draw, kind):
    n, k, m = draw(SIDES), draw(SIDES), draw(SIDES)
    if kind == "1D@1D":
        return (k,), (k,)
    if kind == "2D@1D":
        return (n, k), (k,)
    if kind == "1D@2D":
        return (k,), (k, m)
    if kind == "2D@2D":
        return (n, k), (k, m)
    if kind == "3D@2D":
        return (draw(SIDES), n, k), (k, m)
    if kind == "3D@1D":
        return (draw(SIDES), n, k), (k,)
    if kind == "1D@3D":
        return (k,), (draw(SIDES), k, m)
    if kind == "2D@3D":
        return (n, k), (draw(SIDES), k, m)
    # batched, with the batch dims broadcasting: (b1, n, k) @ (b2, k, m) or more batch dims
    batch_a, batch_b = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=1, max_dims=2, min_side=1, max_side=3)).input_shapes
    if kind == "3D@3D":
        batch_a, batch_b = (batch_a + (1,))[:1], (batch_b + (1,))[:1]
        batch_a = (draw(st.sampled_from([1, 3])),) if batch_a == (1,) else batch_a
        batch_b = (draw(st.sampled_from([batch_a[0], 1])),)
    return batch_a + (n, k), batch_b + (k, m)


MATMUL_KINDS = ["1D@1D", "2D@1D", "1D@2D", "2D@2D", "3D@2D", "3D@1D", "1D@3D", "2D@3D",
                "3D@3D", "ND@ND"]


@pytest.mark.parametrize("kind", MATMUL_KINDS)
@pytest.mark.parametrize("form", ["operator", "function", "method"])
@FEW
@given(data=st.data())
def test_matmul(kind, form, data):
    sa, sb = data.draw(matmul_shapes(kind))
    fn = {"operator": lambda a, b: a @ b, "function": torch.matmul,
          "method": lambda a, b: a.matmul(b)}[form]
    check(fn, data.draw(values(sa)), data.draw(values(sb)))


@pytest.mark.parametrize("kind", MATMUL_KINDS)
@FEWER
@given(data=st.data())
def test_matmul_gradgrad(kind, data):
    sa, sb = data.draw(matmul_shapes(kind))
    assert gradgradcheck(lambda a, b: a @ b, (leaf(data.draw(values(sa))), leaf(data.draw(values(sb)))))


@pytest.mark.parametrize("op", ["mm", "mv", "dot", "bmm"])
@pytest.mark.parametrize("form", ["function", "method"])
@FEW
@given(n=SIDES, k=SIDES, m=SIDES, b=SIDES, data=st.data())
def test_products(op, form, n, k, m, b, data):
    sa, sb = {"mm": ((n, k), (k, m)), "mv": ((n, k), (k,)), "dot": ((k,), (k,)),
              "bmm": ((b, n, k), (b, k, m))}[op]
    fn = getattr(torch, op) if form == "function" else (lambda x, y: getattr(x, op)(y))
    check2(fn, data.draw(values(sa)), data.draw(values(sb)))


# -- shape operations -------------------------------------------------------------------------

def _reversed(t):
    """t with its dims reversed: not contiguous, so reshape has to copy."""
    return t.permute(*range(t.ndim)[::-1])


@st.composite
def reshape_target(draw, shape):
    """Another shape with as many elements: the prime factors regrouped, maybe one -1."""
    factors = [p for s in shape for p in _primes(s)]
    factors = draw(st.permutations(factors))
    cuts = sorted(draw(st.lists(st.integers(0, len(factors)), max_size=3)))
    bounds = [0] + cuts + [len(factors)]
    target = [math.prod(factors[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]
    if target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return tuple(target)


def _primes(n):
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out


@st.composite
def expand_target(draw, shape):
    """A shape ``shape`` broadcasts to: size-1 dims stretched, leading dims added, some -1."""
    lead = draw(st.lists(SIDES, max_size=3 - len(shape))) if len(shape) < 3 else []
    own = []
    for s in shape:
        if s == 1:
            own.append(draw(st.sampled_from([1, 2, 3, -1])))
        else:
            own.append(draw(st.sampled_from([s, -1])))
    return tuple(lead) + tuple(own)


@pytest.mark.parametrize("form", ["reshape", "reshape_fn", "view", "reshape_noncontiguous",
                                  "view_as", "reshape_as"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_reshape_view(form, shape, data):
    target = data.draw(reshape_target(shape))
    like = torch.zeros(tuple(math.prod(shape) // -math.prod(target) if s == -1 else s for s in target))
    fn = {"reshape": lambda t: t.reshape(target),
          "reshape_fn": lambda t: torch.reshape(t, target),
          "view": lambda t: t.view(*target),
          "reshape_noncontiguous": lambda t: _reversed(t).reshape(target),  # a copy, not a view
          "view_as": lambda t: t.view_as(like),
          "reshape_as": lambda t: _reversed(t).reshape_as(like)}[form]
    x = data.draw(values(shape))
    check(fn, x)
    assert gradgradcheck(lambda t: sq(fn(t)), (leaf(x),))


@pytest.mark.parametrize("form", ["function", "method", "default"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_flatten(form, shape, data):
    ndim = max(len(shape), 1)
    start = data.draw(dims_of(ndim))
    end = data.draw(st.integers(start % ndim, ndim - 1))
    fn = {"function": lambda t: torch.flatten(t, start, end),
          "method": lambda t: t.flatten(start_dim=start, end_dim=end),
          "default": lambda t: t.flatten()}[form]
    check(fn, data.draw(values(shape)))


@pytest.mark.filterwarnings("ignore:The use of `x.T` on tensors")  # torch warns alike
@pytest.mark.filterwarnings("ignore:Tensor.T is deprecated on 0-D tensors")
@pytest.mark.parametrize("form", ["transpose", "transpose_fn", "swapaxes", "swapdims", "permute",
                                  "permute_fn", "T", "mT", "t"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_transpose_permute(form, shape, data):
    ndim = len(shape)
    if form in ("transpose", "transpose_fn", "swapaxes", "swapdims"):
        assume(ndim >= 1)  # 0-d tensors: test_zero_dim_with_dim
        d0, d1 = data.draw(dims_of(ndim)), data.draw(dims_of(ndim))
        fn = {"transpose": lambda t: t.transpose(d0, d1),
              "transpose_fn": lambda t: torch.transpose(t, d0, d1),
              "swapaxes": lambda t: torch.swapaxes(t, d0, d1),
              "swapdims": lambda t: t.swapdims(d0, d1)}[form]
    elif form in ("permute", "permute_fn"):
        perm = data.draw(st.permutations(range(ndim)))
        perm = [data.draw(st.sampled_from([d, d - ndim])) for d in perm]
        fn = (lambda t: t.permute(*perm)) if form == "permute" else (lambda t: torch.permute(t, perm))
    elif form == "T":
        fn = lambda t: t.T
    elif form == "mT":
        assume(ndim >= 2)
        fn = lambda t: t.mT
    else:
        assume(ndim <= 2)
        fn = lambda t: t.t()
    x = data.draw(values(shape))
    check(fn, x)
    # a further op on the (non-contiguous) result, and its second derivative
    assert gradgradcheck(lambda t: sq(fn(t)).sum(0) if ndim else sq(fn(t)), (leaf(x),))


ZERO_DIM = {
    "sum": lambda t: t.sum(0),
    "sum_keepdim": lambda t: torch.sum(t, -1, keepdim=True),
    "sum_tuple": lambda t: t.sum((0,)),
    "mean": lambda t: t.mean(-1),
    "var": lambda t: t.var(0, unbiased=False),
    "max": lambda t: t.max(0).values,
    "min": lambda t: torch.min(t, -1, keepdim=True).values,
    "squeeze": lambda t: t.squeeze(0),
    "transpose": lambda t: t.transpose(0, -1),
    "softmax": lambda t: t.softmax(0),
    "log_softmax": lambda t: torch.log_softmax(t, -1),
    "unsqueeze": lambda t: t.unsqueeze(-1),
    "flatten": lambda t: t.flatten(0, -1),
    "permute": lambda t: t.permute(),
}


@pytest.mark.parametrize("name", list(ZERO_DIM))
def test_zero_dim_with_dim(name):
    """torch lets a 0-d tensor be reduced / transposed / squeezed along dim 0 (or -1)."""
    assert gradcheck(ZERO_DIM[name], (leaf(1.25),))


@pytest.mark.parametrize("form", ["squeeze_all", "squeeze_dim", "squeeze_fn", "unsqueeze",
                                  "unsqueeze_fn"])
@FEW
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=2), data=st.data())
def test_squeeze_unsqueeze(form, shape, data):
    ndim = len(shape)
    if form == "squeeze_all":
        fn = lambda t: t.squeeze()
    elif form in ("squeeze_dim", "squeeze_fn"):
        assume(ndim >= 1)
        d = data.draw(dims_of(ndim))
        fn = (lambda t: t.squeeze(d)) if form == "squeeze_dim" else (lambda t: torch.squeeze(t, d))
    else:
        d = data.draw(dims_of(ndim + 1))
        fn = (lambda t: t.unsqueeze(d)) if form == "unsqueeze" else (lambda t: torch.unsqueeze(t, d))
    x = data.draw(values(shape))
    check(fn, x)
    assert gradgradcheck(lambda t: sq(fn(t)), (leaf(x),))


@pytest.mark.parametrize("form", ["method", "function", "expand_as"])
@FEW
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), data=st.data())
def test_expand(form, shape, data):
    target = data.draw(expand_target(shape))
    lead = len(target) - len(shape)
    full = tuple(shape[i - lead] if s == -1 else s for i, s in enumerate(target))
    fn = {"method": lambda t: t.expand(*target),
          "function": lambda t: torch.expand(t, target),
          "expand_as": lambda t: t.expand_as(torch.zeros(full))}[form]
    x = data.draw(values(shape))
    check(fn, x)
    # the expanded gradient summed back, as a recorded op; then times the values again
    assert gradgradcheck(lambda t: sq(fn(t)) * fn(t), (leaf(x),))


@pytest.mark.parametrize("form", ["clone", "clone_fn", "to_float64", "to_dtype_kw", "to_copy",
                                  "double", "type_as", "contiguous"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_copies(form, shape, data):
    fn = {"clone": lambda t: t.clone(),
          "clone_fn": lambda t: torch.clone(t),
          "to_float64": lambda t: t.to(torch.float64),
          "to_dtype_kw": lambda t: t.to(dtype=torch.float64),
          "to_copy": lambda t: t.to(torch.float64, copy=True),
          "double": lambda t: t.double(),
          "type_as": lambda t: t.type_as(t),
          "contiguous": lambda t: t.mT.contiguous() if t.ndim >= 2 else t.contiguous()}[form]
    x = data.draw(values(shape))
    check(fn, x)
    assert gradgradcheck(lambda t: sq(fn(t)), (leaf(x),))


@pytest.mark.parametrize("form", ["float_double", "to_float32_exp"])
@FEW
@given(shape=SHAPES, data=st.data())
def test_dtype_round_trip(form, shape, data):
    """Through float32 and back: the gradient is cast back to float64 at the leaf.

    float32 keeps ~7 digits, so the finite differences need a larger step and tolerance.
    """
    fn = {"float_double": lambda t: t.float().double(),
          "to_float32_exp": lambda t: t.to(torch.float32).exp().to(torch.float64)}[form]
    x = leaf(data.draw(values(shape)))
    assert gradcheck(fn, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)
    y = fn(x)
    y.sum().backward()
    assert x.grad.dtype == torch.float64


# -- cat, stack -------------------------------------------------------------------------------

@st.composite
def cat_args(draw, stack):
    shape = draw(NONSCALAR_SHAPES if not stack else SHAPES)
    ndim = len(shape)
    dim = draw(dims_of(ndim + 1 if stack else ndim))
    count = draw(st.integers(1, 3))
    shapes = []
    for _ in range(count):
        s = list(shape)
        if not stack:
            s[dim] = draw(SIDES)
        shapes.append(tuple(s))
    return shapes, dim


@pytest.mark.parametrize("op", ["cat", "concat", "concatenate", "stack"])
@FEW
@given(data=st.data())
def test_cat_stack(op, data):
    shapes, dim = data.draw(cat_args(op == "stack"))
    arrays = [data.draw(values(s)) for s in shapes]
    fn = lambda *ts: getattr(torch, op)(ts, dim=dim)
    check(fn, *arrays)
    # with a tensor that needs no gradient among them
    const = torch.tensor(arrays[0])
    check(lambda *ts: getattr(torch, op)((const,) + ts, dim=dim), *arrays)


@pytest.mark.parametrize("op", ["cat", "stack"])
@FEWER
@given(data=st.data())
def test_cat_stack_gradgrad(op, data):
    shapes, dim = data.draw(cat_args(op == "stack"))
    arrays = [data.draw(values(s)) for s in shapes]
    # a list, positional dim; the product makes each input's gradient depend on the others
    fn = lambda *ts: sq(getattr(torch, op)(list(ts), dim)) * getattr(torch, op)(ts[::-1], dim)
    assert gradgradcheck(fn, tuple(leaf(a) for a in arrays))


# -- indexing ---------------------------------------------------------------------------------

def _no_negative_steps(key):
    parts = key if isinstance(key, tuple) else (key,)
    return not any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in parts)


@FEW
@given(shape=SHAPES, data=st.data())
def test_index_basic(shape, data):
    """ints (maybe negative), slices with steps, None and Ellipsis."""
    key = data.draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True,
                                      allow_ellipsis=True).filter(_no_negative_steps))
    x = data.draw(values(shape))
    check(lambda t: t[key], x)
    assert gradgradcheck(lambda t: sq(t[key]), (leaf(x),))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data())
def test_index_integer_arrays(shape, data):
    """Integer arrays (as tensors, lists or 0-d tensors), with repeated indices."""
    idx = data.draw(hnp.integer_array_indices(
        shape, result_shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=5)))
    as_ = data.draw(st.sampled_from(["tensor", "list"]))
    key = tuple(torch.tensor(i) if as_ == "tensor" or i.ndim == 0 else i.tolist() for i in idx)
    key = key[0] if len(key) == 1 and data.draw(st.booleans()) else key
    x = data.draw(values(shape))
    check(lambda t: t[key], x)
    assert gradgradcheck(lambda t: sq(t[key]), (leaf(x),))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data())
def test_index_repeated(shape, data):
    """The same element picked several times gets the sum of their gradients."""
    size = shape[0]
    idx = data.draw(st.lists(st.integers(-size, size - 1), min_size=2, max_size=6))
    idx = idx + idx[:1]  # at least one repeat
    x = data.draw(values(shape))
    check(lambda t: t[torch.tensor(idx)], x)
    assert gradgradcheck(lambda t: sq(t[idx]), (leaf(x),))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data())
def test_index_bool_mask(shape, data):
    """A boolean mask over the leading k dims (as a tensor), or over all of them."""
    k = data.draw(st.integers(1, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:k]))
    x = data.draw(values(shape))
    check(lambda t: t[torch.tensor(mask)], x)
    positive_mask = torch.tensor(x > 0)  # fixed: a mask of the perturbed input is not smooth
    check(lambda t: t[positive_mask], x)
    assert gradgradcheck(lambda t: sq(t[torch.tensor(mask)]), (leaf(x),))


@st.composite
def mixed_keys(draw, shape):
    """A key mixing ints, stepped slices, integer arrays, a mask, None and Ellipsis."""
    n_idx = draw(st.integers(1, 3))  # all integer arrays share this length (so they broadcast)
    parts, d = [], 0
    if len(shape) >= 2 and draw(st.booleans()):
        parts.append(torch.tensor(draw(hnp.arrays(np.bool_, shape[:2]))))
        d = 2
    for size in shape[d:]:
        if draw(st.booleans()):
            parts.append(None)
        kind = draw(st.sampled_from(["int", "slice", "array", "full"]))
        if kind == "int":
            parts.append(draw(st.integers(-size, size - 1)))
        elif kind == "slice":
            start = draw(st.none() | st.integers(-size, size))
            stop = draw(st.none() | st.integers(-size, size))
            parts.append(slice(start, stop, draw(st.none() | st.integers(1, 3))))
        elif kind == "array":
            parts.append(torch.tensor(draw(st.lists(st.integers(-size, size - 1), min_size=n_idx,
                                                    max_size=n_idx))))
        else:
            parts.append(slice(None))
    # replace a run of trailing full slices with Ellipsis, or put an Ellipsis in front
    while parts and isinstance(parts[-1], slice) and parts[-1] == slice(None) and draw(st.booleans()):
        parts.pop()
        if Ellipsis not in parts:
            parts.append(Ellipsis)
    if Ellipsis not in parts and draw(st.booleans()):
        parts.insert(0, Ellipsis)
    return tuple(parts)


@FEW
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), data=st.data())
def test_index_mixed(shape, data):
    key = data.draw(mixed_keys(shape))
    x = data.draw(values(shape))
    check(lambda t: t[key], x)
    assert gradgradcheck(lambda t: sq(t[key]), (leaf(x),))


# -- writes into non-leaf tensors: setitem and in-place ops -----------------------------------

@st.composite
def setitem_keys(draw, shape):
    """Keys whose positions are distinct (a repeated position has no single value written)."""
    kind = draw(st.sampled_from(["int", "slice", "basic", "array", "mask", "mixed", "ellipsis"]))
    ndim = len(shape)
    if kind == "int":
        return draw(st.integers(-shape[0], shape[0] - 1))
    if kind == "slice":
        return slice(draw(st.none() | st.integers(0, shape[0])), None,
                     draw(st.none() | st.integers(1, 3)))
    if kind == "basic":
        return draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True)
                    .filter(_no_negative_steps))
    if kind == "array":
        rows = draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=shape[0],
                             unique=True))
        return torch.tensor(rows)
    if kind == "mask":
        return torch.tensor(draw(hnp.arrays(np.bool_, shape[:draw(st.integers(1, ndim))])))
    if kind == "mixed" and ndim >= 2:
        cols = draw(st.lists(st.integers(0, shape[1] - 1), min_size=1, max_size=shape[1],
                             unique=True))
        return (slice(None, None, 2), cols) if ndim == 2 else (slice(None, None, 2), cols, -1)
    return (Ellipsis, 0)


def _numpy_key(key):
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for k in parts:
        out.append(k._data if isinstance(k, torch.Tensor) else np.asarray(k) if isinstance(k, list) else k)
    return tuple(out)


@FEW
@given(shape=NONSCALAR_SHAPES, broadcast=st.booleans(), data=st.data())
def test_setitem(shape, broadcast, data):
    """``y = x * 1; y[key] = w``: x gets the gradient outside key, w the gradient inside it."""
    key = data.draw(setitem_keys(shape))
    target = np.empty(shape)[_numpy_key(key)].shape
    wshape = target[data.draw(st.integers(0, len(target))):] if broadcast else target
    if broadcast and wshape:
        wshape = tuple(1 if data.draw(st.booleans()) else s for s in wshape)
    x, w = data.draw(values(shape)), data.draw(values(wshape))

    def fn(a, b):
        y = a * 1
        y[key] = b
        return y

    def into_constant(a, b):
        y = torch.zeros(a.shape, dtype=torch.float64)
        y[key] = b
        return y * a

    check(fn, x, w)
    check(into_constant, x, w)
    assert gradgradcheck(lambda a, b: sq(fn(a, b)), (leaf(x), leaf(w)))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data())
def test_setitem_number_and_chain(shape, data):
    """A number written in; then a second write and a use of the result."""
    x, w = data.draw(values(shape)), data.draw(values(shape[1:]))

    def fn(a, b):
        y = a.exp()
        y = y * 2
        y[0] = 1.5
        y[-1] = b * y[0].clone()  # y[0] itself is a view: saving it, then writing y, is an error
        return y * a

    check(fn, x, w)
    assert gradgradcheck(fn, (leaf(x), leaf(w)))


@pytest.mark.parametrize("when", ["view_after_write", "view_before_mul_", "view_before_setitem"])
def test_view_of_base_written_in_place(when):
    """A view taken after an in-place write differentiates correctly; one taken before it is
    refused with a clear error (torch rebuilds such a view's grad_fn; pedagrad does not)."""
    x = leaf([[1.0, 2.0], [3.0, -4.0]])
    w = leaf([1.5, -0.5])

    def fn(a, b):
        y = a * 2
        if when == "view_after_write":
            y.mul_(b)
            v = y[0]
        elif when == "view_before_mul_":
            v = y[0]
            y.mul_(b)  # v's values are now 2·a[0]·b
        else:
            v = y.view(4)
            y[0] = b  # v's values are now (b, 2·a[1])
        return v * 1

    if when == "view_after_write":
        assert gradcheck(fn, (x, w))
    else:
        with pytest.raises(RuntimeError, match="changed by an in-place operation .* after the view was taken"):
            fn(x, w)


@st.composite
def inplace_shapes(draw):
    """(shape of y, shape of w) where w broadcasts to y's shape (an in-place op keeps the shape)."""
    shape = draw(SHAPES)
    wshape = shape[draw(st.integers(0, len(shape))):]
    return shape, tuple(1 if draw(st.booleans()) else s for s in wshape)


def _iadd(y, w):
    y += w


def _isub(y, w):
    y -= w


def _imul(y, w):
    y *= w


def _idiv(y, w):
    y /= w


INPLACE = {
    # name: (in-place update of y given w, domain of x, domain of w)
    "add_": (lambda y, w: y.add_(w), ident, ident),
    "add_alpha": (lambda y, w: y.add_(w, alpha=-2), ident, ident),
    "sub_": (lambda y, w: y.sub_(w), ident, ident),
    "sub_alpha": (lambda y, w: y.sub_(w, alpha=0.5), ident, ident),
    "mul_": (lambda y, w: y.mul_(w), ident, ident),
    "div_": (lambda y, w: y.div_(w), ident, nonzero),
    "pow_tensor": (lambda y, w: y.pow_(w), positive, ident),
    "pow_number": (lambda y, w: y.pow_(3).mul_(w), ident, ident),
    "clamp_": (lambda y, w: y.clamp_(-1.25, 0.75).mul_(w), _clamp_domain, ident),
    "copy_": (lambda y, w: y.copy_(w), ident, ident),
    "zero_": (lambda y, w: y.zero_().add_(w), ident, ident),
    "fill_": (lambda y, w: y.fill_(2.5).mul_(w), ident, ident),
    "iadd": (_iadd, ident, ident),
    "isub": (_isub, ident, ident),
    "imul": (_imul, ident, ident),
    "idiv": (_idiv, ident, nonzero),
    "chain": (lambda y, w: y.mul_(w).add_(w).div_(2.0).sub_(1.0), ident, ident),
    "masked_fill_": (lambda y, w: y.masked_fill_(w > 0, 1.5).mul_(w), ident, lambda a: away_from(a, 0.0)),
    "masked_fill_tensor_value": (lambda y, w: y.masked_fill_(w > 0, w.sum()), ident, lambda a: away_from(a, 0.0)),
}


@pytest.mark.parametrize("name", list(INPLACE))
@pytest.mark.parametrize("target", ["nonleaf", "constant"])
@FEW
@given(shapes=inplace_shapes(), data=st.data())
def test_inplace(name, target, shapes, data):
    """``y = x * 2; y.op_(w); return y * x``: gradients wrt x (through y's old self) and w.

    With a constant target (``y = torch.full(...)``, needing no grad), y joins the graph
    through w alone.
    """
    update, dx, dw = INPLACE[name]
    x = _apply(dx, data.draw(values(shapes[0])))
    w = _apply(dw, data.draw(values(shapes[1])))

    def fn(a, b):
        if target == "constant":
            y = torch.full(a.shape, 0.5, dtype=torch.float64)
        else:
            y = a * 2 if name != "clamp_" else a * 1
        update(y, b)
        return y * a

    check(fn, x, w)


@pytest.mark.parametrize("name", ["add_", "mul_", "div_", "pow_tensor", "imul", "copy_", "chain"])
@FEWER
@given(shapes=inplace_shapes(), data=st.data())
def test_inplace_gradgrad(name, shapes, data):
    update, dx, dw = INPLACE[name]
    x = _apply(dx, data.draw(values(shapes[0])))
    w = _apply(dw, data.draw(values(shapes[1])))

    def fn(a, b):
        y = a * 2
        update(y, b)
        return y * a

    assert gradgradcheck(fn, (leaf(x), leaf(w)))


# -- a composition of many ops, as in a small network -----------------------------------------

@FEWER
@given(n=SIDES, k=SIDES, m=SIDES, data=st.data())
def test_small_network(n, k, m, data):
    x, w1, b1, w2 = (data.draw(values(s)) for s in ((n, k), (k, m), (m,), (m, 3)))
    target = torch.tensor(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))

    def loss(x, w1, b1, w2):
        h = torch.tanh(x @ w1 + b1)
        logits = h @ w2
        logp = logits.log_softmax(dim=-1)
        return -logp[torch.arange(n), target].mean() + 0.1 * (w1 ** 2).sum()

    check2(loss, x, w1, b1, w2)


# -- gradcheck itself can fail ----------------------------------------------------------------

class WrongSquare(Function):
    """x², with a backward that forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x


class RightSquare(WrongSquare):
    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * grad * x


class WrongMul(Function):
    """a·b, with the gradients of a and b swapped."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * a, grad * b


def _x(shape=(2, 3), seed=0):
    return leaf(np.random.default_rng(seed).uniform(0.5, 2.0, shape))


def test_custom_function_with_right_backward_passes():
    assert gradcheck(RightSquare.apply, (_x(),))
    assert gradgradcheck(RightSquare.apply, (_x(),))


def test_wrong_backward_raises():
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(WrongSquare.apply, (_x(),))


def test_wrong_backward_returns_false_without_raising():
    assert gradcheck(WrongSquare.apply, (_x(),), raise_exception=False) is False


def test_wrong_backward_of_second_input_is_caught():
    a, b = _x(seed=1), _x(seed=2)
    with pytest.raises(GradcheckError):
        gradcheck(WrongMul.apply, (a, b))
    assert gradcheck(WrongMul.apply, (_x(seed=1), _x(seed=2)), raise_exception=False) is False


def test_wrong_second_derivative_is_caught():
    """Backward computed outside the graph (on .detach()): first derivative right, second wrong."""

    class DetachedSquare(WrongSquare):
        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 2 * grad * x.detach()

    assert gradcheck(DetachedSquare.apply, (_x(),))
    with pytest.raises(GradcheckError):
        gradgradcheck(DetachedSquare.apply, (_x(),))
    assert gradgradcheck(DetachedSquare.apply, (_x(),), raise_exception=False) is False


def test_tolerances_are_applied():
    """A backward that is off by 1e-3 relative passes only with a looser rtol."""

    class SlightlyOff(WrongSquare):
        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 2.004 * grad * x

    assert gradcheck(SlightlyOff.apply, (_x(),), raise_exception=False) is False
    assert gradcheck(SlightlyOff.apply, (_x(),), rtol=1e-2)


def test_wrong_builtin_formula_would_be_caught(monkeypatch):
    """Break a built-in op's backward: gradcheck on it must notice."""
    from pedagrad._ops import elementwise

    monkeypatch.setattr(elementwise.Sin, "backward",
                        lambda ctx, grad: grad * np.sin(ctx.saved_tensors[0]))
    with pytest.raises(GradcheckError):
        gradcheck(torch.sin, (_x(),))
