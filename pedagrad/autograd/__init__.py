"""Automatic differentiation: the graph, the backward engine and grad modes (torch.autograd).

Beyond PyTorch, for teaching: ``backward_steps(loss)`` runs backward one node at a time.
"""
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .engine import BackwardStep, backward_steps, grad
from .engine import backward as _backward
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .graph import AccumulateGrad, Node

__all__ = ["Function", "FunctionCtx", "Node", "AccumulateGrad", "backward", "grad",
           "backward_steps", "BackwardStep", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "detect_anomaly", "set_detect_anomaly"]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (``torch.autograd.backward``)."""
    _backward(tensors, grad_tensors, retain_graph, create_graph)


def __getattr__(name):
    """``torch.autograd.gradcheck`` and ``gradgradcheck`` (they live in pedagrad.testing, which needs the whole
    library loaded first)."""
    if name in ("gradcheck", "gradgradcheck"):
        from .. import testing
        return getattr(testing, name)
    raise AttributeError(f"module 'pedagrad.autograd' has no attribute '{name}'")
