"""Names from PyTorch's first years, still met in older tutorials and answers, kept as PyTorch keeps
them today: ``torch.FloatTensor([1, 2])`` and its kin (one class per dtype, which every tensor of
that dtype is an instance of), ``x.type("torch.DoubleTensor")``, and ``torch.autograd.Variable``,
which once wrapped a tensor and now simply returns one."""
import warnings

from . import _creation, _device, _dtype, autograd
from ._size import Size
from ._tensor import Tensor

_LEGACY_SIGNATURES = ("new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                      " * (*, torch.device device = None)\n"
                      " * (torch.Storage storage)\n"
                      " * (Tensor other)\n"
                      " * (tuple of ints size, *, torch.device device = None)\n"
                      " * (object data, *, torch.device device = None)\n")


def _torch_type_name(value):
    """How torch's argument errors name a value's type: ``torch.dtype``, ``bool``."""
    kind = type(value)
    return f"torch.{kind.__name__}" if kind.__module__.startswith("pedagrad") else kind.__name__


class _TensorType(type):
    """The class of ``torch.FloatTensor`` and its kin: calling one makes a tensor of its dtype, and
    ``isinstance(x, torch.FloatTensor)`` asks whether x holds float32 numbers."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"

    def __call__(cls, *args, device=None, **kwargs):
        """``FloatTensor([1, 2])`` holds that data, ``FloatTensor(2, 3)`` is a 2×3 tensor (zeros
        here; torch leaves the memory as it finds it), ``FloatTensor()`` is empty."""
        _device.check(device)
        if kwargs or len(args) > 1 and not all(_creation._is_int(a) for a in args):
            got = [type(a).__name__ for a in args] + [f"{k}={_torch_type_name(v)}" for k, v in kwargs.items()]
            raise TypeError(_LEGACY_SIGNATURES.format(got=", ".join(got)))
        if not args:
            return _creation.empty(0, dtype=cls.dtype)
        data = args[0]
        if _creation._is_int(data) or isinstance(data, Size):
            return _creation.empty(size=args if _creation._is_int(data) else data, dtype=cls.dtype)
        if isinstance(data, Tensor):
            if data.dtype is not cls.dtype:
                raise TypeError(f"expected TensorOptions(dtype={cls.dtype._cpp}, device=cpu, layout=Strided, "
                                "requires_grad=false (default), pinned_memory=false (default), memory_format="
                                f"(nullopt)) (got TensorOptions(dtype={data.dtype._cpp}, device=cpu, layout="
                                "Strided, requires_grad=false (default), pinned_memory=false (default), "
                                "memory_format=(nullopt)))")
            return data  # torch returns an alias (AliasBackward0): the same numbers and gradients
        if isinstance(data, str):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        if isinstance(data, (int, float, bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return _creation.tensor(data, dtype=cls.dtype)


def _tensor_type(name, dtype):
    return _TensorType(name, (), {"dtype": dtype, "is_cuda": False, "is_sparse": False,
                                  "__doc__": f"Legacy name of tensors of dtype {dtype}: "
                                             f"``torch.{name}(data)`` is ``torch.tensor(data, dtype={dtype})``."})


FloatTensor = _tensor_type("FloatTensor", _dtype.float32)
DoubleTensor = _tensor_type("DoubleTensor", _dtype.float64)
IntTensor = _tensor_type("IntTensor", _dtype.int32)
LongTensor = _tensor_type("LongTensor", _dtype.int64)
ByteTensor = _tensor_type("ByteTensor", _dtype.uint8)
BoolTensor = _tensor_type("BoolTensor", _dtype.bool_)
_BY_NAME = {f"torch.{t.__name__}": t for t in (FloatTensor, DoubleTensor, IntTensor, LongTensor, ByteTensor,
                                                BoolTensor)}


def _legacy_dtype(kind):
    """The dtype of a legacy type given as a class or as its name (``"torch.FloatTensor"``)."""
    if isinstance(kind, str):
        if kind not in _BY_NAME:
            raise ValueError(f"invalid type: '{kind}'")
        kind = _BY_NAME[kind]
    if isinstance(kind, _TensorType):
        return kind.dtype
    return _dtype.get_default_dtype() if kind is Tensor else kind


_type = Tensor.type


def _type_(self, dtype=None, non_blocking=False, **kwargs):
    """``x.type()`` names the legacy type (``'torch.FloatTensor'``); ``x.type(torch.float64)``,
    ``x.type(torch.DoubleTensor)`` or ``x.type('torch.DoubleTensor')`` converts."""
    return _type(self, None if dtype is None else _legacy_dtype(dtype))


Tensor.type = _type_


def set_default_tensor_type(t):
    """Deprecated in PyTorch 2.1 for ``set_default_dtype``, which it calls."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    _dtype.set_default_dtype(_legacy_dtype(t))


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)

    def __repr__(cls):
        return "<class 'torch.autograd.variable.Variable'>"

    def __call__(cls, data=None, requires_grad=False, volatile=False, **kwargs):
        """``Variable(x, requires_grad=True)``: a new leaf sharing x's numbers, as
        ``x.detach().requires_grad_(True)``; every tensor is a Variable now."""
        if kwargs:
            raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this function")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            return _creation.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if requires_grad and not data.is_floating_point():
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        leaf = data.detach()
        return leaf.requires_grad_(True) if requires_grad else leaf


class Variable(metaclass=_VariableMeta):
    """Before PyTorch 0.4 a Variable wrapped a tensor to record its history; now every tensor does,
    and ``Variable(x)`` returns one."""


autograd.Variable = Variable
