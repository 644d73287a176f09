"""Adam: gradient descent with per-parameter step sizes from running moments of the gradient."""
import math

from .. import _creation
from .optimizer import Optimizer, check_arguments

_ARGS = ("params", "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")


class Adam(Optimizer):
    """m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
    p ← p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + eps)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False, **unexpected):
        check_arguments("Adam", unexpected, _ARGS)
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        if amsgrad:
            raise NotImplementedError("pedagrad's Adam has no amsgrad variant")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable,
                                      fused=fused, decoupled_weight_decay=decoupled_weight_decay))

    def step(self, closure=None):
        """Update every parameter that has a gradient."""
        return self._run_step(closure, self._update)

    @staticmethod
    def _update(p, grad, group, state):
        g = -grad if group["maximize"] else grad
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = _creation.tensor(0.0)
            state["exp_avg"] = _creation.zeros_like(p)
            state["exp_avg_sq"] = _creation.zeros_like(p)
        if group["weight_decay"]:
            if group["decoupled_weight_decay"]:
                p.mul_(1 - group["lr"] * group["weight_decay"])
            else:
                g = g + group["weight_decay"] * p
        state["step"].add_(1)
        t = state["step"].item()
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.mul_(beta1).add_(g, alpha=1 - beta1)
        v.mul_(beta2).add_(g * g, alpha=1 - beta2)
        denom = (v.sqrt() / math.sqrt(1 - beta2 ** t)).add_(group["eps"])
        p.add_(m / denom, alpha=-group["lr"] / (1 - beta1 ** t))
