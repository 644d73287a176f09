"""Notebook widgets for pedagrad: see the autograd graph live, play with grad modes, step through backward,
watch training.

    from pedagrad_widgets import GraphView, GradModePlayground, BackwardStepper
    from pedagrad_widgets import TrainingMonitor, HyperparameterExplorer, GradientFlow
    %load_ext pedagrad_widgets        # adds %graph <expr> and graph display of tensors

They read graphs only through PyTorch's public names, so GraphView draws PyTorch graphs too.
"""
__version__ = "0.1.0"

from .explorer import HyperparameterExplorer
from .gradient_flow import GradientFlow
from .graph_model import GraphModel, build_graph
from .graph_view import GraphView
from .magics import load_ipython_extension, unload_ipython_extension
from .playground import GradModePlayground
from .render import render_svg
from .monitor import TrainingMonitor
from .stepper import BackwardStepper

__all__ = ["GraphModel", "build_graph", "render_svg", "GraphView", "GradModePlayground",
           "BackwardStepper", "TrainingMonitor", "HyperparameterExplorer", "GradientFlow", "load_ipython_extension",
           "unload_ipython_extension"]
