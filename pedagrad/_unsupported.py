"""PyTorch names pedagrad knowingly leaves out, each with the reason, so that code met in PyTorch's
tutorials stops with an explanation rather than a bare AttributeError. It stays an AttributeError,
so ``hasattr(torch, "compile")`` is False, as it should be."""

_NO_GPU = "pedagrad computes with numpy on the CPU and has no GPU (torch.cuda.is_available() is False)"
_DTYPES = ("pedagrad's dtypes are float32, float64, int32, int64, uint8 and bool; use one of those "
           "(float32 is the default)")
_ALREADY_TORCH = "run this part of the program with PyTorch itself: the same model code works there"

REASONS = {
    "torch.onnx": "exporting to ONNX writes a model as a graph of PyTorch's compiled operators, and "
                  f"pedagrad's ops are numpy code; {_ALREADY_TORCH}",
    "torch.jit": f"TorchScript compiles a model for deployment without Python; {_ALREADY_TORCH}",
    "torch.compile": "torch.compile turns a model into fused compiled kernels, and pedagrad runs each "
                     "op as numpy code you can read; leave the call out (the model computes the same)",
    "torch.autocast": f"mixed precision computes in float16 or bfloat16, and {_DTYPES}",
    "torch.amp": f"mixed precision computes in float16 or bfloat16, and {_DTYPES}",
    "torch.distributed": "training spread over several processes or machines is beyond a library "
                         f"for learning on one computer; {_ALREADY_TORCH}",
    "torch.hub": "torch.hub downloads pretrained models, whose weights and layers are PyTorch's; "
                 f"{_ALREADY_TORCH}",
    "torch.float16": _DTYPES,
    "torch.half": _DTYPES,
    "torch.bfloat16": _DTYPES,
    "torch.int8": _DTYPES,
    "torch.int16": _DTYPES,
    "torch.short": _DTYPES,
    "torch.HalfTensor": _DTYPES,
    "torch.BFloat16Tensor": _DTYPES,
    "torch.CharTensor": _DTYPES,
    "torch.ShortTensor": _DTYPES,
    "torch.cuda": _NO_GPU,  # and every name inside torch.cuda that pedagrad does not answer itself
}


def reason(qualified_name):
    """Why pedagrad leaves out ``qualified_name`` (e.g. ``"torch.onnx"``), or None if it is not known
    to be left out."""
    parts = qualified_name.split(".")
    for end in range(len(parts), 1, -1):
        found = REASONS.get(".".join(parts[:end]))
        if found:
            return found
    return None


def refuse(module, name):
    """The AttributeError for ``module.name`` (a module's ``__getattr__``): with the reason when the
    name is one pedagrad knowingly leaves out, Python's usual one otherwise."""
    message = f"module '{module}' has no attribute '{name}'"
    why = None if name.startswith("__") else reason(f"torch{module[len('pedagrad'):]}.{name}")
    if why:
        message += f": pedagrad does not provide torch{module[len('pedagrad'):]}.{name}, because {why}."
    raise AttributeError(message)
