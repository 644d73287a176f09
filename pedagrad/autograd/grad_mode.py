"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled."""
import functools
import inspect


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
        return _decorate(fn, self.__class__)


def _decorate(fn, make_context):
    """``fn`` run inside ``make_context()``; for a generator, every step of it runs inside."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            gen = fn(*args, **kwargs)
            value = None
            while True:
                try:
                    with make_context():
                        item = gen.send(value)
                except StopIteration as stop:
                    return stop.value
                value = yield item

        return generator

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with make_context():
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
        return _decorate(fn, lambda: set_grad_enabled(mode))

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False


class inference_mode(no_grad):
    """Accepted for compatibility; behaves as ``no_grad``."""

    def __init__(self, mode=True):
        self._mode = not mode
