"""Anomaly detection: name the operation whose backward produced NaN."""
import warnings

_COST_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and "
                 "should only be enabled for debugging.")


class _State:
    enabled = False
    check_nan = True


_state = _State()


def is_anomaly_enabled():
    return _state.enabled


def is_anomaly_check_nan_enabled():
    return _state.check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off, as a call or a ``with`` block (like torch's)."""

    def __init__(self, mode, check_nan=True):
        self._prev = (_state.enabled, _state.check_nan)
        _state.enabled, _state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled, _state.check_nan = self._prev
        return False


class detect_anomaly:
    """``with detect_anomaly():`` records where each node was created and checks every gradient."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        warnings.warn(_COST_WARNING, UserWarning, stacklevel=2)
        self._prev = (_state.enabled, _state.check_nan)
        _state.enabled, _state.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        _state.enabled, _state.check_nan = self._prev
        return False
