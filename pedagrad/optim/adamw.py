"""AdamW: Adam with weight decay taken straight off the parameters, not mixed into the gradient."""
from .adam import Adam
from .optimizer import check_arguments

_ARGS = ("params", "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")


class AdamW(Adam):
    """p ← p − lr · weight_decay · p, then Adam's step (Loshchilov and Hutter, "Decoupled Weight Decay
    Regularization")."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None,
                 **unexpected):
        check_arguments("AdamW", unexpected, _ARGS)
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # AdamW always decouples, whatever the saved groups say
            group["decoupled_weight_decay"] = True
