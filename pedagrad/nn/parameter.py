"""nn.Parameter: a tensor that a Module registers as something to train."""
from .._tensor import Tensor, _init


class Parameter(Tensor):
    """A leaf tensor that requires grad by default; assigning one to a Module attribute registers it."""

    def __new__(cls, data=None, requires_grad=True):
        from .._creation import empty

        data = empty(0) if data is None else data
        p = object.__new__(cls)
        _init(p, data._data, vc=data._vc)
        p.requires_grad_(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        from .._tensor import _rebuild

        return (_rebuild_parameter, (_rebuild(self._data, False), self._requires_grad))

    def __deepcopy__(self, memo):
        result = Parameter(Tensor._wrap(self._data.copy()), self._requires_grad)
        memo[id(self)] = result
        return result


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)
