"""Checking gradients: ``gradcheck`` compares autograd with finite differences, as torch's does."""
from ._gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_jacobian
from ._comparison import assert_close

__all__ = ["gradcheck", "gradgradcheck", "numerical_jacobian", "GradcheckError", "assert_close"]
