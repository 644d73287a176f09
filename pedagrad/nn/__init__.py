"""torch.nn: layers, models and losses."""
from . import functional, init, utils
from .modules import (BatchNorm1d, BCEWithLogitsLoss, CrossEntropyLoss, Dropout, Flatten, Identity, Linear,
                      LogSoftmax, Module, ModuleList, MSELoss, NLLLoss, ReLU, Sequential, Sigmoid, Softmax, Tanh)
from .modules import __all__ as _modules
from .modules.activation import Softplus
from .parameter import Parameter

__all__ = ["Parameter", "functional", "init", "utils"] + _modules + ["Softplus"]
