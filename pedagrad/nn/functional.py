"""torch.nn.functional: layers and losses as functions of tensors."""
import numpy as np

from .._ops import nn as ops
from .._ops.elementwise import Softplus as _Softplus
from .._ops.elementwise import relu, sigmoid, tanh  # noqa: F401  (part of the namespace)
from .._ops.linalg import matmul
from .._ops.reductions import log_softmax as _log_softmax
from .._ops.reductions import softmax as _softmax
from .._dtype import result_type
from .._random import rng
from .._tensor import Tensor

_REDUCTIONS = ("mean", "sum", "none")


def linear(input, weight, bias=None):
    """y = x Wᵀ + b (an affine map from in_features to out_features)."""
    if input.shape[-1] != weight.shape[-1]:
        lead = input.shape[0] if input.ndim > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({lead}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]}): the layer takes {weight.shape[1]} features in the "
            f"last dim, the input (shape {tuple(input.shape)}) has {input.shape[-1]}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {input.dtype._kind} and {weight.dtype._kind}"
            f": convert the input with .to({weight.dtype}) (numpy data is often float64: .float())")
    wt = weight.t()
    if bias is None:
        return input.mm(wt) if input.ndim == 2 else matmul(input, wt)
    if input.ndim == 2:
        return ops.Addmm.apply(bias, input, wt)
    rows = input.reshape(-1, input.shape[-1])
    return ops.Addmm.apply(bias, rows, wt).view(*input.shape[:-1], weight.shape[0])


def softmax(input, dim=None, dtype=None):
    """eˣ / Σ eˣ along ``dim``."""
    return _softmax(input, _implicit_dim(input, dim, "softmax"), dtype)


def log_softmax(input, dim=None, dtype=None):
    """x − log Σ eˣ along ``dim``."""
    return _log_softmax(input, _implicit_dim(input, dim, "log_softmax"), dtype)


def _implicit_dim(input, dim, name):
    if dim is not None:
        return dim
    import warnings

    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if input.ndim in (0, 1, 3) else 1


def softplus(input, beta=1.0, threshold=20.0):
    """ln(1 + e^(βx)) / β: a smooth relu, always positive; where βx > threshold it is x itself
    (the two agree there to within float precision)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"softplus(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    numbers = []
    for name, v in (("beta", beta), ("threshold", threshold)):
        if isinstance(v, (Tensor, np.generic)):  # a 0-d tensor or numpy number counts as a number
            v = v.item()
        if not isinstance(v, (int, float)):
            raise TypeError(f"softplus(): argument '{name}' must be Number, not {type(v).__name__}")
        numbers.append(v)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"softplus_cpu\" not implemented for '{input.dtype._kind}'")
    return _Softplus.apply(input, beta=numbers[0], threshold=numbers[1])


def dropout(input, p=0.5, training=True, inplace=False):
    """In training, zero each element with probability p and scale the rest by 1/(1 − p)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = rng().random(input.shape) >= p
    mask = Tensor._wrap((keep / (1.0 - p)).astype(input._data.dtype))
    return input * mask


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) to mean 0 and variance 1, then scale by weight, shift by bias."""
    x = input._data
    c = x.shape[1] if x.ndim > 1 else None
    if c is None or (running_mean is not None and running_mean.shape[0] != c):
        raise ValueError(f"batch_norm expected input of shape (N, C) or (N, C, L) with C = "
                         f"{running_mean.shape[0] if running_mean is not None else 'num_features'}, "
                         f"got input of shape {tuple(input.shape)}")
    dims = (0,) + tuple(range(2, x.ndim))
    if training:
        n = x.size // c
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{input.shape}")
        mean, var = x.mean(axis=dims), x.var(axis=dims)
        if running_mean is not None:  # running statistics use the unbiased variance, as torch
            running_mean._data[...] = (1 - momentum) * running_mean._data + momentum * mean
            running_var._data[...] = (1 - momentum) * running_var._data + momentum * var * n / (n - 1)
            running_mean._vc[0] += 1
            running_var._vc[0] += 1
    else:
        mean, var = running_mean._data, running_var._data
    invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype)
    ones = np.ones(c, x.dtype)
    return ops.NativeBatchNorm.apply(input, ones if weight is None else weight,
                                     ones * 0 if bias is None else bias, mean=mean.astype(x.dtype),
                                     invstd=invstd, training=training, eps=eps)


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction (use 'mean', 'sum' or 'none')")


def mse_loss(input, target, reduction="mean"):
    """mean((input − target)²)."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        import warnings

        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=2)
        from .._ops.shape import expand

        shape = tuple(np.broadcast_shapes(input.shape, target.shape))
        input, target = expand(input, shape), expand(target, shape)
    if target.dtype is not input.dtype:  # both in the wider dtype, as torch computes it
        dt = result_type(input, target)
        input, target = input.to(dt), target.to(dt)
    return ops.MseLoss.apply(input, target, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """−[t·log σ(x) + (1 − t)·log(1 − σ(x))], computed from the logits x without overflow."""
    _check_reduction(reduction)
    if weight is not None or pos_weight is not None:
        raise NotImplementedError("pedagrad's binary_cross_entropy_with_logits has no weight or pos_weight")
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if target.dtype is not input.dtype:
        target = target.to(input.dtype)
    return ops.BinaryCrossEntropyWithLogits.apply(input, target, reduction=reduction)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """−input[i, target_i], averaged: the loss for log-probabilities and class indices."""
    _check_reduction(reduction)
    _check_class_targets(input, target, "nll_loss", ignore_index)
    w = None if weight is None else weight._data
    return ops.NllLoss.apply(input, target=target._data, weight=w, reduction=reduction,
                             ignore_index=ignore_index)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """nll_loss(log_softmax(input, 1), target): raw scores (logits) against class indices."""
    if label_smoothing:
        raise NotImplementedError("pedagrad's cross_entropy has no label_smoothing")
    _check_class_targets(input, target, "cross_entropy", ignore_index)
    return nll_loss(_log_softmax(input, 1), target, weight, ignore_index, reduction)


def _check_class_targets(input, target, name, ignore_index):
    """The friendly errors for the targets learners get wrong most often."""
    if input.ndim != 2:
        raise ValueError(f"pedagrad's {name} expects input of shape (batch, classes), got "
                         f"{tuple(input.shape)}; for a single sample use input.unsqueeze(0)")
    n, c = input.shape
    expected = f"an int64 tensor of shape ({n},) holding class indices in [0, {c})"
    if target.dtype.is_floating_point:
        if target.shape == input.shape:
            raise NotImplementedError(
                f"{name} with class-probability targets (a float target shaped like the input, "
                f"{tuple(input.shape)}) is not supported by pedagrad. Pass {expected}, e.g. "
                "target.argmax(dim=1) for one-hot rows")
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_dtype_word(target)}. {name} takes class indices, {expected}; "
                           "convert with target.long()")
    if target.ndim != 1:
        raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported. "
                           f"{name} wants {expected}, got shape {tuple(target.shape)}"
                           + ("; use target.squeeze(1)" if target.ndim == 2 and target.shape[1] == 1 else ""))
    if target.shape[0] != n:
        raise ValueError(f"Expected input batch_size ({n}) to match target batch_size ({target.shape[0]}).")
    t = target._data
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds. The input has {c} classes, so "
                         f"targets must be in [0, {c})")


def _dtype_word(t):
    return {"float32": "Float", "float64": "Double"}.get(t.dtype.name, str(t.dtype))


def one_hot(tensor, num_classes=-1):
    """Class indices as rows of 0s with a 1 at each index: an int64 tensor with one more dim, of
    size num_classes (by default, the largest index + 1)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    if not isinstance(num_classes, int) or isinstance(num_classes, bool):
        raise TypeError(f"one_hot(): argument 'num_classes' (position 2) must be int, not "
                        f"{type(num_classes).__name__}")
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    indices = tensor._data
    if indices.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return Tensor._wrap(np.zeros(indices.shape + (num_classes,), np.int64))
    if indices.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(indices.max()) + 1
    elif num_classes <= indices.max():
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._wrap((indices[..., None] == np.arange(num_classes)).astype(np.int64))


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)

