"""Printouts against PyTorch: each tensor is built the same way in both libraries and printed."""
import math

import numpy as np
import pytest

import pedagrad


def _wide(lib):
    return lib.tensor(np.linspace(-3, 3, 30).reshape(2, 15))


def _big(lib, shape, dtype=np.float32):
    return lib.tensor(np.arange(np.prod(shape)).reshape(shape).astype(dtype) / 7)


TENSORS = {
    # integers and bools
    "int": lambda lib: lib.tensor([1, 2, 3]),
    "negative-int": lambda lib: lib.tensor([-1, 20, -300]),
    "int-matrix": lambda lib: lib.tensor([[1, -22], [333, 4]]),
    "int32": lambda lib: lib.tensor([1, 2], dtype=lib.int32),
    "uint8": lambda lib: lib.tensor([1, 255], dtype=lib.uint8),
    "bool": lambda lib: lib.tensor([True, False, True]),
    "bool-matrix": lambda lib: lib.tensor([[True], [False]]),
    "arange": lambda lib: lib.arange(5),
    # floats: four decimals, or whole numbers as "1."
    "float": lambda lib: lib.tensor([0.1, -2.25, 3.14159]),
    "float-matrix": lambda lib: lib.tensor([[0.5, -1.25], [10.125, 3.0]]),
    "whole-floats": lambda lib: lib.tensor([1., 2.]),
    "whole-negative-floats": lambda lib: lib.tensor([-1., 20., 300.]),
    "zeros": lambda lib: lib.zeros(2, 3),
    "ones": lambda lib: lib.ones(3),
    "rounding": lambda lib: lib.tensor([0.99999, 1.00004, 2.123456]),
    "float-1000": lambda lib: lib.tensor([999.5, 1.0]),
    # scientific notation
    "sci-small": lambda lib: lib.tensor([1e-5, 1.0]),
    "sci-large": lambda lib: lib.tensor([1e10, 1.0]),
    "sci-mixed": lambda lib: lib.tensor([1e-5, 1e10, -3.5]),
    "sci-only-small": lambda lib: lib.tensor([1e-5, 2e-5]),
    "sci-whole-large": lambda lib: lib.tensor([1e9, 1.0]),
    "sci-whole-ratio": lambda lib: lib.tensor([1.0, 2000.0]),
    "sci-negative": lambda lib: lib.tensor([-1e-8, 5.0]),
    "sci-matrix": lambda lib: lib.tensor([[1e-6, 2.0], [3.0, 4e6]]),
    "sci-boundary": lambda lib: lib.tensor([1e-4, 1.0]),
    "sci-just-below": lambda lib: lib.tensor([5e-5, 1.0]),
    "sci-ratio-boundary": lambda lib: lib.tensor([1.0, 1000.5]),
    "sci-big-whole": lambda lib: lib.tensor([123456789.0]),
    "sci-0d-large": lambda lib: lib.tensor(1e10),
    "big-ints": lambda lib: lib.tensor([2 ** 40, -3]),
    "float32-rounding": lambda lib: lib.tensor([0.1, 0.2, 0.3]) * 3,
    # special values
    "nan": lambda lib: lib.tensor([float("nan"), 1.5]),
    "inf": lambda lib: lib.tensor([float("inf"), -float("inf"), 1.0]),
    "nan-inf-whole": lambda lib: lib.tensor([math.nan, math.inf, 2.0]),
    "only-nan": lambda lib: lib.tensor([math.nan, math.nan]),
    "only-inf": lambda lib: lib.tensor([math.inf]),
    "nan-sci": lambda lib: lib.tensor([math.nan, 1e-7, 1.0]),
    "zero-and-inf": lambda lib: lib.tensor([-math.inf, 0.0]),
    "negative-zero": lambda lib: lib.tensor([-0.0, 1.0]),
    "negative-zero-alone": lambda lib: lib.tensor([-0.0]),
    "negative-zero-decimals": lambda lib: lib.tensor([-0.0, 0.5]),
    # empty tensors
    "empty": lambda lib: lib.tensor([]),
    "empty-2d": lambda lib: lib.zeros(0, 3),
    "empty-3d": lambda lib: lib.zeros(2, 0, 4),
    "empty-int": lambda lib: lib.tensor([], dtype=lib.int64),
    "empty-int-2d": lambda lib: lib.zeros(3, 0, dtype=lib.int64),
    "empty-float64": lambda lib: lib.zeros(0, dtype=lib.float64),
    "empty-bool": lambda lib: lib.zeros(0, 2, dtype=lib.bool),
    "empty-int32": lambda lib: lib.zeros(0, dtype=lib.int32),
    "empty-requires-grad": lambda lib: lib.zeros(0, 2, requires_grad=True),
    # dtype suffixes
    "float64": lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64),
    "float64-whole": lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64),
    "float64-matrix": lambda lib: lib.tensor([[1.123456789, 2.0], [3.0, 4.0]], dtype=lib.float64),
    "int32-matrix": lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int32),
    # 0-d tensors
    "0d-float": lambda lib: lib.tensor(3.5),
    "0d-whole": lambda lib: lib.tensor(3.0),
    "0d-int": lambda lib: lib.tensor(7),
    "0d-bool": lambda lib: lib.tensor(True),
    "0d-float64": lambda lib: lib.tensor(0.1, dtype=lib.float64),
    "0d-sci": lambda lib: lib.tensor(1e-7),
    "0d-nan": lambda lib: lib.tensor(math.nan),
    "0d-requires-grad": lambda lib: lib.tensor(2.5, requires_grad=True),
    # wrapping and summarising
    "wide-row": _wide,
    "wide-int-row": lambda lib: lib.arange(40) * 1000,
    "wide-float64-row": lambda lib: lib.tensor(np.linspace(0, 1, 25)),
    "long-1d": lambda lib: _big(lib, (2000,)),
    "summarised-2d": lambda lib: _big(lib, (40, 30)),
    "summarised-3d": lambda lib: _big(lib, (11, 10, 12)),
    "summarised-bool": lambda lib: lib.tensor(np.arange(1500) % 3 == 0),
    "summarised-int": lambda lib: lib.arange(1001),
    "summarised-sci": lambda lib: lib.tensor(np.logspace(-6, 6, 1200)),
    "summarised-float64": lambda lib: _big(lib, (1001,), np.float64),
    "summarised-wide-middle": lambda lib: _big(lib, (4, 300)),
    "just-below-threshold": lambda lib: _big(lib, (1000,)),
    # dtypes inferred from the data
    "numpy-float64-scalar": lambda lib: lib.tensor(np.float64(1.5)),
    "numpy-int32-scalar": lambda lib: lib.tensor(np.int32(3)),
    "numpy-bool-scalar": lambda lib: lib.tensor(np.bool_(True)),
    "numpy-0d-array": lambda lib: lib.tensor(np.array(2.5)),
    "numpy-scalars-in-list": lambda lib: lib.tensor([np.float32(1.5), np.float64(2.25)]),
    "numpy-float32-and-float": lambda lib: lib.tensor([np.float32(0.1), 0.2]),
    "numpy-int32-and-int": lambda lib: lib.tensor([np.int32(1), 2]),
    "int-and-numpy-float64": lambda lib: lib.tensor([[1], [np.float64(0.1)]]),
    "numpy-int64-and-float": lambda lib: lib.tensor([np.int64(1), 2.5]),
    "tensors-in-list": lambda lib: lib.tensor([lib.tensor(1.5, dtype=lib.float64), 2.0]),
    "bool-and-int": lambda lib: lib.tensor([True, 2]),
    "int-and-float": lambda lib: lib.tensor([[1, 2], [3, 4.5]]),
    "tuple-of-tuples": lambda lib: lib.tensor(((1, 2), (3, 4))),
    "empty-nested": lambda lib: lib.tensor([[], []]),
    "overflow-to-inf": lambda lib: lib.tensor([1e300, 1.0]),
    "float64-precision": lambda lib: lib.tensor([0.1], dtype=lib.float64) * 3,
    # more dims
    "3d": lambda lib: lib.tensor(np.arange(24).reshape(2, 3, 4) / 4),
    "4d": lambda lib: lib.tensor(np.arange(16.0).reshape(2, 2, 2, 2)),
    "3d-int": lambda lib: lib.arange(12).reshape(2, 3, 2),
    "3d-single": lambda lib: lib.ones(1, 1, 1),
    # autograd suffixes
    "requires-grad": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    "requires-grad-float64": lambda lib: lib.tensor([1.0, 2.5], dtype=lib.float64, requires_grad=True),
    "grad-fn": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2,
    "grad-fn-sum": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True).sum(),
    "grad-fn-float64": lambda lib: lib.tensor([[1.0, 2.0]], dtype=lib.float64, requires_grad=True).exp(),
    "grad-fn-wide": lambda lib: _wide(lib).requires_grad_() + 1,
    "grad-fn-suffix-wraps": lambda lib: lib.tensor(np.linspace(0, 1, 12), requires_grad=True) * 2,
    "grad-fn-summarised": lambda lib: _big(lib, (1001,)).requires_grad_().relu(),
    "detached": lambda lib: (lib.tensor([1.0, 2.0], requires_grad=True) * 2).detach(),
}


@pytest.mark.parametrize("build", TENSORS.values(), ids=TENSORS.keys())
def test_repr_and_str(torch, build):
    p, t = build(pedagrad), build(torch)
    assert repr(p) == repr(t)
    assert str(p) == str(t)


@pytest.mark.parametrize("name", ["float", "float64", "0d-float64", "int", "empty", "empty-float64",
                                  "grad-fn-float64", "sci-mixed"])
def test_repr_with_float64_default(torch, name):
    """With float64 as the default dtype, float64 loses its suffix and float32 gains one."""
    try:
        pedagrad.set_default_dtype(pedagrad.float64)
        torch.set_default_dtype(torch.float64)
        for build in (TENSORS[name], lambda lib: TENSORS[name](lib).float()):
            assert repr(build(pedagrad)) == repr(build(torch))
    finally:
        pedagrad.set_default_dtype(pedagrad.float32)
        torch.set_default_dtype(torch.float32)


OPTIONS = [dict(precision=2), dict(precision=0), dict(sci_mode=True), dict(sci_mode=False),
           dict(precision=6, sci_mode=False), dict(profile="short"), dict(profile="full"),
           dict(linewidth=30, precision=8), dict(threshold=5), dict(threshold=5, edgeitems=1),
           dict(threshold=5, edgeitems=0), dict(edgeitems=0)]
OPTION_TENSORS = ["float", "whole-floats", "sci-mixed", "sci-whole-ratio", "nan-inf-whole", "0d-float",
                  "int", "bool", "float64-matrix", "3d", "wide-row", "long-1d", "summarised-2d",
                  "grad-fn-wide", "empty-2d"]


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_print_options(torch, opts):
    """set_printoptions changes both printouts alike."""
    try:
        pedagrad.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        for name in OPTION_TENSORS:
            assert repr(TENSORS[name](pedagrad)) == repr(TENSORS[name](torch)), name
    finally:
        pedagrad.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


SHAPES = [(), (3,), (2, 3), (0,), (1, 0, 4)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_shape_repr(torch, shape):
    p, t = pedagrad.zeros(shape), torch.zeros(shape)
    assert repr(p.shape) == repr(t.shape)
    assert str(p.shape) == str(t.shape)
    assert repr(p.size()) == repr(t.size())
    assert p.shape == t.shape


@pytest.mark.parametrize("name", ["float32", "float64", "int32", "int64", "bool", "uint8", "float",
                                  "double", "long", "int"])
def test_dtype_repr(torch, name):
    assert repr(getattr(pedagrad, name)) == repr(getattr(torch, name))
    assert str(getattr(pedagrad, name)) == str(getattr(torch, name))


@pytest.mark.parametrize("spec", [".3f", ".1e", "", "10.2f", "+.0f", "g"])
def test_format_scalar_tensor(torch, spec):
    assert format(pedagrad.tensor(3.14159), spec) == format(torch.tensor(3.14159), spec)


def test_format_int_scalar_tensor(torch):
    assert f"{pedagrad.tensor(7):>4}" == f"{torch.tensor(7):>4}"


def test_format_refuses_a_spec_for_a_vector(torch):
    with pytest.raises(TypeError) as t_err:
        format(torch.tensor([1.0, 2.0]), ".2f")
    with pytest.raises(TypeError) as p_err:
        format(pedagrad.tensor([1.0, 2.0]), ".2f")
    assert str(p_err.value) == str(t_err.value)


@pytest.mark.parametrize("call", [
    lambda lib, x: x.max(0),
    lambda lib, x: x.min(1),
    lambda lib, x: x.max(dim=1, keepdim=True),
    lambda lib, x: lib.max(x.detach(), -1),
], ids=["max", "min", "max-keepdim", "no-grad"])
def test_return_types_repr(torch, call):
    data = [[1.0, 5.0, 2.0], [4.0, 0.5, 6.0]]
    p = call(pedagrad, pedagrad.tensor(data, requires_grad=True))
    t = call(torch, torch.tensor(data, requires_grad=True))
    assert repr(p) == repr(t)
    assert str(p) == str(t)
    assert isinstance(p, tuple) and isinstance(t, tuple) and len(p) == len(t) == 2
    assert repr(p.values) == repr(t.values) and repr(p.indices) == repr(t.indices)
