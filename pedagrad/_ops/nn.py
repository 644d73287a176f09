"""The ops behind ``nn.functional``: affine layers (Addmm), batch norm and the losses."""
import numpy as np

from ..autograd.function import Op
from . import _dual


class Addmm(Op):
    """out = beta·bias + alpha·(mat1 @ mat2);  ∂L/∂mat1 = g @ mat2ᵀ,  ∂L/∂mat2 = mat1ᵀ @ g,  ∂L/∂bias = Σ g"""

    _name = "AddmmBackward0"
    saved_names = ("mat1", "mat2")

    def forward(ctx, bias, mat1, mat2, beta=1, alpha=1):
        ctx.alpha, ctx.beta = alpha, beta
        need = ctx.needs_input_grad
        ctx.save_for_backward(mat1 if need[2] else None, mat2 if need[1] else None)
        out = mat1 @ mat2
        out += bias  # the bias row broadcasts over the batch
        return out

    def backward(ctx, grad):
        mat1, mat2 = ctx.saved_tensors
        need_bias, need_1, need_2 = ctx.needs_input_grad
        return (grad if need_bias else None,
                grad @ mat2.mT if need_1 else None,
                mat1.mT @ grad if need_2 else None)


class NativeBatchNorm(Op):
    """out = γ·(x − mean)/√(var + eps) + β over the batch (train) or with running statistics (eval)"""

    _name = "NativeBatchNormBackward0"
    saved_names = ("input", "weight", "result1", "result2")

    @np.errstate(all="ignore")
    def forward(ctx, x, weight, bias, mean, invstd, training, eps):
        ctx.training, ctx.eps = training, eps
        shape = [1, -1] + [1] * (x.ndim - 2)  # per-channel values broadcast over dim 1
        mean, invstd = mean.reshape(shape), invstd.reshape(shape)
        ctx.save_for_backward(x, weight, mean, invstd)
        out = (x - mean) * invstd
        return out * weight.reshape(shape) + bias.reshape(shape)

    def backward(ctx, grad):
        x, weight, mean, invstd = ctx.saved_tensors
        dims = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        gamma = weight.reshape(shape)
        if ctx.training and not _dual.is_array(x):  # second derivatives see mean, var depend on x
            mean = x.mean(axis=dims, keepdims=True)
            invstd = (((x - mean) ** 2).mean(axis=dims, keepdims=True) + ctx.eps) ** -0.5
        x_hat = (x - mean) * invstd
        grad_weight = (grad * x_hat).sum(axis=dims, keepdims=True).reshape(weight.shape)
        grad_bias = grad.sum(axis=dims, keepdims=True).reshape(weight.shape)
        if not ctx.training:  # the statistics were constants
            return grad * gamma * invstd, grad_weight, grad_bias
        n = x.size if _dual.is_array(x) else x.numel()
        n //= weight.shape[0]
        grad_x = gamma * invstd / n * (n * grad - grad.sum(axis=dims, keepdims=True)
                                       - x_hat * (grad * x_hat).sum(axis=dims, keepdims=True))
        return grad_x, grad_weight, grad_bias


def _reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _reduce_grad(grad, shape, reduction, count):
    """The gradient of each element of an unreduced loss, given the gradient of its reduction."""
    if reduction == "none":
        return grad
    g = _dual.expand(grad, shape)
    return g / count if reduction == "mean" else g


class MseLoss(Op):
    """loss = mean((input − target)²);  ∂loss/∂input = 2·(input − target)/n,  ∂loss/∂target = −that"""

    _name = "MseLossBackward0"
    saved_names = ("self", "target")

    def forward(ctx, input, target, reduction):
        ctx.reduction = reduction
        ctx.save_for_backward(input, target)
        return _reduce((input - target) ** 2, reduction)

    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        diff = input - target
        n = diff.size if _dual.is_array(diff) else diff.numel()
        g = 2 * diff * _reduce_grad(grad, diff.shape, ctx.reduction, n)
        return g, -g


class BinaryCrossEntropyWithLogits(Op):
    """loss = −[t·log σ(x) + (1 − t)·log(1 − σ(x))];  ∂loss/∂x = σ(x) − t"""

    _name = "BinaryCrossEntropyWithLogitsBackward0"
    saved_names = ("self", "target")

    @np.errstate(all="ignore")
    def forward(ctx, x, target, reduction):
        ctx.reduction = reduction
        ctx.save_for_backward(x, target)
        # max(x, 0) − x·t + log(1 + e^(−|x|)) is the same value without overflow for large |x|
        loss = np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x)))
        return _reduce(loss, reduction)

    def backward(ctx, grad):
        x, target = ctx.saved_tensors
        sig = x.sigmoid() if not _dual.is_array(x) else 1 / (1 + np.exp(-x))
        n = x.size if _dual.is_array(x) else x.numel()
        g = _reduce_grad(grad, x.shape, ctx.reduction, n)
        return (sig - target) * g, -x * g if ctx.needs_input_grad[1] else None


class NllLoss(Op):
    """loss = −Σ w[yᵢ]·input[i, yᵢ] / Σ w[yᵢ];  ∂loss/∂input[i, yᵢ] = −w[yᵢ] / Σ w[yᵢ], 0 elsewhere"""

    _name = "NllLossBackward0"
    saved_names = ("self", "target", "weight")

    def forward(ctx, input, *, target, weight, reduction, ignore_index):
        ctx.reduction, ctx.ignore_index = reduction, ignore_index
        keep = target != ignore_index
        safe = np.where(keep, target, 0)
        w = (weight[safe] if weight is not None else np.ones(target.shape, input.dtype)) * keep
        ctx.rows, ctx.safe, ctx.w = np.arange(len(target)), safe, w.astype(input.dtype)
        ctx.total_weight = w.sum()
        ctx.save_for_backward(input, target, weight)
        picked = -input[ctx.rows, safe] * ctx.w
        if reduction == "none":
            return picked
        total = picked.sum()
        return total / ctx.total_weight if reduction == "mean" else total

    def backward(ctx, grad):
        input = ctx.saved_tensors[0]
        scale = ctx.w / ctx.total_weight if ctx.reduction == "mean" else ctx.w
        if ctx.reduction != "none":
            grad = _dual.expand(grad, scale.shape)
        onehot = np.zeros(input.shape, dtype=ctx.w.dtype)
        onehot[ctx.rows, ctx.safe] = -scale
        return grad.reshape((-1, 1)) * _dual.constant_like(onehot, grad)
