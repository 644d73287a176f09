"""Making tensors: from data (``tensor``), filled (``zeros``, ``full``, ``eye``, ranges) and
random (``rand``, ``randn``, ``randint``), with PyTorch's dtype inference."""
import numpy as np

from . import _dtype
from ._random import rng
from ._tensor import Tensor

_DEFAULT = object()


def _np_dtype(dtype):
    return (dtype or _dtype.get_default_dtype()).np


def _finish(a, requires_grad):
    t = Tensor._wrap(a)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer(data, dtype=None):
    """A numpy array of ``data`` with ``dtype``, or else the dtype torch would give it."""
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=None if dtype is None else dtype.np, copy=True)
    if isinstance(data, Tensor):
        return np.array(data._data, dtype=None if dtype is None else dtype.np, copy=True)
    dtype = dtype or _scalar_type(data)
    data = _unwrap(data)
    if dtype is _dtype.uint8:
        data = _uint8_numbers(data)
    try:  # straight from the Python numbers to dtype (1e300 becomes inf in float32, silently)
        with np.errstate(over="ignore"):
            return np.array(data, dtype=dtype.np)
    except ValueError:
        _check_lengths(data, _first_lengths(data))
        raise


def _scalar_type(data):
    """torch's dtype for ``data``: a Python float is the default float type, an int int64, a bool
    bool; numpy values and tensors keep their dtype; a list promotes the dtypes of its items."""
    if isinstance(data, (np.ndarray, np.generic)):  # before float: np.float64 is a float
        return _dtype.from_numpy_dtype(data.dtype)
    if isinstance(data, bool):
        return _dtype.bool_
    if isinstance(data, int):
        return _dtype.int64
    if isinstance(data, float):
        return _dtype.get_default_dtype()
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if not isinstance(data, (list, tuple)):
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    if not data:
        return _dtype.get_default_dtype()
    kinds = {type(d) for d in data}
    if kinds <= {float} or kinds <= {int}:  # the common case, decided without recursing
        return _scalar_type(data[0])
    return _dtype._widest([_scalar_type(d) for d in data])


def _first_lengths(data):
    """The lengths of ``data``, ``data[0]``, ``data[0][0]``, ...: the shape torch expects."""
    lengths = []
    while isinstance(data, (list, tuple)) and data:
        lengths.append(len(data))
        data = data[0]
    return lengths


def _check_lengths(data, lengths, dim=0):
    """torch's error for nested lists of uneven lengths (``[[1, 2], [3]]``)."""
    if dim == len(lengths) or not isinstance(data, (list, tuple)):
        return
    if len(data) != lengths[dim]:
        raise ValueError(f"expected sequence of length {lengths[dim]} at dim {dim} (got {len(data)})")
    for d in data:
        _check_lengths(d, lengths, dim + 1)


def _unwrap(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_unwrap(d) for d in data]
    return data


def _uint8_numbers(data):
    """The numbers in ``data`` as torch puts them in a uint8 tensor: integers from −255 to 255, the
    negative ones wrapping around (−7 becomes 249, as 256 − 7), and floats from 0 to 255 (cut to
    whole numbers); anything else overflows."""
    from ._ops.elementwise import scalar_as

    if isinstance(data, (list, tuple)):
        return [_uint8_numbers(d) for d in data]
    if isinstance(data, int) and not -2**63 <= data < 2**63:
        raise ValueError("Overflow when unpacking long long")
    if isinstance(data, (int, float, np.number)):
        return scalar_as(data, np.uint8, "uint8")
    return data


def _fill_value(fill_value, dtype):
    """A fill value for a uint8 tensor, wrapped or refused as torch does (see ``_uint8_numbers``)."""
    if dtype is _dtype.uint8 and not isinstance(fill_value, bool):
        from ._ops.elementwise import scalar_as

        return scalar_as(fill_value, np.uint8)
    return fill_value


def _sizes(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (numbers, nested lists, a numpy array)."""
    from ._device import device as _device

    if device is not None:
        _device(device)
    if isinstance(data, Tensor):
        import warnings

        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
                      ".requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    a = _infer(data, dtype)
    if requires_grad and a.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return _finish(a, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor``, but shares memory with a numpy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor that shares memory with ``ndarray``: changing one changes the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(ndarray)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _finish(np.zeros(_sizes(size), _np_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _finish(np.ones(_sizes(size), _np_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = _dtype.result_type(fill_value)
    return _finish(np.full(_sizes((size,)), _fill_value(fill_value, dtype), dtype.np), requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    return _finish(np.zeros_like(input._data, dtype=(dtype or input.dtype).np), requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    return _finish(np.ones_like(input._data, dtype=(dtype or input.dtype).np), requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    dtype = dtype or input.dtype
    return _finish(np.full_like(input._data, _fill_value(fill_value, dtype), dtype=dtype.np), requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Numbers from ``start`` up to (not including) ``end`` by ``step``."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    return _finish(np.arange(start, end, step).astype(dtype.np), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included."""
    return _finish(np.linspace(start, end, int(steps)).astype(_np_dtype(dtype)), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype)), requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform random numbers in [0, 1)."""
    return _finish(rng(generator).random(_sizes(size)).astype(_np_dtype(dtype)), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal random numbers (mean 0, variance 1)."""
    return _finish(rng(generator).standard_normal(_sizes(size)).astype(_np_dtype(dtype)), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Random integers in [low, high): ``randint(10, (3,))`` or ``randint(0, 10, (3,))``."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    a = rng(generator).integers(low, high, _sizes((size,)))
    return _finish(a.astype((dtype or _dtype.int64).np), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None):
    """A random ordering of 0 .. n-1."""
    return Tensor._wrap(rng(generator).permutation(n).astype((dtype or _dtype.int64).np))


def rand_like(input, dtype=None, requires_grad=False):
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input, dtype=None, requires_grad=False):
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def _random_fill(self, values):
    from ._ops.inplace import inplace

    with_values = Tensor._wrap(values.astype(self._data.dtype))
    return inplace(self, lambda t: with_values)


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill in place with uniform random numbers in [a, b)."""
    return _random_fill(self, rng(generator).uniform(a, b, self._data.shape))


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill in place with normal random numbers."""
    return _random_fill(self, rng(generator).normal(mean, std, self._data.shape))


Tensor.uniform_ = _uniform_
Tensor.normal_ = _normal_
Tensor.new_tensor = lambda self, data, dtype=None, requires_grad=False: tensor(
    data, dtype=dtype or self.dtype, requires_grad=requires_grad)
Tensor.new_zeros = lambda self, *size, dtype=None, requires_grad=False: zeros(
    *size, dtype=dtype or self.dtype, requires_grad=requires_grad)
Tensor.new_ones = lambda self, *size, dtype=None, requires_grad=False: ones(
    *size, dtype=dtype or self.dtype, requires_grad=requires_grad)
