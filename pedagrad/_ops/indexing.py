"""Indexing, as PyTorch does it: basic indices become a chain of views (Select for an int, Slice
for a slice, Unsqueeze for None); integer arrays and boolean masks then make one Index op.
``x[key] = value`` on a tensor in the graph becomes a CopySlices node."""
import numpy as np

from .._tensor import Tensor, attach
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
        return a[(slice(None),) * dim + (index, ...)]  # the "..." keeps a 0-d result a view

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
    """out = x with x[key] replaced by value;  x gets the gradient outside key, value inside it

    Torch names this node by how it wrote: CopySlices (through a view of x), IndexPutBackward0
    (integer arrays or masks), CopyBackwards or FillBackward3 (all of x, from a tensor or a number).
    """

    _name = "torch::autograd::CopySlices"

    def forward(ctx, a, value, key, name="torch::autograd::CopySlices"):
        ctx.key, ctx._name = key, name
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


def _expand_key(key, ndim, positions=None):
    """``key`` as a tuple with ``...`` written out as slices. ``positions`` (a list) receives where
    each item stood in the key as written: torch's errors name that place, not the dim."""
    key = key if isinstance(key, tuple) else (key,)
    key = tuple(_as_index(k) for k in key)
    used = sum(k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
               for k in key if k is not None and k is not Ellipsis)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    ellipses = [i for i, k in enumerate(key) if k is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    fill = ndim - used
    if positions is not None:
        e = ellipses[0] if ellipses else len(key)
        positions.extend(list(range(e)) + [e] * fill + list(range(e + 1, len(key))))
    if ellipses:
        i = ellipses[0]
        key = key[:i] + (slice(None),) * fill + key[i + 1:]
    return key


def _whole(k, size):
    """Does slice ``k`` select a whole dim as written (``:``, ``0:size``, ``::1``)? torch skips those."""
    return (k.start or 0) == 0 and (k.stop is None or k.stop >= size) and (k.step or 1) == 1


def getitem(self, key):
    """``x[key]``: a chain of view ops for ints, slices and None, then Index for arrays."""
    out, dim, rest, arrays, masks, positions = self, 0, [], [], [], []
    bare_slice = isinstance(key, slice)  # torch slices even ``x[:]``: only tuples skip whole slices
    for k, pos in zip(_expand_key(key, self.ndim, positions), positions):
        if k is None:
            out = Unsqueeze.apply(out, dim=dim)
            rest.append(slice(None))
            dim += 1
        elif isinstance(k, (int, np.integer)):
            size = out.shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {pos} with size {size}")
            out = Select.apply(out, dim=dim, index=int(k) % size)
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            if bare_slice or not _whole(k, out.shape[dim]):
                start, end, step = k.indices(out.shape[dim])
                out = Slice.apply(out, dim=dim, start=start, end=max(end, start), step=step)
            rest.append(slice(None))
            dim += 1
        elif isinstance(k, np.ndarray):
            if k.dtype == np.bool_:
                masks.append((k, dim))  # checked once all slicing is done, as torch does
                rest.extend(np.nonzero(k))
                arrays.extend((i, None) for i in np.nonzero(k))
                dim += k.ndim
            else:
                rest.append(k)
                arrays.append((k, out.shape[dim]))
                dim += 1
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             f"Variables are valid indices (got {type(k).__name__})")
    for mask, mask_dim in masks:
        _check_mask(mask, out.shape, mask_dim)
    if arrays:
        _check_arrays(arrays)
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


def _check_arrays(arrays):
    """torch's errors for index arrays (``(array, size of its dim)``; size None for a mask's):
    shapes that don't broadcast, or the first index out of range, going element by element and
    naming the array by its place among the index arrays."""
    try:
        broadcast = np.broadcast_arrays(*(a for a, _ in arrays))
    except ValueError:
        shapes = ", ".join(f"[{', '.join(map(str, a.shape))}]" for a, _ in arrays)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with "
                         f"shapes {shapes}") from None
    checked = [(j, a, size) for j, (a, (_, size)) in enumerate(zip(broadcast, arrays))
               if size is not None]
    bad = [((a >= size) | (a < -size)).reshape(-1) for _, a, size in checked]
    if not any(b.any() for b in bad):
        return
    first = min(int(np.argmax(b)) for b in bad if b.any())
    for (j, a, size), b in zip(checked, bad):
        if b[first]:
            raise IndexError(f"index {a.reshape(-1)[first]} is out of bounds for dimension {j} with "
                             f"size {size}")


def setitem(self, key, value):
    """``x[key] = value``: in place. In the graph, ``x`` becomes the output of CopySlices."""
    from .inplace import check_inplace, rebase, snapshot

    np_key = _expand_key(key, self.ndim)
    if not isinstance(value, Tensor):
        if not isinstance(value, (int, float, np.number, np.bool_)):
            kind = type(value).__qualname__ if type(value).__module__ == "builtins" else (
                f"{type(value).__module__}.{type(value).__qualname__}")
            raise TypeError(f"can't assign a {kind} to a torch.{self.dtype._kind}Tensor")
        value = Tensor._wrap(np.asarray(value, dtype=self._data.dtype))
    value, name = _written(self, np_key, value)
    records = grad_mode._state.enabled and (self._requires_grad or value._requires_grad)
    if not records:
        self._data[np_key] = value._data
        self._vc[0] += 1
        return
    if self._grad_fn is None and self._requires_grad and name == "torch::autograd::CopySlices":
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    check_inplace(self)
    rebase(self, CopySlices.apply(snapshot(self), value, key=np_key, name=name))


def _written(self, key, value):
    """``value`` shaped as torch writes it into ``self[key]`` (with torch's errors), and the name of
    the node that records the write. Integer arrays and masks take index_put_, which broadcasts;
    otherwise torch copy_s into the view self[key], expanding value (or fill_s, for a 0-d value).
    Either way value's leading 1s are stripped first."""
    from .shape import expand, view

    target = self._data[key].shape
    ones = next((i for i, s in enumerate(value.shape) if s != 1), value.ndim)
    through_view = _through_view(key, self.shape)
    if any(isinstance(k, np.ndarray) for k in key):
        if ones:
            value = view(value, value.shape[ones:])
        if not _expandable(value.shape, target):
            raise RuntimeError(f"shape mismatch: value tensor of shape [{', '.join(map(str, value.shape))}]"
                               f" cannot be broadcast to indexing result of shape "
                               f"[{', '.join(map(str, target))}]")
        return value, "torch::autograd::CopySlices" if through_view else "IndexPutBackward0"
    if value.shape != target and value.ndim:
        value = view(value, value.shape[ones:])
        value = value if value.shape == target else expand(value, target)
    if through_view:
        return value, "torch::autograd::CopySlices"
    return value, "torch::autograd::CopyBackwards" if value.shape == target else "FillBackward3"


def _expandable(shape, target):
    """torch's is_expandable_to: does ``shape`` broadcast to ``target`` without adding dims?"""
    pairs = zip(reversed(shape), reversed(target))
    return len(shape) <= len(target) and all(s in (1, t) for s, t in pairs)


def _through_view(key, shape):
    """Does torch write ``x[key] = v`` through a view of x (an int, None or a part-slice in key)?"""
    dim = 0
    for k in key:
        if k is None or isinstance(k, (int, np.integer)):
            return True
        if isinstance(k, slice) and not _whole(k, shape[dim]):
            return True
        dim += k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
    return False


@attach()
def nonzero(input, *, as_tuple=False):
    """The indices of the non-zero elements, in order: an int64 tensor with a row per element and a
    column per dim; with ``as_tuple=True``, one index tensor per dim (``x[x.nonzero(as_tuple=True)]``
    picks the elements, as ``x[x != 0]``). Outside the graph: indices have no gradient."""
    if not isinstance(input, Tensor):
        raise TypeError(f"nonzero(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(as_tuple, bool):
        raise TypeError(f"nonzero(): argument 'as_tuple' must be bool, not {type(as_tuple).__name__}")
    data = input._data
    if as_tuple:  # a 0-d tensor counts as one element, at index 0
        return tuple(Tensor._wrap(np.ascontiguousarray(i, dtype=np.int64)) for i in np.nonzero(np.atleast_1d(data)))
    return Tensor._wrap(np.argwhere(data).astype(np.int64, copy=False))  # column-major, as torch's


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
