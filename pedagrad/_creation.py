"""Making tensors: from data (``tensor``), filled (``zeros``, ``full``, ``eye``, ranges) and
random (``rand``, ``randn``, ``randint``), with PyTorch's dtype inference."""
import numpy as np

from . import _device, _dtype
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


def _is_int(d):
    """A whole number torch takes as a size: an int, a numpy integer, or a 0-dim integer tensor."""
    if isinstance(d, Tensor):
        return d.ndim == 0 and d.dtype._category == 1
    return isinstance(d, (int, np.integer)) and not isinstance(d, bool)


def _shape(name, args, size=None):
    """The shape a creation function was given, as ``zeros(2, 3)``, ``zeros((2, 3))`` or
    ``zeros(size=(2, 3))``, with torch's argument errors for anything else."""
    where = "(position 1) "
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        dims, where = size, ""
        if not isinstance(dims, (tuple, list)) or dims and not _is_int(dims[0]):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, not {type(dims).__name__}")
    elif not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    elif _is_int(args[0]):
        dims = args
    elif len(args) > 1:
        raise TypeError(f"{name}() takes 1 positional argument but {len(args)} were given")
    elif not isinstance(args[0], (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(args[0]).__name__}")
    else:
        dims = args[0]
        if dims and not _is_int(dims[0]):
            raise TypeError(f"{name}(): argument 'size' {where}must be tuple of ints, but found element "
                            f"of type {type(dims[0]).__name__} at pos 0")
    for i, d in enumerate(dims):
        if not _is_int(d):
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} with "
                            f'error "type must be tuple of ints,but got {type(d).__name__}"')
    shape = tuple(int(d) for d in dims)
    negative = next((d for d in shape if d < 0), None)
    if negative is not None:
        if name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative}: {list(shape)}")
    return shape


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (numbers, nested lists, a numpy array)."""
    _device.check(device)
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


def zeros(*args, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros: ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    _device.check(device)
    return _finish(np.zeros(_shape("zeros", args, size), _np_dtype(dtype)), requires_grad)


def ones(*args, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of ones, its size given as to ``zeros``."""
    _device.check(device)
    return _finish(np.ones(_shape("ones", args, size), _np_dtype(dtype)), requires_grad)


def empty(*args, size=None, dtype=None, device=None, requires_grad=False):
    """torch leaves an empty tensor's memory as it finds it; pedagrad fills it with zeros."""
    _device.check(device)
    return _finish(np.zeros(_shape("empty", args, size), _np_dtype(dtype)), requires_grad)


def _one_size(name, size, fill_value):
    """The shape of ``full`` and ``new_full``, whose size is one tuple followed by a fill value."""
    if fill_value is _DEFAULT:
        raise TypeError(f'{name}() missing 1 required positional arguments: "fill_value"')
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    return _shape(name, (size,))


def full(size, fill_value=_DEFAULT, *, dtype=None, device=None, requires_grad=False):
    """A tensor of ``size`` (a tuple) filled with ``fill_value``, of its dtype unless told."""
    _device.check(device)
    shape = _one_size("full", size, fill_value)
    if dtype is None:
        dtype = _dtype.result_type(fill_value)
    return _finish(np.full(shape, _fill_value(fill_value, dtype), dtype.np), requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    return _finish(np.zeros_like(input._data, dtype=(dtype or input.dtype).np), requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    return _finish(np.ones_like(input._data, dtype=(dtype or input.dtype).np), requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    dtype = dtype or input.dtype
    return _finish(np.full_like(input._data, _fill_value(fill_value, dtype), dtype=dtype.np), requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Numbers from ``start`` up to (not including) ``end`` by ``step``."""
    _device.check(device)
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    return _finish(np.arange(start, end, step).astype(dtype.np), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included."""
    _device.check(device)
    return _finish(np.linspace(start, end, int(steps)).astype(_np_dtype(dtype)), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype)), requires_grad)


def rand(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform random numbers in [0, 1), the size given as to ``zeros``."""
    _device.check(device)
    shape = _shape("rand", args, size)
    return _finish(rng(generator).random(shape).astype(_np_dtype(dtype)), requires_grad)


def randn(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal random numbers (mean 0, variance 1), the size given as to ``zeros``."""
    _device.check(device)
    shape = _shape("randn", args, size)
    return _finish(rng(generator).standard_normal(shape).astype(_np_dtype(dtype)), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Random integers in [low, high): ``randint(10, (3,))`` or ``randint(0, 10, (3,))``."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    _device.check(device)
    a = rng(generator).integers(low, high, _shape("randint", (size,)))
    return _finish(a.astype((dtype or _dtype.int64).np), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None):
    """A random ordering of 0 .. n-1."""
    _device.check(device)
    return Tensor._wrap(rng(generator).permutation(n).astype((dtype or _dtype.int64).np))


def rand_like(input, dtype=None, device=None, requires_grad=False):
    return rand(size=input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):
    return randn(size=input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


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
def _new(name, fill):
    """``x.new_zeros(...)`` and its kin: a new tensor of x's dtype unless told, sized as ``zeros``."""
    def new(self, *args, size=None, dtype=None, device=None, requires_grad=False):
        _device.check(device)
        return _finish(fill(_shape(name, args, size), (dtype or self.dtype).np), requires_grad)

    new.__name__ = name
    return new


def _new_full(self, size, fill_value=_DEFAULT, *, dtype=None, device=None, requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value``, of x's dtype unless told."""
    _device.check(device)
    dtype = dtype or self.dtype
    shape = _one_size("new_full", size, fill_value)
    return _finish(np.full(shape, _fill_value(fill_value, dtype), dtype.np), requires_grad)


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


Tensor.new_tensor = _new_tensor
Tensor.new_zeros = _new("new_zeros", np.zeros)
Tensor.new_ones = _new("new_ones", np.ones)
Tensor.new_empty = _new("new_empty", np.zeros)  # zero-filled, as ``empty``
Tensor.new_full = _new_full
