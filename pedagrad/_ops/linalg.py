"""Matrix products. ``matmul`` (``@``) picks the product by the inputs' dims, as PyTorch does:
vector·vector is Dot, matrix·vector Mv, matrix·matrix Mm, and batches fold into Mm or Bmm."""
import numpy as np

from .._tensor import Tensor, attach
from ..autograd.function import Op
from .elementwise import broadcast_shapes
from .shape import Squeeze, UnsafeView, contiguous, expand, reshape, squeeze, t, unsqueeze


def _dims_str(a):
    return "x".join(map(str, a.shape))


class Dot(Op):
    """out = Σ self·tensor (two vectors);  ∂out/∂self = tensor,  ∂out/∂tensor = self"""

    _name = "DotBackward0"
    saved_names = ("self", "tensor")

    def forward(ctx, a, b):
        need = ctx.needs_input_grad  # each input is kept only if the *other* one needs a gradient
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        return np.dot(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


class Mv(Op):
    """out = self @ vec;  ∂L/∂self = g ⊗ vec,  ∂L/∂vec = selfᵀ @ g"""

    _name = "MvBackward0"
    saved_names = ("self", "vec")

    def forward(ctx, a, v):
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, v if need[0] else None)
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
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
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
    if input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {input.dtype._kind} "
                           f"and {other.dtype._kind}")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
                           f"[{other.shape[0]}] to have the same number of elements, but got "
                           f"{input.shape[0]} and {other.shape[0]} elements respectively")
    return Dot.apply(input, other)


@attach()
def mv(input, vec):
    """matrix @ vector."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError("vector + matrix @ vector expected, got "
                           f"{input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({_dims_str(input)}), "
                           f"vec ({vec.shape[0]})")
    if input.dtype is not vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {vec.dtype._kind}, "
                           f"{input.dtype._kind}, and {vec.dtype._kind}")
    return Mv.apply(input, vec)


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
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{input.dtype._cpp} != {mat2.dtype._cpp}")
    return Mm.apply(input, mat2)


@attach()
def bmm(input, mat2):
    """A batch of matrix products: (b, n, k) @ (b, k, m) -> (b, n, m)."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._kind} but found {mat2.dtype._kind}")
    return Bmm.apply(input, mat2)


@attach()
def matmul(input, other):
    """The matrix product for any dims: ``a @ b``. Batch dims broadcast.

    The steps are PyTorch's (aten's ``_matmul_impl``), so ``grad_fn`` chains match torch's.
    """
    if not isinstance(other, Tensor):
        return NotImplemented
    a, b = input, other
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return mv(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return Squeeze.apply(mm(unsqueeze(a, 0), b), dim=0, name="SqueezeBackward4")
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b)
    if _should_fold(a, b):
        return _folded(a, b)
    return _batched(a, b)


def _should_fold(a, b):
    """Can one mm/mv do it, with the larger tensor's batch folded into its rows? Torch does so
    when the smaller tensor needs a gradient, or when the fold needs no copy."""
    a_larger = a.ndim >= b.ndim
    big = a._data if a_larger else np.swapaxes(b._data, -1, -2)
    small = b if a_larger else a
    if big.ndim < 3 or small.ndim > 2:
        return False
    if small.requires_grad:
        return True
    if a.ndim == 2:
        return False
    if big.size == 0:
        return True
    strides = [s // big.itemsize for s in big.strides]
    return all(strides[i] == strides[i + 1] * big.shape[i + 1] for i in range(big.ndim - 2))


def _folded(a, b):
    """(..., n, k) @ (k, m) as one (batch·n, k) @ (k, m) product; b @ a is done as (aᵀ @ bᵀ)ᵀ."""
    transpose = b.ndim > a.ndim
    big = b.mT if transpose else a
    small = (t(a) if a.ndim == 2 else a) if transpose else b
    shape = big.shape[:-1]
    rows = reshape(big, int(np.prod(shape)), big.shape[-1])
    if small.ndim == 1:
        return UnsafeView.apply(mv(rows, small), shape=shape)
    out = UnsafeView.apply(mm(rows, small), shape=shape + (small.shape[1],))
    return contiguous(out.mT) if transpose else out


def _batched(a, b):
    """Broadcast the batch dims, fold them into one, multiply with Bmm, unfold."""
    if a.ndim == 3 and b.ndim == 3 and a.shape[0] != b.shape[0]:
        # a batch of one that needs a gradient is folded instead (see _should_fold)
        if a.shape[0] == 1 and a.requires_grad:
            return matmul(squeeze(a, 0), b)
        if b.shape[0] == 1 and b.requires_grad:
            return matmul(a, squeeze(b, 0))
    n, k = (a.shape[-2] if a.ndim > 1 else 1), a.shape[-1]
    k2, m = (b.shape[-2], b.shape[-1]) if b.ndim > 1 else (b.shape[0], 1)
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    size = int(np.prod(batch))
    a3 = reshape(expand(a, batch + (n, k)), size, n, k)
    if b.ndim == 1:
        b3 = unsqueeze(reshape(expand(b, batch + (k2,)), size, k2), 2)
        return UnsafeView.apply(squeeze(bmm(a3, b3), -1), shape=batch + (n,))
    b3 = reshape(expand(b, batch + (k2, m)), size, k2, m)
    return UnsafeView.apply(bmm(a3, b3), shape=batch + ((n,) if a.ndim > 1 else ()) + (m,))


Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = lambda self, other: matmul(other, self) if isinstance(other, Tensor) else NotImplemented
