"""dtypes with PyTorch's names, and PyTorch's type-promotion rules (torch.result_type)."""
import numpy as np


class dtype:
    """A tensor element type; prints as PyTorch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize", "_category", "_kind", "_cpp")

    def __init__(self, name, np_type, category, kind, cpp):
        self.name = name
        self._kind, self._cpp = kind, cpp  # how torch's C++ errors name it: "Float", "float"
        self.np = np.dtype(np_type)
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating point
        self.is_floating_point = category == 2

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, 0, "Bool", "bool")
uint8 = dtype("uint8", np.uint8, 1, "Byte", "unsigned char")
int32 = dtype("int32", np.int32, 1, "Int", "int")
int64 = dtype("int64", np.int64, 1, "Long", "long int")
float32 = dtype("float32", np.float32, 2, "Float", "float")
float64 = dtype("float64", np.float64, 2, "Double", "double")

ALL = (bool_, uint8, int32, int64, float32, float64)
_FROM_NUMPY = {d.np: d for d in ALL}


def _by_name(name):
    return next(d for d in ALL if d.name == name)


def from_numpy_dtype(np_dtype):
    """The pedagrad dtype of a numpy dtype, or a TypeError naming the supported ones."""
    try:
        return _FROM_NUMPY[np_dtype]
    except KeyError:
        supported = ", ".join(d.np.name for d in ALL)
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. "
            f"The only supported types are: {supported}."
        ) from None


class _Defaults:
    float = float32


_defaults = _Defaults()


def get_default_dtype():
    """The dtype of floating-point tensors made from Python floats (float32 unless changed)."""
    return _defaults.float


def set_default_dtype(d):
    """Make ``d`` (float32 or float64) the dtype of new floating-point tensors."""
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _defaults.float = d


def _widest(dtypes):
    """Highest category first, then the widest within it (int64 + float32 -> float32, as torch)."""
    return max(dtypes, key=lambda d: (d._category, d.itemsize))


def _scalar_category(x):
    if isinstance(x, (bool, np.bool_)):
        return 0
    if isinstance(x, (int, np.integer)):
        return 1
    return 2


def result_type(*operands):
    """torch.result_type: dimensioned tensors > zero-dim tensors > Python scalars, by category."""
    from ._tensor import Tensor

    dims = [o.dtype for o in operands if isinstance(o, Tensor) and o.ndim]
    zero = [o.dtype for o in operands if isinstance(o, Tensor) and not o.ndim]
    scalars = [_scalar_category(o) for o in operands if not isinstance(o, Tensor)]
    if not dims:
        dims, zero = zero, []
    result = _widest(dims) if dims else None
    if zero:
        z = _widest(zero)
        if result is None or z._category > result._category:
            result = z
    if scalars:
        c = max(scalars)
        if result is None or c > result._category:
            result = (bool_, int64, get_default_dtype())[c]
    return result
