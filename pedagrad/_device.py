"""Devices: where a tensor's numbers live. pedagrad keeps them in numpy arrays in the computer's
memory, so ``"cpu"`` is its only device; naming another one gets an error that says so."""
import builtins
import re

from ._tensor import Tensor

# torch's device types, in the order its error message lists them (PyTorch 2.13, c10/core/Device.cpp)
_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
          "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::(0|[1-9][0-9]*))?")


def _parse(text):
    """``"cpu"`` → ("cpu", None), ``"cuda:1"`` → ("cuda", 1), with torch's errors for anything else."""
    if not text:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    if match[1] not in _TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {text}")
    return match[1], None if match[2] is None else int(match[2])


def _unavailable(kind, text):
    if kind == "meta":
        return RuntimeError(
            "pedagrad has no 'meta' device. In PyTorch a meta tensor has a shape and a dtype but no "
            "numbers (it is used to plan a model's memory before building it); every pedagrad tensor "
            "holds its numbers on the CPU. Use device='cpu' (or leave device out).")
    return RuntimeError(f"pedagrad runs on the CPU only, so device '{text}' is not available. "
                        "Use device='cpu' (torch.cuda.is_available() is False here).")


class device:
    """``device("cpu")``, ``device("cpu", 0)`` or ``device("cpu:0")``: the CPU, where every pedagrad
    tensor lives. ``with device("cpu"):`` makes it the default for new tensors (it already is)."""

    __slots__ = ("_type", "_index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            got = builtins.type(type).__name__
            raise TypeError(f"device() received an invalid combination of arguments - got ({got}), but "
                            "expected one of:\n * (torch.device device)\n      didn't match because some of "
                            f"the arguments have invalid types: (!{got}!)\n * (str type, int index = -1)\n")
        kind, parsed = _parse(type)
        if index is not None:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                                f"{builtins.type(index).__name__}")
            if parsed is not None:
                raise RuntimeError("type (string) must not include an index because index was passed "
                                   f"explicitly: {type}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
            parsed = index
        if kind != "cpu":
            raise _unavailable(kind, type if index is None else f"{type}:{index}")
        self._type, self._index = kind, parsed

    type = property(lambda self: self._type)
    index = property(lambda self: self._index)

    def __repr__(self):
        index = "" if self._index is None else f", index={self._index}"
        return f"device(type='{self._type}'{index})"

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __eq__(self, other):
        return isinstance(other, device) and (self._type, self._index) == (other._type, other._index)

    def __hash__(self):
        return hash((self._type, self._index))

    def __reduce__(self):
        return device, (str(self),)

    def __enter__(self):
        _default.outer.append(_default.device)
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        _default.device = _default.outer.pop()


class _Default:
    device = device("cpu")
    outer = []  # the defaults that ``with device(...)`` blocks replaced, innermost last


_default = _Default()


def set_default_device(device_):
    """Where new tensors are made when no ``device=`` is given. pedagrad accepts the CPU (or None,
    which restores it) and refuses the others."""
    _default.device = device("cpu") if device_ is None else device(device_)


def get_default_device():
    return _default.device


def check(device_):
    """Refuse any device but the CPU, as the creation functions' ``device=`` argument."""
    if device_ is not None and not isinstance(device_, device):
        device(device_)


def _cuda(self, device=None, non_blocking=False, memory_format=None):
    """``x.cuda()``: refused, pedagrad has no GPU."""
    raise _unavailable("cuda", f"cuda:{device}" if isinstance(device, int) else str(device or "cuda"))


Tensor.cuda = _cuda
Tensor.is_cpu = property(lambda self: True)
Tensor.is_meta = property(lambda self: False)
Tensor.get_device = lambda self: -1  # torch's answer for a CPU tensor
