"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled."""
import functools


class _State:
    enabled = True


_state = _State()


def is_grad_enabled():
    """True when operations on tensors that require grad are recorded in the graph."""
    return _state.enabled


class _GradModeContext:
    """Base of the grad-mode switches: a context manager that also decorates functions."""

    _mode = True

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradModeContext):
    """Inside ``with no_grad():`` results of operations never require grad (no graph is built)."""

    _mode = False


class enable_grad(_GradModeContext):
    """Turn recording back on inside a ``no_grad`` block."""

    _mode = True


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(False)`` works as a call, a ``with`` block or a decorator."""

    def __init__(self, mode):
        self._prev = _state.enabled
        self._mode = bool(mode)
        _state.enabled = self._mode

    def __call__(self, fn):
        _state.enabled = self._prev
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False


class inference_mode(no_grad):
    """Accepted for compatibility; behaves as ``no_grad``."""

    def __init__(self, mode=True):
        self._mode = not mode
