"""assert_close: are two tensors equal within tolerances that suit their dtype?"""
import numpy as np

from .._tensor import Tensor

_DEFAULT_TOLERANCES = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}  # (rtol, atol), as torch


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False, msg=None):
    """Raise AssertionError naming the worst mismatch when ``actual`` is not close to ``expected``."""
    a = actual.detach()._data if isinstance(actual, Tensor) else np.asarray(actual)
    e = expected.detach()._data if isinstance(expected, Tensor) else np.asarray(expected)
    if a.shape != e.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: "
                             f"{tuple(a.shape)} != {tuple(e.shape)}.")
    d_rtol, d_atol = _DEFAULT_TOLERANCES.get(a.dtype.name, (0.0, 0.0))
    rtol, atol = d_rtol if rtol is None else rtol, d_atol if atol is None else atol
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not close.all():
        diff = np.abs(a.astype(np.float64) - e.astype(np.float64))
        worst = np.unravel_index(np.nanargmax(np.where(close, -1, diff)), a.shape) if a.ndim else ()
        raise AssertionError(msg or (
            f"Tensor-likes are not close!\n\nMismatched elements: {int((~close).sum())} / {a.size}\n"
            f"Greatest absolute difference: {diff[worst]} at index {tuple(int(i) for i in worst)} "
            f"(up to {atol} allowed)"))
