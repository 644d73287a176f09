"""SGD: stochastic gradient descent, with optional momentum, dampening, Nesterov and weight decay."""
from .optimizer import Optimizer, check_arguments

_ARGS = ("params", "lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")


class SGD(Optimizer):
    """p ← p − lr·d, where d is the gradient (plus weight_decay·p), smoothed by momentum:
    buf ← momentum·buf + (1 − dampening)·d, and d = buf (or d + momentum·buf with Nesterov)."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None, **unexpected):
        check_arguments("SGD", unexpected, _ARGS)
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                                      foreach=foreach, differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        """Update every parameter that has a gradient."""
        return self._run_step(closure, self._update)

    @staticmethod
    def _update(p, grad, group, state):
        d = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = d.clone()
            else:
                buf.mul_(momentum).add_(d, alpha=1 - group["dampening"])
            d = d + momentum * buf if group["nesterov"] else buf
        p.add_(d, alpha=-group["lr"])
