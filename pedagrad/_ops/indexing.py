"""Indexing, as PyTorch does it: basic indices become a chain of views (Select for an int, Slice
for a slice, Unsqueeze for None); integer arrays and boolean masks then make one Index op.
``x[key] = value`` on a tensor in the graph becomes a CopySlices node."""
import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from . import _dual
from .shape import Alias, Unsqueeze


class Select(Op):
    """out = x[..., index, ...] at ``dim``;  the gradient lands at that index, zeros elsewhere"""

    _name = "SelectBackward0"
    view = True

    def forward(ctx, a, dim, index):
        ctx.dim, ctx.index, ctx.self_sym_sizes = dim, index, a.shape
        return a[(slice(None),) * dim + (index,)]

    def backward(ctx, grad):
        key = (slice(None),) * ctx.dim + (ctx.index,)
        return _dual.index_backward(grad, ctx.self_sym_sizes, key, accumulate=False)


class Slice(Op):
    """out = x[start:end:step] along ``dim``;  the gradient lands in that slice, zeros elsewhere"""

    _name = "SliceBackward0"
    view = True

    def forward(ctx, a, dim, start, end, step):
        ctx.dim, ctx.start, ctx.end, ctx.step, ctx.self_sym_sizes = dim, start, end, step, a.shape
        return a[(slice(None),) * dim + (slice(start, end, step),)]

    def backward(ctx, grad):
        key = (slice(None),) * ctx.dim + (slice(ctx.start, ctx.end, ctx.step),)
        return _dual.index_backward(grad, ctx.self_sym_sizes, key, accumulate=False)


class Index(Op):
    """out = x[indices] with integer arrays or masks (a copy);  repeated indices add up"""

    _name = "IndexBackward0"

    def forward(ctx, a, key):
        ctx.indices, ctx.self_sym_sizes = key, a.shape
        return a[key]

    def backward(ctx, grad):
        return _dual.index_backward(grad, ctx.self_sym_sizes, ctx.indices, accumulate=True)


class IndexBackwardOp(Op):
    """out = zeros with g added at key (the backward of indexing, as an op for double backward)"""

    _name = "IndexPutBackward0"

    def forward(ctx, g, shape, key, accumulate):
        ctx.key = key
        return _dual.index_backward(g, shape, key, accumulate)

    def backward(ctx, grad):
        return grad[ctx.key]


class CopySlices(Op):
    """out = x with x[key] replaced by value;  x gets the gradient outside key, value inside it"""

    _name = "CopySlices"

    def forward(ctx, a, value, key):
        ctx.key = key
        out = a.copy()
        out[key] = value
        return out

    def backward(ctx, grad):
        mask = np.ones(np.shape(grad), dtype=bool)
        mask[ctx.key] = False
        return grad * _dual.constant_like(mask, grad), grad[ctx.key]


def _as_index(k):
    """Tensors and lists used as indices become numpy arrays."""
    if isinstance(k, Tensor):
        k = k._data
    elif isinstance(k, list):
        k = np.asarray([i._data if isinstance(i, Tensor) else i for i in k])
    if isinstance(k, np.ndarray):
        if k.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return k.item() if k.ndim == 0 and k.dtype.kind in "iu" else k
    return k


def _expand_key(key, ndim):
    key = key if isinstance(key, tuple) else (key,)
    key = tuple(_as_index(k) for k in key)
    used = sum(k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
               for k in key if k is not None and k is not Ellipsis)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    ellipses = [i for i, k in enumerate(key) if k is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if ellipses:
        i = ellipses[0]
        key = key[:i] + (slice(None),) * (ndim - used) + key[i + 1:]
    return key


def getitem(self, key):
    """``x[key]``: a chain of view ops for ints, slices and None, then Index for arrays."""
    out, dim, rest, advanced = self, 0, [], False
    for k in _expand_key(key, self.ndim):
        if k is None:
            out = Unsqueeze.apply(out, dim=dim)
            rest.append(slice(None))
            dim += 1
        elif isinstance(k, (int, np.integer)):
            size = out.shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {size}")
            out = Select.apply(out, dim=dim, index=int(k) % size)
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            if k != slice(None):
                start, end, step = k.indices(out.shape[dim])
                out = Slice.apply(out, dim=dim, start=start, end=max(end, start), step=step)
            rest.append(slice(None))
            dim += 1
        elif isinstance(k, np.ndarray):
            advanced = True
            if k.dtype == np.bool_:
                _check_mask(k, out.shape, dim)
                rest.extend(np.nonzero(k))
                dim += k.ndim
            else:
                _check_bounds(k, out.shape[dim], dim)
                rest.append(k)
                dim += 1
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             f"Variables are valid indices (got {type(k).__name__})")
    if advanced:
        out = Index.apply(out, key=tuple(rest))
    elif out is self:
        out = Alias.apply(self)
    return out


def _check_mask(mask, shape, dim):
    for i, s in enumerate(mask.shape):
        if shape[dim + i] != s:
            raise IndexError(f"The shape of the mask [{', '.join(map(str, mask.shape))}] at index "
                             f"{i} does not match the shape of the indexed tensor "
                             f"[{', '.join(map(str, shape))}] at index {dim + i}")


def _check_bounds(idx, size, dim):
    if idx.size and (idx.max() >= size or idx.min() < -size):
        bad = idx.max() if idx.max() >= size else idx.min()
        raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def setitem(self, key, value):
    """``x[key] = value``: in place. In the graph, ``x`` becomes the output of CopySlices."""
    from .inplace import check_inplace, rebase, snapshot

    np_key = _expand_key(key, self.ndim)
    records = grad_mode._state.enabled and (self._requires_grad or getattr(value, "_requires_grad", False))
    if not records:
        self._data[np_key] = value._data if isinstance(value, Tensor) else value
        self._vc[0] += 1
        return
    check_inplace(self)
    if not isinstance(value, Tensor):
        value = Tensor._wrap(np.asarray(value, dtype=self._data.dtype))
    elif value.dtype is not self.dtype:
        value = value.to(self.dtype)
    rebase(self, CopySlices.apply(snapshot(self), value, key=np_key))


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
