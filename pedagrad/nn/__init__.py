"""torch.nn: layers, models and losses."""
from . import functional, init
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules
from .parameter import Parameter

__all__ = ["Parameter", "functional", "init"] + _modules
