"""RMSprop: each parameter's step divided by a running root-mean-square of its gradients."""
from .. import _creation
from .optimizer import Optimizer, check_arguments

_ARGS = ("params", "lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")


class RMSprop(Optimizer):
    """v ← αv + (1 − α)g²;  p ← p − lr · g / (√v + eps)  (with ``centered``, v less the squared running
    mean of g; with ``momentum``, the steps g / (√v + eps) are smoothed as SGD smooths gradients)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False, **unexpected):
        check_arguments("RMSprop", unexpected, _ARGS)
        for name, value in (("learning rate", lr), ("epsilon value", eps), ("momentum value", momentum),
                            ("weight_decay value", weight_decay), ("alpha value", alpha)):
            if value < 0:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def step(self, closure=None):
        """Update every parameter that has a gradient."""
        return self._run_step(closure, self._update)

    @staticmethod
    def _update(p, grad, group, state):
        g = -grad if group["maximize"] else grad
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = _creation.zeros(())
            state["square_avg"] = _creation.zeros_like(p)
            if momentum > 0:
                state["momentum_buffer"] = _creation.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = _creation.zeros_like(p)
        state["step"].add_(1)
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        square_avg = state["square_avg"].mul_(alpha).add_(g * g, alpha=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"].add_(g - state["grad_avg"], alpha=1 - alpha)
            avg = (square_avg - grad_avg * grad_avg).sqrt().add_(group["eps"])
        else:
            avg = square_avg.sqrt().add_(group["eps"])
        if momentum > 0:
            buf = state["momentum_buffer"].mul_(momentum).add_(g / avg)
            p.add_(buf, alpha=-group["lr"])
        else:
            p.add_(g / avg, alpha=-group["lr"])
