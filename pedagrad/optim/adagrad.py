"""Adagrad: each parameter's step divided by the root of the sum of all its squared gradients."""
from .. import _creation
from .optimizer import Optimizer, check_arguments

_ARGS = ("params", "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize")


class Adagrad(Optimizer):
    """s ← s + g²;  p ← p − lr_t · g / (√s + eps), with lr_t = lr / (1 + (t − 1) · lr_decay)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None, **unexpected):
        check_arguments("Adagrad", unexpected, _ARGS)
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):
            if value < 0:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # torch fills the state now, so state_dict() shows it at once
            for p in group["params"]:
                self._start(p, self.state[p])

    def _start(self, p, state):
        state["step"] = _creation.tensor(0.0)
        state["sum"] = _creation.full_like(p, self.defaults["initial_accumulator_value"])

    def step(self, closure=None):
        """Update every parameter that has a gradient."""
        return self._run_step(closure, self._update)

    def _update(self, p, grad, group, state):
        if not state:  # a parameter group added after construction
            self._start(p, state)
        g = -grad if group["maximize"] else grad
        t = state["step"].add_(1).item()
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        lr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        std = state["sum"].add_(g * g).sqrt().add_(group["eps"])
        p.add_(g / std, alpha=-lr)
