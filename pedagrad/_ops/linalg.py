"""Matrix products. ``matmul`` (``@``) picks the product by the inputs' dims, as PyTorch does:
vector·vector is Dot, matrix·vector Mv, matrix·matrix Mm, and batches fold into Mm or Bmm."""
import numpy as np

from .._tensor import Tensor, attach
from ..autograd.function import Op
from .elementwise import _operands
from .shape import Squeeze, UnsafeView, expand, reshape, unsqueeze


def _dims_str(a):
    return "x".join(map(str, a.shape))


class Dot(Op):
    """out = Σ self·tensor (two vectors);  ∂out/∂self = tensor,  ∂out/∂tensor = self"""

    _name = "DotBackward0"
    saved_names = ("self", "tensor")

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.dot(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class Mv(Op):
    """out = self @ vec;  ∂L/∂self = g ⊗ vec,  ∂L/∂vec = selfᵀ @ g"""

    _name = "MvBackward0"
    saved_names = ("self", "vec")

    def forward(ctx, a, v):
        ctx.save_for_backward(a, v)
        return a @ v

    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        need_a, need_v = ctx.needs_input_grad
        return (grad.reshape((-1, 1)) * v.reshape((1, -1)) if need_a else None,
                a.mT @ grad if need_v else None)


class Mm(Op):
    """out = self @ mat2;  ∂L/∂self = g @ mat2ᵀ,  ∂L/∂mat2 = selfᵀ @ g"""

    _name = "MmBackward0"
    saved_names = ("self", "mat2")

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad @ b.mT if need_a else None, a.mT @ grad if need_b else None


class Bmm(Mm):
    """out[i] = self[i] @ mat2[i] for each matrix of the batch;  gradients as for Mm, per matrix"""

    _name = "BmmBackward0"


@attach()
def dot(input, other):
    """Σ input·other for two vectors of the same length."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError("inconsistent tensor size, expected tensor [{}] and src [{}] to have the "
                           "same number of elements, but got {} and {} elements respectively"
                           .format(input.shape[0], other.shape[0], input.shape[0], other.shape[0]))
    return Dot.apply(*_operands(input, other))


@attach()
def mv(input, vec):
    """matrix @ vector."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError("vector + matrix @ vector expected, got "
                           f"{input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({_dims_str(input)}), "
                           f"vec ({vec.shape[0]})")
    return Mv.apply(*_operands(input, vec))


@attach()
def mm(input, mat2):
    """matrix @ matrix."""
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims_str(input)} and "
                           f"{_dims_str(mat2)})")
    return Mm.apply(*_operands(input, mat2))


@attach()
def bmm(input, mat2):
    """A batch of matrix products: (b, n, k) @ (b, k, m) -> (b, n, m)."""
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 and batch2 must be 3D tensors")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return Bmm.apply(*_operands(input, mat2))


@attach()
def matmul(input, other):
    """The matrix product for any dims: ``a @ b``. Batch dims broadcast."""
    if not isinstance(other, Tensor):
        return NotImplemented
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{input.ndim}D and {other.ndim}D")
    a, b = input, other
    k_a, k_b = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
    if k_a != k_b:
        if a.ndim == 2 and b.ndim == 1:
            return mv(a, b)
        left = _dims_str(a) if a.ndim > 1 else f"1x{a.shape[0]}"
        right = _dims_str(b) if b.ndim > 1 else f"{b.shape[0]}x1"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({left} and {right})")
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return mv(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return Squeeze.apply(mm(unsqueeze(a, 0), b), dim=0, name="SqueezeBackward4")
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b)
    if a.ndim >= 3 and b.ndim <= 2:  # fold the batch into the rows of one matrix product
        rows = reshape(a, -1, k_a)
        out = mm(rows, b) if b.ndim == 2 else mv(rows, b)
        return UnsafeView.apply(out, shape=a.shape[:-1] + (b.shape[-1],) if b.ndim == 2 else a.shape[:-1])
    return _batched(a, b)


def _batched(a, b):
    """Broadcast the batch dims, fold them into one, multiply with Bmm, unfold."""
    a2 = unsqueeze(a, 0) if a.ndim == 1 else a
    b2 = unsqueeze(b, -1) if b.ndim == 1 else b
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    n, k, m = a2.shape[-2], a2.shape[-1], b2.shape[-1]
    a3 = reshape(expand(a2, batch + (n, k)), -1, n, k)
    b3 = reshape(expand(b2, batch + (k, m)), -1, k, m)
    out_shape = batch + ((n,) if a.ndim > 1 else ()) + ((m,) if b.ndim > 1 else ())
    return UnsafeView.apply(bmm(a3, b3), shape=out_shape)


Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = lambda self, other: matmul(other, self) if isinstance(other, Tensor) else NotImplemented
