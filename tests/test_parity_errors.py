"""Mistakes against PyTorch: the same exception type and the same message (and the same warnings)."""
import copy
import warnings

import numpy as np
import pytest

import pedagrad


def _leaf(lib, data=(1.0, 2.0)):
    return lib.tensor(list(data), requires_grad=True)


def second_backward(lib):
    y = (_leaf(lib) * _leaf(lib)).sum()
    y.backward()
    y.backward()


def second_backward_saved_result(lib):
    y = _leaf(lib).exp().sum()
    y.backward()
    y.backward()


def saved_exp_modified(lib):
    e = _leaf(lib).exp()
    e.add_(1)
    e.sum().backward()


def saved_result_overwritten(lib):
    e = _leaf(lib, (1.0, 2.0, 3.0)).exp()
    e[0] = 1.0
    e.sum().backward()


def saved_input_modified(lib):
    y = _leaf(lib) * 1
    z = y * y
    y.add_(1)
    z.sum().backward()


def saved_matrix_modified(lib):
    w = lib.ones(2, 3)
    y = lib.tensor([[1.0, 2.0]], requires_grad=True) @ w
    w.mul_(2)
    y.sum().backward()


def nonleaf_requires_grad_false(lib):
    (_leaf(lib) * 2).requires_grad = False


def with_no_grad_backward(lib):
    x = _leaf(lib)
    with lib.no_grad():
        y = x * 2
    y.sum().backward()


def deepcopy_non_leaf(lib):
    copy.deepcopy(_leaf(lib) * 2)


def assign_grad_of_wrong_size(lib):
    _leaf(lib).grad = lib.ones(3)


def assign_grad_of_wrong_dtype(lib):
    _leaf(lib).grad = lib.ones(2, dtype=lib.float64)


ERRORS = {
    # autograd
    "second-backward": second_backward,
    "second-backward-saved-result": second_backward_saved_result,
    "backward-non-scalar": lambda lib: (_leaf(lib) * 2).backward(),
    "backward-gradient-shape": lambda lib: (_leaf(lib) * 2).backward(lib.ones(3)),
    "backward-no-grad": lambda lib: lib.tensor([1.0, 2.0]).sum().backward(),
    "backward-int-scalar": lambda lib: lib.tensor([1, 2]).sum().backward(),
    "backward-non-scalar-no-grad": lambda lib: lib.tensor([1.0, 2.0]).backward(),
    "backward-under-no_grad": with_no_grad_backward,
    "inplace-on-leaf": lambda lib: _leaf(lib).add_(1),
    "inplace-operator-on-leaf": lambda lib: _leaf(lib).__iadd__(1),
    "inplace-setitem-on-leaf": lambda lib: _leaf(lib).__setitem__(0, 5.0),
    "inplace-setitem-slice-on-leaf": lambda lib: _leaf(lib).__setitem__(slice(1, None), 5.0),
    "inplace-setitem-all-on-leaf": lambda lib: _leaf(lib).__setitem__(slice(None), 5.0),
    "inplace-setitem-list-on-leaf": lambda lib: _leaf(lib).__setitem__([0], 5.0),
    "setitem-value-too-long": lambda lib: lib.zeros(3).__setitem__(slice(None), lib.ones(2)),
    "setitem-vector-into-element": lambda lib: lib.zeros(3).__setitem__(0, lib.ones(2)),
    "setitem-list-value-too-long": lambda lib: lib.zeros(3).__setitem__([0, 1], lib.ones(3)),
    "setitem-mask-value": lambda lib: lib.zeros(3).__setitem__(lib.zeros(3) > 5, lib.ones(2)),
    "setitem-a-list": lambda lib: lib.zeros(3).__setitem__(slice(0, 2), [1.0, 2.0]),
    "setitem-an-array": lambda lib: lib.zeros(3, dtype=lib.float64).__setitem__(0, np.ones(1)),
    "setitem-float64-expand": lambda lib: lib.zeros(3).__setitem__(0, lib.ones(2, dtype=lib.float64)),
    "inplace-on-view-of-leaf": lambda lib: _leaf(lib)[0].mul_(2),
    "saved-result-modified": saved_exp_modified,
    "saved-input-modified": saved_input_modified,
    "saved-result-overwritten": saved_result_overwritten,
    "saved-matrix-modified": saved_matrix_modified,
    "int-requires-grad": lambda lib: lib.tensor([1, 2], requires_grad=True),
    "int-requires_grad_": lambda lib: lib.tensor([1, 2]).requires_grad_(),
    "int-requires_grad-attribute": lambda lib: setattr(lib.tensor([1, 2]), "requires_grad", True),
    "bool-requires_grad_": lambda lib: lib.tensor([True]).requires_grad_(),
    "non-leaf-requires-grad-false": nonleaf_requires_grad_false,
    "retain_grad-without-grad": lambda lib: lib.tensor([1.0]).retain_grad(),
    "hook-without-grad": lambda lib: lib.tensor([1.0]).register_hook(lambda g: g),
    "deepcopy-non-leaf": deepcopy_non_leaf,
    "grad-wrong-size": assign_grad_of_wrong_size,
    "grad-wrong-dtype": assign_grad_of_wrong_dtype,
    "grad-not-a-tensor": lambda lib: setattr(_leaf(lib), "grad", [1.0, 2.0]),
    # conversions
    "numpy-requires-grad": lambda lib: _leaf(lib).numpy(),
    "item-many-elements": lambda lib: lib.tensor([1.0, 2.0]).item(),
    "item-empty": lambda lib: lib.tensor([]).item(),
    "bool-of-many-elements": lambda lib: bool(lib.tensor([1.0, 2.0])),
    "len-of-0d": lambda lib: len(lib.tensor(1.0)),
    "iter-of-0d": lambda lib: iter(lib.tensor(1.0)),
    "tensor-from-str": lambda lib: lib.tensor([1, "a"]),
    "tensor-from-None": lambda lib: lib.tensor(None),
    "tensor-from-object": lambda lib: lib.tensor([1, object()]),
    "tensor-ragged": lambda lib: lib.tensor([[1, 2], [3]]),
    "tensor-ragged-deeper": lambda lib: lib.tensor([[[1, 2]], [[3, 4], [5, 6]]]),
    "set-default-dtype-int": lambda lib: lib.set_default_dtype(lib.int64),
    # shapes
    "broadcast": lambda lib: lib.ones(2, 3) + lib.ones(4),
    "broadcast-3d": lambda lib: lib.ones(3, 1, 5) * lib.ones(4, 6),
    "broadcast-comparison": lambda lib: lib.ones(2, 3) < lib.ones(2),
    "broadcast-where": lambda lib: lib.where(lib.ones(3) > 0, lib.ones(3), lib.ones(2)),
    "broadcast-inplace": lambda lib: lib.ones(3).add_(lib.ones(2, 3)),
    "mm-shapes": lambda lib: lib.mm(lib.ones(2, 3), lib.ones(4, 5)),
    "mm-vector": lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)),
    "mm-dtypes": lambda lib: lib.mm(lib.ones(2, 3), lib.ones(3, 2, dtype=lib.float64)),
    "mv-shapes": lambda lib: lib.mv(lib.ones(2, 3), lib.ones(4)),
    "mv-dtypes": lambda lib: lib.mv(lib.ones(2, 3), lib.ones(3, dtype=lib.float64)),
    "dot-shapes": lambda lib: lib.dot(lib.ones(3), lib.ones(4)),
    "dot-dtypes": lambda lib: lib.dot(lib.ones(3), lib.ones(3, dtype=lib.float64)),
    "dot-matrix": lambda lib: lib.dot(lib.ones(2, 3), lib.ones(3)),
    "bmm-shapes": lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(3, 3, 4)),
    "bmm-dims": lambda lib: lib.bmm(lib.ones(2, 3), lib.ones(3, 4)),
    "bmm-dtypes": lambda lib: lib.bmm(lib.ones(1, 2, 3), lib.ones(1, 3, 2, dtype=lib.float64)),
    "matmul-matrices": lambda lib: lib.ones(2, 3) @ lib.ones(4, 5),
    "matmul-vectors": lambda lib: lib.ones(3) @ lib.ones(4),
    "matmul-matrix-vector": lambda lib: lib.ones(2, 3) @ lib.ones(4),
    "matmul-vector-matrix": lambda lib: lib.ones(3) @ lib.ones(4, 5),
    "matmul-batch-matrix": lambda lib: lib.ones(2, 2, 3) @ lib.ones(4, 5),
    "matmul-batches": lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 4, 5),
    "matmul-batch-broadcast": lambda lib: lib.ones(2, 2, 3) @ lib.ones(3, 3, 5),
    "matmul-0d": lambda lib: lib.tensor(2.0) @ lib.ones(3),
    "matmul-dtypes": lambda lib: lib.ones(2, 3) @ lib.ones(3, 2, dtype=lib.float64),
    "view-wrong-size": lambda lib: lib.ones(2, 3).view(4),
    "view-wrong-size-inferred": lambda lib: lib.ones(2, 3).view(4, -1),
    "view-two-inferred": lambda lib: lib.ones(2, 3).view(-1, -1),
    "view-non-contiguous": lambda lib: lib.ones(2, 3).t().view(6),
    "reshape-wrong-size": lambda lib: lib.ones(2, 3).reshape(5),
    "cat-sizes": lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]),
    "cat-sizes-dim1": lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3, 3)], dim=1),
    "cat-dims": lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3)]),
    "cat-empty-list": lambda lib: lib.cat([]),
    "stack-sizes": lambda lib: lib.stack([lib.ones(2, 3), lib.ones(3, 2)]),
    "expand-size": lambda lib: lib.ones(2, 3).expand(4, 3),
    "expand-too-few": lambda lib: lib.ones(2, 3).expand(3),
    "expand-two-clashes": lambda lib: lib.ones(2, 3).expand(3, 2),
    "expand-float64-too-few": lambda lib: lib.ones(2, dtype=lib.float64).expand(()),
    "flatten-start-after-end": lambda lib: lib.ones(2, 3).flatten(1, 0),
    "cat-0d": lambda lib: lib.cat([lib.ones(2), lib.tensor(1.0)]),
    "permute-too-few": lambda lib: lib.ones(2, 3).permute(0),
    "permute-repeated": lambda lib: lib.ones(2, 3).permute(0, 0),
    "t-of-3d": lambda lib: lib.ones(2, 3, 4).t(),
    "mT-of-vector": lambda lib: lib.ones(3).mT,
    # dims
    "dim-sum": lambda lib: lib.ones(2, 3).sum(2),
    "dim-negative": lambda lib: lib.ones(2, 3).sum(-3),
    "dim-tuple": lambda lib: lib.ones(2, 3).sum((0, 4)),
    "dim-mean": lambda lib: lib.ones(2, 3).mean(3),
    "dim-softmax": lambda lib: lib.ones(2, 3).softmax(5),
    "dim-transpose": lambda lib: lib.ones(2, 3).transpose(0, 2),
    "dim-unsqueeze": lambda lib: lib.ones(2, 3).unsqueeze(3),
    "dim-squeeze": lambda lib: lib.ones(2, 3).squeeze(-3),
    "dim-squeeze-tuple": lambda lib: lib.ones(2, 3).squeeze((0, 5)),
    "squeeze-repeated-dim": lambda lib: lib.ones(1, 3).squeeze((0, -2)),
    "dim-max": lambda lib: lib.ones(2, 3).max(2),
    "dim-argmax": lambda lib: lib.ones(2, 3).argmax(-4),
    "dim-var": lambda lib: lib.ones(2, 3).var(2),
    "dim-size": lambda lib: lib.ones(2, 3).size(2),
    "dim-cat": lambda lib: lib.cat([lib.ones(2), lib.ones(2)], dim=1),
    "dim-stack": lambda lib: lib.stack([lib.ones(2), lib.ones(2)], dim=2),
    "dim-of-0d": lambda lib: lib.tensor(1.0).sum(1),
    "dim-of-0d-max": lambda lib: lib.tensor(1.0).max(-2),
    "dim-repeated": lambda lib: lib.ones(2, 3).sum((1, -1)),
    # indexing
    "index-out-of-bounds": lambda lib: lib.ones(2, 3)[2],
    "index-negative-out-of-bounds": lambda lib: lib.ones(2, 3)[0, -4],
    "index-after-None": lambda lib: lib.ones(2, 3)[None, 0, 5],
    "index-after-Ellipsis": lambda lib: lib.ones(2, 3)[..., 7],
    "index-list-out-of-bounds": lambda lib: lib.ones(2, 3)[[0, 5]],
    "index-second-list-out-of-bounds": lambda lib: lib.ones(2, 3)[[0, 1], [7, 1]],
    "index-list-after-slice": lambda lib: lib.ones(2, 3)[:, [0, 5]],
    "index-tensor-out-of-bounds": lambda lib: lib.ones(2, 3)[lib.tensor([1, -3])],
    "index-0d-tensor-out-of-bounds": lambda lib: lib.ones(2, 3)[lib.tensor(5)],
    "index-lists-not-broadcastable": lambda lib: lib.ones(2, 3)[[0, 1, 0], [0, 1]],
    "index-too-many": lambda lib: lib.ones(2, 3)[0, 0, 0],
    "index-float-tensor": lambda lib: lib.ones(2, 3)[lib.tensor([0.0])],
    "index-mask-shape": lambda lib: lib.ones(2, 3)[lib.tensor([True, False, True])],
    "index-mask-shape-checked-last": lambda lib: lib.ones(4, 3, 3)[:, lib.ones(4) > 0, 5::2],
    "index-mask-shape-after-slice": lambda lib: lib.ones(2, 3)[:, lib.tensor([True, False])],
    # dtypes and arguments
    "mean-of-int": lambda lib: lib.tensor([1, 2]).mean(),
    "std-of-int": lambda lib: lib.tensor([1, 2]).std(),
    "clamp-without-bounds": lambda lib: lib.clamp(lib.ones(2)),
    "where-float-condition": lambda lib: lib.where(lib.ones(2), lib.ones(2), lib.ones(2)),
    "subtract-bools": lambda lib: lib.tensor([True]) - lib.tensor([False]),
    "subtract-a-bool": lambda lib: lib.ones(2) - lib.tensor([True, False]),
    "subtract-from-a-bool": lambda lib: lib.tensor([True]) - 1,
    "subtract-True": lambda lib: lib.tensor([1, 2]) - True,
    "True-minus-tensor": lambda lib: True - lib.ones(2),
    "negate-bool": lambda lib: -lib.tensor([True]),
    "abs-of-bool": lambda lib: lib.tensor([True]).abs(),
    "relu-of-bool": lambda lib: lib.tensor([True]).relu(),
    "softmax-of-int": lambda lib: lib.tensor([[1, 2]]).softmax(0),
    "softmax-of-int-last-dim": lambda lib: lib.tensor([[1, 2]]).softmax(-1),
    "log_softmax-of-bool": lambda lib: lib.tensor([True]).log_softmax(0),
    "int-to-negative-power": lambda lib: lib.tensor([1, 2]) ** -1,
    "div_-of-int": lambda lib: lib.tensor([1, 2]).div_(2),
    "add_-float-to-int": lambda lib: lib.tensor([1, 2]).add_(1.5),
    "invert-float": lambda lib: ~lib.tensor([1.0]),
    "arange-zero-step": lambda lib: lib.arange(0, 5, 0),
    "max-of-empty": lambda lib: lib.tensor([]).max(),
    "add-a-list": lambda lib: lib.ones(2) + [1, 2],
    # remainders and floor division
    "floordiv-backward": lambda lib: (_leaf(lib) // lib.tensor([0.5, 0.7])).sum().backward(),
    "floordiv-scalar-backward": lambda lib: (_leaf(lib) // 2).sum().backward(),
    "floordiv-number-first-backward": lambda lib: (2 // _leaf(lib)).sum().backward(),
    "floor_divide-backward": lambda lib: lib.floor_divide(_leaf(lib), 3).sum().backward(),
    "remainder-number-first-backward": lambda lib: (2 % _leaf(lib)).sum().backward(),
    "int-remainder-by-0": lambda lib: lib.tensor([1, 2]) % 0,
    "int-remainder-by-a-zero": lambda lib: lib.tensor([1, 2]) % lib.tensor([1, 0]),
    "number-remainder-int-zero": lambda lib: 5 % lib.tensor([1, 0]),
    "int-fmod-by-0": lambda lib: lib.fmod(lib.tensor([1, 2]), 0),
    "int-floordiv-by-0": lambda lib: lib.tensor([1, 2]) // 0,
    "int-floordiv-by-a-zero": lambda lib: lib.tensor([1, 2]) // lib.tensor([0, 1]),
    "int-div-trunc-by-0": lambda lib: lib.div(lib.tensor([1, 2]), 0, rounding_mode="trunc"),
    "bool-remainder": lambda lib: lib.tensor([True]) % lib.tensor([True]),
    "bool-remainder-True": lambda lib: lib.tensor([True]) % True,
    "bool-fmod": lambda lib: lib.fmod(lib.tensor([True]), lib.tensor([True])),
    "bool-floordiv": lambda lib: lib.tensor([True]) // lib.tensor([True]),
    "bool-div-trunc": lambda lib: lib.div(lib.tensor([True]), lib.tensor([True]), rounding_mode="trunc"),
    "bool-div-floor": lambda lib: lib.div(lib.tensor([True]), lib.tensor([True]), rounding_mode="floor"),
    "div-bad-rounding-mode": lambda lib: lib.div(lib.ones(2), 2, rounding_mode="round"),
    "fmod-number-first": lambda lib: lib.fmod(2, lib.ones(2)),
    "remainder-two-numbers": lambda lib: lib.remainder(2, 3),
    "remainder-a-list": lambda lib: lib.ones(2) % [1, 2],
    "floordiv-a-list": lambda lib: lib.ones(2) // [1, 2],
    "broadcast-remainder": lambda lib: lib.ones(2, 3) % lib.ones(4),
    "broadcast-fmod": lambda lib: lib.fmod(lib.ones(2, 3), lib.ones(2)),
    "broadcast-floordiv": lambda lib: lib.ones(2, 3) // lib.ones(4),
    "broadcast-floordiv-grad": lambda lib: _leaf(lib) // lib.ones(3),
    "inplace-remainder-on-leaf": lambda lib: _leaf(lib).__imod__(2),
    "inplace-floordiv-on-leaf": lambda lib: _leaf(lib).__ifloordiv__(2),
    "inplace-remainder-broadcast": lambda lib: lib.ones(3).remainder_(lib.ones(2, 3)),
    # norms
    "norm-of-int": lambda lib: lib.tensor([3, 4]).norm(),
    "vector_norm-of-int": lambda lib: lib.linalg.vector_norm(lib.tensor([3, 4])),
    "vector_norm-ord-str": lambda lib: lib.linalg.vector_norm(lib.ones(2), "fro"),
    "vector_norm-empty-inf": lambda lib: lib.linalg.vector_norm(lib.zeros(0), float("inf")),
    "vector_norm-empty--inf": lambda lib: lib.linalg.vector_norm(lib.zeros(0), float("-inf")),
    "vector_norm-empty-negative": lambda lib: lib.linalg.vector_norm(lib.zeros(0), -1),
    "vector_norm-empty-negative-float": lambda lib: lib.linalg.vector_norm(lib.zeros(0), -1.5),
    "vector_norm-empty-dim-inf": lambda lib: lib.linalg.vector_norm(lib.zeros(2, 0), float("inf"), dim=1),
    "vector_norm-empty-negative-dim": lambda lib: lib.linalg.vector_norm(lib.zeros(2, 0), -1, dim=-1),
    "norm-empty-inf": lambda lib: lib.zeros(0, 3).norm(float("inf")),
    "vector_norm-dim": lambda lib: lib.linalg.vector_norm(lib.ones(2, 3), dim=2),
    "vector_norm-dims-repeated": lambda lib: lib.linalg.vector_norm(lib.ones(2, 3), dim=(0, -2)),
    "norm-dim": lambda lib: lib.ones(2, 3).norm(dim=-3),
    "vector_norm-dtype-int": lambda lib: lib.linalg.vector_norm(lib.ones(2), dtype=lib.int64),
    "vector_norm-dtype-narrowing": lambda lib: lib.linalg.vector_norm(lib.ones(2, dtype=lib.float64),
                                                                      dtype=lib.float32),
    "linalg.norm-3d-with-ord": lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), 1),
    "linalg.norm-fro-of-vector": lambda lib: lib.linalg.norm(lib.ones(3), "fro"),
    "linalg.norm-fro-one-dim": lambda lib: lib.linalg.norm(lib.ones(2, 3), "fro", dim=1),
    "norm-nuc-three-dims": lambda lib: lib.norm(lib.ones(2, 2, 2), "nuc", dim=(0, 1, 2)),
    "norm-fro-three-dims": lambda lib: lib.norm(lib.ones(2, 2, 2), "fro", dim=(0, 1, 2)),
    "norm-nuc-one-dim": lambda lib: lib.norm(lib.ones(2, 2), "nuc", dim=1),
    "norm-nuc-of-vector": lambda lib: lib.norm(lib.ones(3), "nuc"),
    "norm-unknown-order": lambda lib: lib.norm(lib.ones(3), "abc"),
    "norm-fro-repeated-dims": lambda lib: lib.norm(lib.ones(2, 2), "fro", dim=(0, 0)),
    "linalg.norm-three-dims": lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), dim=(0, 1, 2)),
    "linalg.norm-fro-of-3d": lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), "fro"),
    "linalg.norm-same-dims": lambda lib: lib.linalg.norm(lib.ones(2, 2), "fro", dim=(0, -2)),
    "linalg.norm-dim-out-of-range": lambda lib: lib.linalg.norm(lib.ones(2, 2), "fro", dim=(0, 3)),
    "linalg.norm-matrix-order-3": lambda lib: lib.linalg.norm(lib.ones(2, 2), 3),
    "linalg.norm-unknown-order": lambda lib: lib.linalg.norm(lib.ones(2, 2), "abc"),
    # one_hot
    "one_hot-float": lambda lib: lib.nn.functional.one_hot(lib.tensor([0.0, 1.0])),
    "one_hot-int32": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1], dtype=lib.int32)),
    "one_hot-uint8": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1], dtype=lib.uint8)),
    "one_hot-bool": lambda lib: lib.nn.functional.one_hot(lib.tensor([True, False])),
    "one_hot-negative": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, -1])),
    "one_hot-too-large": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 3]), 3),
    "one_hot-zero-classes": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1]), 0),
    "one_hot-negative-classes": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1]), -2),
    "one_hot-empty": lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int64)),
    "one_hot-empty-zero-classes": lambda lib: lib.nn.functional.one_hot(lib.zeros(2, 0, dtype=lib.int64), 0),
    "one_hot-list": lambda lib: lib.nn.functional.one_hot([0, 1]),
    "one_hot-float-classes": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1]), 2.0),
    "one_hot-None-classes": lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1]), None),
    # log1p, expm1, logsumexp, round, softplus
    "log1p-of-a-list": lambda lib: lib.log1p([1.0]),
    "expm1-of-a-number": lambda lib: lib.expm1(1.0),
    "logsumexp-of-a-list": lambda lib: lib.logsumexp([1.0], 0),
    "logsumexp-dim-float": lambda lib: lib.logsumexp(lib.ones(2, 3), 0.5),
    "logsumexp-dim-None": lambda lib: lib.logsumexp(lib.ones(2, 3), None),
    "logsumexp-dim-str": lambda lib: lib.logsumexp(lib.ones(2, 3), "a"),
    "Tensor.logsumexp-dim-float": lambda lib: lib.ones(2, 3).logsumexp(0.5),
    "Tensor.logsumexp-dim-None": lambda lib: lib.ones(2, 3).logsumexp(None),
    "logsumexp-keepdim-int": lambda lib: lib.logsumexp(lib.ones(2, 3), 0, 1),
    "logsumexp-keepdim-None": lambda lib: lib.logsumexp(lib.ones(2, 3), 0, None),
    "logsumexp-dim-out-of-range": lambda lib: lib.logsumexp(lib.ones(2, 3), 2),
    "logsumexp-dims-repeated": lambda lib: lib.logsumexp(lib.ones(2, 3), (0, -2)),
    "logsumexp-empty-dims": lambda lib: lib.logsumexp(lib.ones(2, 3), ()),
    "logsumexp-empty-dims-1d": lambda lib: lib.logsumexp(lib.ones(3), []),
    "round-of-a-number": lambda lib: lib.round(1.5),
    "round-of-int-with-decimals": lambda lib: lib.round(lib.tensor([1, 25]), decimals=-1),
    "round-of-int-decimals-0": lambda lib: lib.round(lib.tensor([1, 25], dtype=lib.int32), decimals=0),
    "round-of-bool": lambda lib: lib.round(lib.tensor([True])),
    "round-of-bool-with-decimals": lambda lib: lib.tensor([True]).round(decimals=1),
    "round-decimals-float": lambda lib: lib.round(lib.ones(2), decimals=0.5),
    "round-decimals-bool": lambda lib: lib.round(lib.ones(2), decimals=True),
    "Tensor.round-decimals-float": lambda lib: lib.ones(2).round(decimals=1.5),
    "softplus-of-int": lambda lib: lib.nn.functional.softplus(lib.tensor([1, 2])),
    "softplus-of-bool": lambda lib: lib.nn.functional.softplus(lib.tensor([True])),
    "softplus-of-a-list": lambda lib: lib.nn.functional.softplus([1.0]),
    "softplus-beta-str": lambda lib: lib.nn.functional.softplus(lib.ones(2), beta="a"),
    "softplus-threshold-None": lambda lib: lib.nn.functional.softplus(lib.ones(2), threshold=None),
    "softplus-too-many-arguments": lambda lib: lib.nn.functional.softplus(lib.ones(2), 1, 2, 3),
    "Softplus-of-int": lambda lib: lib.nn.Softplus()(lib.tensor([1, 2])),
    # masked_fill, nonzero
    "masked_fill-int-mask": lambda lib: lib.ones(2, 3).masked_fill(lib.tensor([1, 0, 1]), 0.0),
    "masked_fill-uint8-mask": lambda lib: lib.ones(3).masked_fill(lib.tensor([1, 0, 1], dtype=lib.uint8), 0.0),
    "masked_fill-float-mask": lambda lib: lib.ones(3).masked_fill(lib.ones(3), 0.0),
    "masked_fill-mask-shape": lambda lib: lib.ones(2, 3).masked_fill(lib.tensor([True, False]), 0.0),
    "masked_fill-mask-longer": lambda lib: lib.ones(2).masked_fill(lib.tensor([True, False, True]), 0.0),
    "masked_fill-mask-shape-first": lambda lib: lib.ones(2, 3).masked_fill(lib.ones(4) > 0, lib.ones(2)),
    "masked_fill-value-1d": lambda lib: lib.ones(3).masked_fill(lib.ones(3) > 0, lib.tensor([2.0])),
    "masked_fill-value-2d-int-mask": lambda lib: lib.ones(2, 3).masked_fill(lib.tensor([1]), lib.ones(2, 3)),
    "masked_fill-value-str": lambda lib: lib.ones(3).masked_fill(lib.ones(3) > 0, "a"),
    "masked_fill-value-None": lambda lib: lib.ones(3).masked_fill(lib.ones(3) > 0, None),
    "masked_fill-value-list": lambda lib: lib.ones(3).masked_fill(lib.ones(3) > 0, [1.0]),
    "masked_fill-list-mask": lambda lib: lib.ones(3).masked_fill([True, False, True], 0.0),
    "masked_fill-tuple-mask": lambda lib: lib.ones(3).masked_fill((True, 1), 1),
    "masked_fill-str-mask": lambda lib: lib.ones(3).masked_fill("a", 1.0),
    "torch.masked_fill-value-str": lambda lib: lib.masked_fill(lib.ones(3), lib.ones(3) > 0, "a"),
    "torch.masked_fill-list-mask": lambda lib: lib.masked_fill(lib.ones(3), [True], 0.0),
    "torch.masked_fill-list-mask-tensor-value": lambda lib: lib.masked_fill(lib.ones(3), [True], lib.tensor(1.0)),
    "torch.masked_fill-number-input": lambda lib: lib.masked_fill(1.0, lib.ones(3) > 0, True),
    "masked_fill_-value-str": lambda lib: lib.ones(3).masked_fill_(lib.ones(3) > 0, "a"),
    "masked_fill_-value-list": lambda lib: lib.ones(3).masked_fill_(lib.ones(3) > 0, [1, 2.0]),
    "masked_fill_-list-mask-on-leaf": lambda lib: _leaf(lib).masked_fill_([True, False], 0.0),
    "masked_fill_-on-leaf": lambda lib: _leaf(lib).masked_fill_(lib.tensor([True, False]), 0.0),
    "masked_fill_-on-view-of-leaf": lambda lib: _leaf(lib)[1:].masked_fill_(lib.tensor([True]), 0.0),
    "masked_fill_-mask-broadcasts-self": lambda lib: (_leaf(lib) * 1).masked_fill_(lib.ones(2, 2) > 0, 0.0),
    "masked_fill_-mask-broadcasts-plain": lambda lib: lib.ones(2).masked_fill_(lib.ones(3, 2) > 0, 0.0),
    "masked_fill_-int-mask": lambda lib: lib.ones(2).masked_fill_(lib.tensor([1, 0]), 0.0),
    "masked_fill_-saved-result-modified": lambda lib: _masked_exp(lib).sum().backward(),
    "masked_fill-uint8-overflow": lambda lib: lib.ones(2, dtype=lib.uint8).masked_fill(lib.tensor([True, False]), 300),
    "masked_fill-uint8-negative-float": lambda lib: lib.ones(2, dtype=lib.uint8).masked_fill(
        lib.tensor([True, False]), -1.0),
    "masked_fill-int32-overflow": lambda lib: lib.ones(2, dtype=lib.int32).masked_fill(
        lib.tensor([True, False]), 2**40),
    "masked_fill-int32-tensor-overflow": lambda lib: lib.ones(2, dtype=lib.int32).masked_fill(
        lib.tensor([True, False]), lib.tensor(2**40)),
    "masked_fill-int64-float-overflow": lambda lib: lib.ones(2, dtype=lib.int64).masked_fill(
        lib.tensor([True, False]), 1e30),
    "masked_fill-int-nan": lambda lib: lib.ones(2, dtype=lib.int32).masked_fill(
        lib.tensor([True, False]), float("nan")),
    "masked_fill-float32-overflow": lambda lib: lib.ones(2).masked_fill(lib.tensor([True, False]), 1e300),
    "masked_fill-complex-value": lambda lib: lib.ones(2).masked_fill(lib.tensor([True, False]), 1 + 2j),
    "nonzero-of-a-list": lambda lib: lib.nonzero([1, 0]),
    "nonzero-as_tuple-positional": lambda lib: lib.nonzero(lib.ones(2), True),
    "nonzero-as_tuple-int": lambda lib: lib.nonzero(lib.ones(2), as_tuple=1),
    "Tensor.nonzero-as_tuple-None": lambda lib: lib.ones(2).nonzero(as_tuple=None),
    # numbers that don't fit the dtype
    "uint8-256": lambda lib: lib.tensor([1, 256], dtype=lib.uint8),
    "uint8--256": lambda lib: lib.tensor([[1, -1], [256, -256]], dtype=lib.uint8),
    "uint8-0d--256": lambda lib: lib.tensor(-256, dtype=lib.uint8),
    "uint8-float-above-255": lambda lib: lib.tensor([1.5, 255.5], dtype=lib.uint8),
    "uint8-negative-float": lambda lib: lib.tensor([-0.5], dtype=lib.uint8),
    "uint8-nan": lambda lib: lib.tensor([float("nan")], dtype=lib.uint8),
    "uint8-inf": lambda lib: lib.tensor([float("inf")], dtype=lib.uint8),
    "uint8-numpy-int": lambda lib: lib.tensor([np.int64(-300)], dtype=lib.uint8),
    "uint8-2**63-1": lambda lib: lib.tensor([2**63 - 1], dtype=lib.uint8),
    "uint8-2**64": lambda lib: lib.tensor([2**64], dtype=lib.uint8),
    "uint8--2**63-1": lambda lib: lib.tensor([-2**63 - 1], dtype=lib.uint8),
    "uint8-ragged": lambda lib: lib.tensor([[1, -1], [2]], dtype=lib.uint8),
    "new_tensor-uint8-300": lambda lib: lib.ones(2, dtype=lib.uint8).new_tensor([300]),
    "full-uint8-300": lambda lib: lib.full((2,), 300, dtype=lib.uint8),
    "full-uint8--256": lambda lib: lib.full((2,), -256, dtype=lib.uint8),
    "full-uint8--1.0": lambda lib: lib.full((2,), -1.0, dtype=lib.uint8),
    "full_like-uint8-300": lambda lib: lib.full_like(lib.zeros(2, dtype=lib.uint8), 300),
    "fill_-uint8-300": lambda lib: lib.zeros(2, dtype=lib.uint8).fill_(300),
    "fill_-int32-overflow": lambda lib: lib.zeros(2, dtype=lib.int32).fill_(2**40),
    "fill_-float32-overflow": lambda lib: lib.zeros(2).fill_(1e300),
    # clip_grad_norm_
    "clip_grad_norm_-nonfinite": lambda lib: lib.nn.utils.clip_grad_norm_(
        [_with_grad(lib, [1.0, float("inf")])], 1.0, error_if_nonfinite=True),
    "clip_grad_norm_-nan-inf-norm": lambda lib: lib.nn.utils.clip_grad_norm_(
        [_with_grad(lib, [1.0, float("nan")]), _with_grad(lib, [2.0])], 1.0, "inf", error_if_nonfinite=True),
}


def _masked_exp(lib):
    """exp saves its result; masked_fill_ then changes it in place."""
    e = _leaf(lib).exp()
    return e.masked_fill_(lib.tensor([True, False]), 0.0)


def _with_grad(lib, grad):
    p = lib.zeros(len(grad), requires_grad=True)
    p.grad = lib.tensor(grad)
    return p


def _error(fn, lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as info:
            fn(lib)
    return info.value


def _params(table):
    """The table's rows as pytest params named by their keys (a row may be a pytest.param already)."""
    return [pytest.param(*row.values, marks=row.marks, id=key) if isinstance(row, tuple)
            else pytest.param(row, id=key) for key, row in table.items()]


@pytest.mark.parametrize("mistake", _params(ERRORS))
def test_same_error(torch, mistake):
    expected = _error(mistake, torch)
    got = _error(mistake, pedagrad)
    assert type(got) is type(expected)
    assert str(got) == str(expected)


def _warnings(fn, lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(lib)
    return caught


def non_leaf_grad(lib):
    y = _leaf(lib) * 2
    y.sum().backward()
    return y.grad


WARNINGS = {
    "grad-of-non-leaf": non_leaf_grad,
    ".T-of-0d": lambda lib: lib.tensor(1.0).T,
    ".T-of-vector": lambda lib: lib.ones(3).T,
    ".T-of-3d": lambda lib: lib.ones(2, 3, 4).T,
    ".mT-of-0d": lambda lib: lib.tensor(1.0).mT,
    "tensor-of-tensor": lambda lib: lib.tensor(lib.ones(2)),
    "std-of-one-element": lambda lib: lib.ones(1).std(),
    "var-without-degrees-of-freedom": lambda lib: lib.var(lib.ones(2, 3), 1, correction=3),
    "clip_grad_norm_-of-an-empty-generator": lambda lib: lib.nn.utils.clip_grad_norm_(
        (p for p in [lib.ones(1)] if p.requires_grad), 1.0),
}


@pytest.mark.parametrize("action", WARNINGS.values(), ids=WARNINGS.keys())
def test_same_warning(torch, action):
    """Same category and text (torch appends where in its C++ it warned: that part is left out),
    reported at the line of the learner's code."""
    was = torch.is_warn_always_enabled()
    torch.set_warn_always(True)  # torch warns only once per process otherwise
    try:
        expected = _warnings(action, torch)
    finally:
        torch.set_warn_always(was)
    got = _warnings(action, pedagrad)
    assert len(got) == len(expected) == 1
    assert got[0].category is expected[0].category
    assert str(got[0].message) == str(expected[0].message).split(" (Triggered internally")[0]
    assert got[0].filename == expected[0].filename == __file__


@pytest.mark.parametrize("action", [lambda lib: _leaf(lib).grad, lambda lib: lib.ones(2, 3).T,
                                    lambda lib: (_leaf(lib) * 2).retain_grad()],
                         ids=["grad-of-leaf", ".T-of-matrix", "retain_grad"])
def test_no_warning(torch, action):
    assert _warnings(action, torch) == _warnings(action, pedagrad) == []
