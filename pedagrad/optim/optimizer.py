"""Optimizer: holds parameter groups and per-parameter state; subclasses define ``step``."""
import difflib
import warnings
from collections import defaultdict

from .._tensor import Tensor
from ..autograd import grad_mode

# what learners copying notes write instead of an optimizer's argument names
_LIKELY_MEANT = {"learning_rate": "lr", "learningrate": "lr", "rate": "lr", "alpha": "lr",
                 "beta": "betas", "decay": "weight_decay", "l2": "weight_decay", "epsilon": "eps",
                 "nesterov_momentum": "nesterov=True"}


def check_arguments(cls_name, unexpected, allowed):
    """A TypeError that names the misspelt argument and the one that was meant."""
    if not unexpected:
        return
    name = next(iter(unexpected))
    meant = _LIKELY_MEANT.get(name) or next(iter(difflib.get_close_matches(name, allowed, 1, 0.6)), None)
    hint = f" Did you mean {meant}=?" if meant and "=" not in meant else (f" Did you mean {meant}?" if meant else "")
    raise TypeError(f"{cls_name}.__init__() got an unexpected keyword argument '{name}'.{hint} "
                    f"{cls_name} takes: {', '.join(allowed)}")


class Optimizer:
    """Base class: ``zero_grad()`` clears the gradients, ``step()`` updates the parameters."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._warned_no_grad = False
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors "
                            f"or dicts, but got {type(params).__name__}")
        if callable(params) and getattr(params, "__name__", "") in ("parameters", "named_parameters"):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors "
                            "or dicts, but got a method: call it, model.parameters() (with parentheses)")
        if hasattr(params, "parameters") and hasattr(params, "state_dict"):
            raise TypeError(f"params argument given to the optimizer should be an iterable of Tensors "
                            f"or dicts, but got the model itself ({type(params).__name__}): pass "
                            "model.parameters()")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add parameters with their own hyperparameters (unspecified ones take the defaults)."""
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        group = {**self.defaults, **param_group, "params": params}
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's ``.grad`` before the next backward (gradients accumulate)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def _params_with_grad(self, group):
        """The parameters of ``group`` that have a gradient."""
        return [p for p in group["params"] if p.grad is not None]

    def _warn_if_no_grads(self):
        if self._warned_no_grad:
            return
        if all(p.grad is None for g in self.param_groups for p in g["params"]):
            self._warned_no_grad = True
            n = sum(len(g["params"]) for g in self.param_groups)
            warnings.warn(f"{type(self).__name__}.step() found no gradients: none of its {n} parameters "
                          "has a .grad, so nothing was updated. Call loss.backward() before "
                          "optimizer.step() (and optimizer.zero_grad() before loss.backward()).",
                          UserWarning, stacklevel=4)

    def step(self, closure=None):
        raise NotImplementedError

    def _run_step(self, closure, update):
        loss = None
        if closure is not None:
            with grad_mode.enable_grad():
                loss = closure()
        self._warn_if_no_grads()
        with grad_mode.no_grad():
            for group in self.param_groups:
                for p in self._params_with_grad(group):
                    update(p, p.grad, group, self.state[p])
        return loss

    # -- state ------------------------------------------------------------------------------
    def state_dict(self):
        """Hyperparameters and state with parameters replaced by their index (as torch)."""
        index, groups = {}, []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index and s}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyperparameters and state saved by ``state_dict`` (same parameter layout)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has a different number of parameter groups "
                             f"({len(groups)}) than this optimizer ({len(self.param_groups)})")
        params = []
        for saved, group in zip(groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the "
                                 f"size of optimizer's group ({len(saved['params'])} parameters saved, "
                                 f"{len(group['params'])} here)")
            params.extend(zip(saved["params"], group["params"]))
        self.state = defaultdict(dict)
        for idx, p in params:
            saved = state_dict["state"].get(idx)
            if saved is not None:
                self.state[p] = {k: v.to(p.dtype).clone() if isinstance(v, Tensor) and v.is_floating_point()
                                 else v for k, v in saved.items()}
        for saved, group in zip(groups, self.param_groups):
            group.update({k: v for k, v in saved.items() if k != "params"})

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"
