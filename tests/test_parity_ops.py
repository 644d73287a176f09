"""Every op against PyTorch: values, dtype, the grad_fn graph, gradients and the printout.

Each case is ``f(lib, *tensors)``, run once with ``lib = pedagrad`` and once with ``lib = torch``
on the same seeded inputs.
"""
import numpy as np
import pytest
from torch_parity import graph_names, to_numpy

import pedagrad

RTOL = {np.float64: 1e-10, np.float32: 1e-5}


def case(fn, *shapes, id, low=None, dtype=np.float64, grads=None, marks=()):
    """A table row: ``fn(lib, *inputs)`` on inputs of ``shapes`` (uniform in [low, 2] if low is set).

    ``dtype`` and ``grads`` (does the input require grad? all do by default) may be one per input.
    """
    dtypes = dtype if isinstance(dtype, tuple) else (dtype,) * len(shapes)
    return pytest.param(fn, shapes, low, dtypes, grads or (True,) * len(shapes), id=id, marks=marks)


NO_DEGREES_OF_FREEDOM = pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning")


def written(t, key, value):
    """``t[key] = value``, as an expression."""
    t[key] = value
    return t


def with_nans(lib, x):
    """x with nan where it is not positive."""
    return lib.where(x > 0, x, x * float("nan"))


def binary(name, fn, low=None):
    """``fn`` on tensor pairs that broadcast in each way torch allows, and on two 0-d tensors."""
    pairs = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((3, 4), (4,)), ((), (2, 3)),
             ((2, 3), ()), ((), ())]
    return [case(fn, a, b, low=low, id=f"{name}-{a}-{b}") for a, b in pairs]


CASES = [
    *binary("add", lambda lib, x, y: x + y),
    *binary("sub", lambda lib, x, y: x - y),
    *binary("mul", lambda lib, x, y: x * y),
    *binary("div", lambda lib, x, y: x / y, low=0.5),
    *binary("pow", lambda lib, x, y: x ** y, low=0.5),
    *binary("maximum", lambda lib, x, y: lib.maximum(x, y)),
    *binary("minimum", lambda lib, x, y: lib.minimum(x, y)),
    case(lambda lib, x, y: lib.add(x, y, alpha=2), (3,), (3,), id="add-alpha"),
    case(lambda lib, x, y: lib.sub(x, y, alpha=3), (3,), (3,), id="sub-alpha"),
    case(lambda lib, x, y: lib.mul(x, y), (2, 3), (3,), id="torch.mul"),
    case(lambda lib, x, y: lib.div(x, y), (2, 3), (3,), low=0.5, id="torch.div"),
    case(lambda lib, x, y: lib.pow(x, y), (2, 3), (3,), low=0.5, id="torch.pow-tensors"),
    # a Python number on either side
    case(lambda lib, x: x + 2, (2, 3), id="x+2"),
    case(lambda lib, x: 2 + x, (2, 3), id="2+x"),
    case(lambda lib, x: x + 1.5, (2, 3), id="x+1.5"),
    case(lambda lib, x: x - 2, (2, 3), id="x-2"),
    case(lambda lib, x: 2 - x, (2, 3), id="2-x"),
    case(lambda lib, x: 2.5 - x, (), id="2.5-x-0d"),
    case(lambda lib, x: x * 2, (2, 3), id="x*2"),
    case(lambda lib, x: 2 * x, (2, 3), id="2*x"),
    case(lambda lib, x: x * 0.5, (2, 3), id="x*0.5"),
    case(lambda lib, x: x / 2, (2, 3), id="x/2"),
    case(lambda lib, x: 2 / x, (2, 3), low=0.5, id="2/x"),
    case(lambda lib, x: 1.5 / x, (), low=0.5, id="1.5/x-0d"),
    case(lambda lib, x: x ** 2, (2, 3), id="x**2"),
    case(lambda lib, x: x ** 3, (2, 3), id="x**3"),
    case(lambda lib, x: x ** 0.5, (2, 3), low=0.5, id="x**0.5"),
    case(lambda lib, x: x ** -1, (2, 3), low=0.5, id="x**-1"),
    case(lambda lib, x: x ** 0, (2, 3), id="x**0"),
    case(lambda lib, x: 2 ** x, (2, 3), id="2**x"),
    case(lambda lib, x: 2.5 ** x, (2, 3), id="2.5**x"),
    case(lambda lib, x: lib.pow(x, 3), (2, 3), id="torch.pow-scalar-exponent"),
    case(lambda lib, x: lib.pow(2, x), (2, 3), id="torch.pow-scalar-base"),
    case(lambda lib, x: x.pow(2), (4,), id="Tensor.pow"),
    case(lambda lib, x: -x, (2, 3), id="neg-operator"),
    case(lambda lib, x: lib.neg(x), (2, 3), id="neg"),
    case(lambda lib, x: x.neg(), (), id="neg-0d"),
    # matrix products
    case(lambda lib, x, y: lib.dot(x, y), (3,), (3,), id="dot"),
    case(lambda lib, x, y: lib.mv(x, y), (2, 3), (3,), id="mv"),
    case(lambda lib, x, y: lib.mm(x, y), (2, 3), (3, 4), id="mm"),
    case(lambda lib, x, y: lib.bmm(x, y), (2, 2, 3), (2, 3, 4), id="bmm"),
    case(lambda lib, x, y: x.mm(y), (2, 3), (3, 2), id="Tensor.mm"),
    case(lambda lib, x, y: x @ y, (3,), (3,), id="matmul-vec-vec"),
    case(lambda lib, x, y: x @ y, (2, 3), (3,), id="matmul-mat-vec"),
    case(lambda lib, x, y: x @ y, (3,), (3, 4), id="matmul-vec-mat"),
    case(lambda lib, x, y: x @ y, (2, 3), (3, 4), id="matmul-mat-mat"),
    case(lambda lib, x, y: x @ y, (2, 2, 3), (3, 4), id="matmul-batch-mat"),
    case(lambda lib, x, y: x @ y, (2, 2, 3), (3,), id="matmul-batch-vec"),
    case(lambda lib, x, y: x @ y, (3,), (2, 3, 4), id="matmul-vec-batch"),
    case(lambda lib, x, y: x @ y, (2, 3), (2, 3, 4), id="matmul-mat-batch"),
    case(lambda lib, x, y: x @ y, (2, 2, 3), (2, 3, 4), id="matmul-batch-batch"),
    case(lambda lib, x, y: x @ y, (2, 1, 2, 3), (3, 3, 4), id="matmul-broadcast-batches"),
    case(lambda lib, x, y: lib.matmul(x, y), (1, 2, 3), (4, 3, 2), id="torch.matmul-broadcast"),
    # which path matmul takes depends on what requires grad and on the memory layout
    case(lambda lib, x, y: x @ y, (3,), (2, 3, 4), grads=(False, True), id="matmul-vec-batch-no-fold"),
    case(lambda lib, x, y: x @ y, (2, 3), (2, 3, 4), grads=(False, True), id="matmul-mat-batch-no-fold"),
    case(lambda lib, x, y: x @ y, (2, 2, 3), (3, 4), grads=(True, False), id="matmul-batch-mat-contiguous"),
    case(lambda lib, x, y: x.transpose(0, 1) @ y, (2, 2, 3), (3, 4), grads=(True, False),
         id="matmul-strided-batch-mat"),
    case(lambda lib, x, y: x.transpose(0, 1) @ y, (2, 2, 3), (3,), grads=(True, False),
         id="matmul-strided-batch-vec"),
    case(lambda lib, x, y: x @ y, (1, 2, 3), (4, 3, 2), grads=(False, True), id="matmul-broadcast-no-grad"),
    case(lambda lib, x, y: x @ y, (4, 2, 3), (1, 3, 2), id="matmul-broadcast-right"),
    case(lambda lib, x, y: x @ y, (2, 3), (3, 4), grads=(False, True), id="mm-one-grad"),
    # elementwise functions
    case(lambda lib, x: lib.exp(x), (2, 3), id="exp"),
    case(lambda lib, x: x.exp(), (), id="exp-0d"),
    case(lambda lib, x: lib.log(x), (2, 3), low=0.1, id="log"),
    case(lambda lib, x: lib.sqrt(x), (2, 3), low=0.1, id="sqrt"),
    case(lambda lib, x: lib.tanh(x), (2, 3), id="tanh"),
    case(lambda lib, x: lib.sigmoid(x), (2, 3), id="sigmoid"),
    case(lambda lib, x: x.sigmoid(), (), id="sigmoid-0d"),
    case(lambda lib, x: lib.relu(x), (3, 4), id="relu"),
    case(lambda lib, x: lib.abs(x), (3, 4), id="abs"),
    case(lambda lib, x: abs(x), (3, 4), id="abs-builtin"),
    case(lambda lib, x: lib.sin(x), (2, 3), id="sin"),
    case(lambda lib, x: lib.cos(x), (2, 3), id="cos"),
    case(lambda lib, x: lib.clamp(x, min=-0.5), (3, 4), id="clamp-min"),
    case(lambda lib, x: lib.clamp(x, max=0.5), (3, 4), id="clamp-max"),
    case(lambda lib, x: lib.clamp(x, -0.5, 0.5), (3, 4), id="clamp-both"),
    case(lambda lib, x: x.clamp(min=0), (3, 4), id="Tensor.clamp-int-bound"),
    case(lambda lib, x: x.clip(-1, 1), (3, 4), id="Tensor.clip"),
    # reductions
    case(lambda lib, x: x.sum(), (2, 3, 4), id="sum"),
    case(lambda lib, x: lib.sum(x, 0), (2, 3, 4), id="sum-dim0"),
    case(lambda lib, x: x.sum(1, keepdim=True), (2, 3, 4), id="sum-keepdim"),
    case(lambda lib, x: x.sum(-1), (2, 3, 4), id="sum-negative-dim"),
    case(lambda lib, x: x.sum((0, 2)), (2, 3, 4), id="sum-tuple-dims"),
    case(lambda lib, x: x.sum((0, -1), keepdim=True), (2, 3, 4), id="sum-tuple-keepdim"),
    case(lambda lib, x: x.sum(dim=0), (4,), id="sum-vector-dim"),
    case(lambda lib, x: x.sum(), (), id="sum-0d"),
    case(lambda lib, x: x.sum(0), (), id="sum-0d-dim"),
    case(lambda lib, x: x.mean(-1, keepdim=True), (), id="mean-0d-dim"),
    case(lambda lib, x: x.max(0).values, (), id="max-0d-dim"),
    case(lambda lib, x: x.min(-1).indices, (), id="min-0d-dim-indices"),
    case(lambda lib, x: x.softmax(0), (), id="softmax-0d"),
    case(lambda lib, x: x.argmax(0), (), id="argmax-0d"),
    case(lambda lib, x: x.sum(dim=None, keepdim=True), (2, 3), id="sum-all-keepdim"),
    case(lambda lib, x: x.sum(()), (2, 3), id="sum-empty-dims"),
    case(lambda lib, x: x.mean(), (2, 3, 4), id="mean"),
    case(lambda lib, x: lib.mean(x, 1), (2, 3, 4), id="mean-dim"),
    case(lambda lib, x: x.mean(-2, keepdim=True), (2, 3, 4), id="mean-keepdim"),
    case(lambda lib, x: x.mean((1, 2)), (2, 3, 4), id="mean-tuple-dims"),
    case(lambda lib, x: x.mean((-1, 0), keepdim=True), (2, 3, 4), id="mean-tuple-keepdim"),
    case(lambda lib, x: x.mean(None, True), (2, 3), id="mean-all-keepdim"),
    case(lambda lib, x: x.max(), (3, 4), id="max"),
    case(lambda lib, x: x.min(), (3, 4), id="min"),
    case(lambda lib, x: lib.max(x), (), id="max-0d"),
    case(lambda lib, x: x.max(0).values, (3, 4), id="max-dim-values"),
    case(lambda lib, x: x.max(0).indices, (3, 4), id="max-dim-indices"),
    case(lambda lib, x: x.max(1, keepdim=True)[0], (3, 4), id="max-keepdim-values"),
    case(lambda lib, x: x.max(-1, keepdim=True)[1], (3, 4), id="max-keepdim-indices"),
    case(lambda lib, x: lib.min(x, dim=-1).values, (2, 3, 4), id="min-dim-values"),
    case(lambda lib, x: x.min(1).indices, (2, 3, 4), id="min-dim-indices"),
    case(lambda lib, x, y: lib.max(x, y), (3, 4), (4,), id="max-of-two-tensors"),
    case(lambda lib, x: x.var(), (3, 4), id="var"),
    case(lambda lib, x: x.var(unbiased=False), (3, 4), id="var-biased"),
    case(lambda lib, x: x.var(1), (3, 4), id="var-dim"),
    case(lambda lib, x: x.var(0, keepdim=True), (3, 4), id="var-keepdim"),
    case(lambda lib, x: lib.var(x, dim=-1, unbiased=False, keepdim=True), (3, 4), id="var-all-args"),
    case(lambda lib, x: x.var((0, 2)), (2, 3, 4), id="var-tuple-dims"),
    case(lambda lib, x: x.std(), (3, 4), id="std"),
    case(lambda lib, x: x.std(unbiased=False), (3, 4), id="std-biased"),
    case(lambda lib, x: lib.std(x, 0), (3, 4), id="std-dim"),
    case(lambda lib, x: x.std(-1, keepdim=True), (3, 4), id="std-keepdim"),
    case(lambda lib, x: x.std(dim=1, unbiased=False), (3, 4), id="std-dim-biased"),
    case(lambda lib, x: x.var(correction=2), (3, 4), id="var-correction"),
    case(lambda lib, x: x.var(0), (1, 3), marks=NO_DEGREES_OF_FREEDOM, id="var-one-row"),
    case(lambda lib, x: x.std(), (1,), marks=NO_DEGREES_OF_FREEDOM, id="std-one-element"),
    case(lambda lib, x: lib.var(x, 1, correction=3), (2, 2), marks=NO_DEGREES_OF_FREEDOM,
         id="var-correction-too-big"),
    case(lambda lib, x: x.argmax(), (3, 4), id="argmax"),
    case(lambda lib, x: lib.argmax(x, 1), (3, 4), id="argmax-dim"),
    case(lambda lib, x: x.argmax(dim=-1, keepdim=True), (3, 4), id="argmax-keepdim"),
    case(lambda lib, x: x.argmin(), (3, 4), id="argmin"),
    case(lambda lib, x: x.argmax(keepdim=True), (3, 4), id="argmax-all-keepdim"),
    case(lambda lib, x: lib.argmin(x, 0, keepdim=True), (3, 4), id="argmin-keepdim"),
    case(lambda lib, x: lib.softmax(x, dim=1), (3, 4), id="softmax"),
    case(lambda lib, x: x.softmax(0), (3, 4), id="softmax-dim0"),
    case(lambda lib, x: lib.softmax(x, -1), (2, 3, 4), id="softmax-negative-dim"),
    case(lambda lib, x: lib.log_softmax(x, dim=1), (3, 4), id="log_softmax"),
    case(lambda lib, x: x.log_softmax(-1), (2, 3, 4), id="log_softmax-negative-dim"),
    # shapes
    case(lambda lib, x: x.reshape(4, 3), (3, 4), id="reshape"),
    case(lambda lib, x: x.reshape(-1), (3, 4), id="reshape-minus-one"),
    case(lambda lib, x: lib.reshape(x, (2, -1)), (3, 4), id="torch.reshape"),
    case(lambda lib, x: x.t().reshape(-1), (3, 4), id="reshape-non-contiguous"),
    case(lambda lib, x: x.transpose(0, 1).reshape(2, 2, 3), (2, 2, 3), id="reshape-strided-view"),
    case(lambda lib, x: x.expand(3, 4).reshape(3, 2, 2), (3, 1), id="reshape-expanded-view"),
    case(lambda lib, x: x.expand(2, 3, 4).reshape(6, 4), (3, 4), id="reshape-expanded-copy"),
    case(lambda lib, x: x[:, 1].reshape(-1), (2, 3, 4), id="reshape-select-copy"),
    case(lambda lib, x: x.view(2, 6), (3, 4), id="view"),
    case(lambda lib, x: x.view(-1, 2), (3, 4), id="view-minus-one"),
    case(lambda lib, x: x.view(()), (1,), id="view-to-0d"),
    case(lambda lib, x: x.flatten(), (2, 3, 4), id="flatten"),
    case(lambda lib, x: x.flatten(1), (2, 3, 4), id="flatten-start"),
    case(lambda lib, x: lib.flatten(x, 0, 1), (2, 3, 4), id="flatten-start-end"),
    case(lambda lib, x: x.flatten(), (), id="flatten-0d"),
    case(lambda lib, x: x.flatten(), (4,), id="flatten-1d"),
    case(lambda lib, x: x.transpose(0, 1), (3, 4), id="transpose"),
    case(lambda lib, x: lib.transpose(x, -1, 0), (2, 3, 4), id="transpose-negative"),
    case(lambda lib, x: x.permute(2, 0, 1), (2, 3, 4), id="permute"),
    case(lambda lib, x: x.transpose(0, -1), (), id="transpose-0d"),
    case(lambda lib, x: x.squeeze(0), (), id="squeeze-0d-dim"),
    case(lambda lib, x: lib.permute(x, (1, -1, 0)), (2, 3, 4), id="permute-tuple"),
    case(lambda lib, x: x.T, (3, 4), id=".T"),
    case(lambda lib, x: x.mT, (2, 3, 4), id=".mT"),
    case(lambda lib, x: x.mT, (3, 4), id=".mT-matrix"),
    case(lambda lib, x: x.t(), (3, 4), id=".t()"),
    case(lambda lib, x: x.t(), (3,), id=".t()-vector"),
    case(lambda lib, x: x.squeeze(), (3, 1, 4, 1), id="squeeze"),
    case(lambda lib, x: x.squeeze(1), (3, 1, 4), id="squeeze-dim"),
    case(lambda lib, x: x.squeeze(0), (3, 1, 4), id="squeeze-dim-not-one"),
    case(lambda lib, x: lib.squeeze(x, -1), (3, 4, 1), id="squeeze-negative-dim"),
    case(lambda lib, x: x.squeeze((0, -1)), (1, 4, 1), id="squeeze-tuple"),
    case(lambda lib, x: x.squeeze((0, 1)), (1, 4), id="squeeze-tuple-not-one"),
    case(lambda lib, x: x.unsqueeze(0), (3, 4), id="unsqueeze"),
    case(lambda lib, x: x.unsqueeze(-1), (3, 4), id="unsqueeze-last"),
    case(lambda lib, x: lib.unsqueeze(x, -2), (3, 4), id="unsqueeze-negative"),
    case(lambda lib, x: x.unsqueeze(0), (), id="unsqueeze-0d"),
    case(lambda lib, x: x.expand(3, 4), (3, 1), id="expand"),
    case(lambda lib, x: x.expand(2, -1, -1), (3, 4), id="expand-new-dim"),
    case(lambda lib, x: x.expand(2, 3), (), id="expand-0d"),
    case(lambda lib, x, y: x.expand_as(y), (4,), (3, 4), id="expand_as"),
    # indexing
    case(lambda lib, x: x[1], (3, 4), id="index-int"),
    case(lambda lib, x: x[-1], (3, 4), id="index-negative-int"),
    case(lambda lib, x: x[0, 1], (3, 4), id="index-two-ints"),
    case(lambda lib, x: x[1:], (3, 4), id="index-slice"),
    case(lambda lib, x: x[::2], (5, 2), id="index-step-slice"),
    case(lambda lib, x: x[1:3, ::2], (4, 5), id="index-two-slices"),
    case(lambda lib, x: x[-2:], (4,), id="index-negative-slice"),
    case(lambda lib, x: x[:], (3, 4), id="index-full-slice"),
    case(lambda lib, x: x[None], (3, 4), id="index-None"),
    case(lambda lib, x: x[None, 1], (3, 4), id="index-None-int"),
    case(lambda lib, x: x[:, None, 1], (3, 4), id="index-slice-None-int"),
    case(lambda lib, x: x[..., 0], (2, 3, 4), id="index-Ellipsis-int"),
    case(lambda lib, x: x[...], (3, 4), id="index-Ellipsis"),
    case(lambda lib, x: x[..., None], (3, 4), id="index-Ellipsis-None"),
    case(lambda lib, x: x[[0, 2]], (3, 4), id="index-list"),
    case(lambda lib, x: x[lib.tensor([0, 2, 0])], (3, 4), id="index-tensor-repeated"),
    case(lambda lib, x: x[lib.tensor([[0, 1], [1, 2]])], (3, 4), id="index-2d-tensor"),
    case(lambda lib, x: x[[0, 1], [1, 2]], (3, 4), id="index-two-lists"),
    case(lambda lib, x: x[x > 0], (3, 4), id="index-mask"),
    case(lambda lib, x: x[lib.tensor([True, False, True])], (3, 4), id="index-row-mask"),
    case(lambda lib, x: x[1:, [0, 2]], (3, 4), id="index-slice-list"),
    case(lambda lib, x: x[:, lib.tensor([3, 0])], (3, 4), id="index-slice-tensor"),
    case(lambda lib, x: x[0, [1, 3]], (3, 4), id="index-int-list"),
    case(lambda lib, x: x[2], (4,), id="index-vector-to-0d"),
    # joins, choices, copies
    case(lambda lib, x, y: lib.cat([x, y]), (2, 3), (4, 3), id="cat"),
    case(lambda lib, x, y: lib.cat((x, y), dim=1), (2, 3), (2, 1), id="cat-dim1"),
    case(lambda lib, x, y, z: lib.cat([x, y, z], -1), (2, 3), (2, 2), (2, 1), id="cat-three-negative"),
    case(lambda lib, x, y: lib.stack([x, y]), (2, 3), (2, 3), id="stack"),
    case(lambda lib, x, y: lib.stack((x, y), dim=1), (2, 3), (2, 3), id="stack-dim1"),
    case(lambda lib, x, y: lib.stack([x, y], -1), (2, 3), (2, 3), id="stack-negative"),
    case(lambda lib, x, y: lib.stack([x, y]), (), (), id="stack-0d"),
    case(lambda lib, x, y: lib.where(x > 0, x, y), (3, 4), (3, 4), id="where"),
    case(lambda lib, x, y: lib.where(x > 0, x, y), (3, 1), (1, 4), id="where-broadcast"),
    case(lambda lib, x: lib.where(x > 0, x, 0.0), (3, 4), id="where-scalar-other"),
    case(lambda lib, x: x.clone(), (3, 4), id="clone"),
    case(lambda lib, x: lib.clone(x), (), id="clone-0d"),
    case(lambda lib, x: x.to(lib.float32), (3, 4), id="to-float32"),
    case(lambda lib, x: x.to(lib.float64), (3, 4), dtype=np.float32, id="to-float64"),
    case(lambda lib, x: x.double(), (3, 4), dtype=np.float32, id="double"),
    case(lambda lib, x: x.float(), (3, 4), id="float"),
    case(lambda lib, x: x.double() * 2, (3,), id="double-same-dtype"),
    case(lambda lib, x, y: x.double() + y, (3,), (3,), dtype=np.float32, id="float32+float64"),
    # mixed dtypes: torch converts inside the op (no ToCopy node); a 0-d tensor doesn't promote
    case(lambda lib, x, y: x * y, (3,), (3,), dtype=(np.float32, np.float64), id="mixed-mul"),
    case(lambda lib, x, y: x - y, (2, 3), (), dtype=(np.float32, np.float64), id="mixed-0d-sub"),
    case(lambda lib, x, y: y / x, (2, 3), (), low=0.5, dtype=(np.float32, np.float64), id="mixed-0d-div"),
    case(lambda lib, x, y: x + y, (), (), dtype=(np.float32, np.float64), id="mixed-two-0d"),
    case(lambda lib, x, y: x ** y, (3,), (3,), low=0.5, dtype=(np.float64, np.float32), id="mixed-pow"),
    case(lambda lib, x, y: lib.maximum(x, y), (3,), (3,), dtype=(np.float64, np.float32), id="mixed-maximum"),
    case(lambda lib, x, y: lib.where(x > 0, x, y), (3,), (), dtype=(np.float32, np.float64),
         id="mixed-where"),
    case(lambda lib, x, y: lib.cat([x, y]), (3,), (2,), dtype=(np.float32, np.float64), id="mixed-cat"),
    case(lambda lib, x, y: lib.stack([x, y], 1), (3,), (3,), dtype=(np.float64, np.float32),
         id="mixed-stack"),
    case(lambda lib, x: x * np.float64(2.5), (3,), dtype=np.float32, id="numpy-scalar"),
    case(lambda lib, x: x + lib.tensor([1, 2, 3]), (3,), dtype=np.float32, id="float+int-tensor"),
    case(lambda lib, x: x * lib.tensor(2), (3,), id="float*int-0d"),
    case(lambda lib, x: lib.tensor([1, 2, 3]) / x, (3,), low=0.5, id="int-tensor/float"),
    case(lambda lib, x: lib.tensor([1, 2]) * 2.5 + x, (2,), dtype=np.float32, id="int-tensor*float"),
    case(lambda lib, x, y: x * y, (3,), (3,), grads=(True, False), id="mul-one-grad"),
    case(lambda lib, x, y: lib.where(x > 0, x, y), (3,), (3,), grads=(False, True), id="where-one-grad"),
    # comparisons: bool results outside the graph
    case(lambda lib, x, y: x == y, (3, 4), (3, 4), id="eq"),
    case(lambda lib, x, y: x < y, (3, 4), (4,), id="lt-broadcast"),
    case(lambda lib, x, y: x <= y, (3, 1), (1, 4), id="le"),
    case(lambda lib, x, y: x > y, (3, 4), (3, 4), id="gt"),
    case(lambda lib, x, y: x >= y, (3, 4), (), id="ge-0d"),
    case(lambda lib, x, y: x != y, (3, 4), (3, 4), id="ne"),
    case(lambda lib, x: x > 0.5, (3, 4), id="gt-scalar"),
    case(lambda lib, x: 0 < x, (3, 4), id="scalar-lt"),
    case(lambda lib, x: x == x, (3,), id="eq-self"),
    case(lambda lib, x, y: lib.eq(x, y), (3,), (3,), id="torch.eq"),
    # ties and kinks: where the gradient is a convention
    case(lambda lib, x: lib.maximum(x, x.detach().clone()), (4,), id="maximum-ties"),
    case(lambda lib, x: lib.minimum(x.detach().clone(), x), (4,), id="minimum-ties"),
    case(lambda lib, x: lib.cat([x, x]).max(), (4,), id="max-ties"),
    case(lambda lib, x: lib.cat([x, x]).min(), (4,), id="min-ties"),
    case(lambda lib, x: lib.stack([x, x]).max(0).values, (4,), id="max-dim-ties-values"),
    case(lambda lib, x: lib.stack([x, x]).min(0).indices, (4,), id="min-dim-ties-indices"),
    case(lambda lib, x: lib.cat([x, x]).argmax(), (4,), id="argmax-ties"),
    case(lambda lib, x: lib.relu(x - x.detach()), (4,), id="relu-at-0"),
    case(lambda lib, x: lib.abs(x - x.detach()), (4,), id="abs-at-0"),
    case(lambda lib, x: lib.clamp(x - x.detach(), min=0), (4,), id="clamp-at-bound"),
    case(lambda lib, x: lib.clamp(x - x.detach(), -1, 0), (4,), id="clamp-at-upper-bound"),
    case(lambda lib, x: lib.sqrt(x - x.detach()), (4,), id="sqrt-at-0"),
    case(lambda lib, x: (x - x.detach()) ** 0.5, (4,), id="pow-half-at-0"),
    case(lambda lib, x, y: (x - x.detach()) ** y, (4,), (4,), id="pow-tensor-base-0"),
    case(lambda lib, x: 0 ** x, (4,), id="zero-to-the-x"),
    case(lambda lib, x: lib.log(x - x.detach()), (4,), id="log-at-0"),
    case(lambda lib, x: lib.relu(with_nans(lib, x)), (6,), id="relu-at-nan"),
    case(lambda lib, x: lib.abs(with_nans(lib, x)), (6,), id="abs-at-nan"),
    case(lambda lib, x: lib.sign(with_nans(lib, x)), (6,), id="sign-of-nan"),
    case(lambda lib, x: with_nans(lib, x).max(), (6,), id="max-of-nans"),
    case(lambda lib, x: with_nans(lib, x).max(0).indices, (6,), id="argmax-of-nans"),
    # integer powers: a negative power is 0 unless the base is ±1
    case(lambda lib, x: 2 ** lib.tensor([-1, 0, 3]) + x, (3,), id="int-to-negative-power"),
    case(lambda lib, x: (-1) ** lib.tensor([-1, -2, 3]) * x, (3,), id="minus-one-to-negative-power"),
    case(lambda lib, x: lib.tensor([2, 3]) ** lib.tensor([-1, 2]) * x, (2,), id="int-tensor-powers"),
    case(lambda lib, x: (x > 0) ** 2 * x, (4,), id="bool-squared"),
    # in-place ops on tensors inside the graph
    case(lambda lib, x, y: (x * 1).add_(y), (2, 3), (3,), id="add_"),
    case(lambda lib, x, y: (x * 1).sub_(y, alpha=2), (3,), (3,), id="sub_-alpha"),
    case(lambda lib, x, y: (x * 1).mul_(y), (3,), (3,), id="mul_"),
    case(lambda lib, x: (x * 1).div_(2), (3,), id="div_"),
    case(lambda lib, x: (x * 1).pow_(2), (3,), id="pow_"),
    case(lambda lib, x: (x * 1).clamp_(min=0), (3,), id="clamp_"),
    case(lambda lib, x: (x * 1).zero_(), (3,), id="zero_"),
    case(lambda lib, x: (x * 1).fill_(3), (3,), id="fill_"),
    case(lambda lib, x, y: (x * 1).copy_(y), (2, 3), (3,), id="copy_"),
    case(lambda lib, x, y: lib.zeros(3).copy_(y), (3,), (3,), id="copy_-into-plain"),
    case(lambda lib, x, y: (x * 1).__iadd__(y), (3,), (3,), id="+="),
    case(lambda lib, x: (x * 1).__imul__(2), (3,), id="*="),
    case(lambda lib, x: (x * 1).add_(1).exp(), (3,), id="add_-then-exp"),
    case(lambda lib, x, y: written(x * 1, 0, y[1]), (3,), (3,), id="setitem-int"),
    case(lambda lib, x, y: written(x * 1, (slice(None), 0), y), (2, 3), (2,), id="setitem-column"),
    case(lambda lib, x: written(x * 1, slice(1, None), 0.0), (3,), id="setitem-slice-number"),
    case(lambda lib, x, y: written(x * 1, slice(None), y), (2, 3), (3,), id="setitem-all-broadcast"),
    case(lambda lib, x, y: written(x * 1, Ellipsis, y), (3,), (3,), id="setitem-all"),
    case(lambda lib, x: written(x * 1, Ellipsis, 2.0), (3,), id="setitem-all-number"),
    case(lambda lib, x, y: written(x * 1, slice(1, None), y), (3, 2), (1, 1, 2), id="setitem-leading-ones"),
    case(lambda lib, x, y: written(x * 1, 0, y), (3, 2), (1, 2), id="setitem-leading-one-no-expand"),
    case(lambda lib, x: written(x * 1, x > 0, 0.0), (3, 2), id="setitem-mask"),
    case(lambda lib, x, y: written(x * 1, [0, 2], y[:2]), (3,), (3,), id="setitem-list"),
    case(lambda lib, x, y: written(x * 1, [0, 2], y), (3, 2), (1, 2), id="setitem-list-broadcast"),
    case(lambda lib, x, y: written(x * 1, (0, [0, 1]), y), (2, 3), (2,), id="setitem-int-list"),
    case(lambda lib, x, y: written(lib.zeros(3), 1, y[0]), (3,), (3,), id="setitem-into-plain"),
    # dtype arguments
    case(lambda lib, x: x.sum(dtype=lib.float32), (3, 4), id="sum-dtype"),
    case(lambda lib, x: x.mean(dtype=lib.float64), (3, 4), dtype=np.float32, id="mean-dtype"),
    case(lambda lib, x: lib.softmax(x, 1, dtype=lib.float64), (3, 4), dtype=np.float32, id="softmax-dtype"),
    case(lambda lib, x: x.log_softmax(0, dtype=lib.float32), (3, 4), id="log_softmax-dtype"),
    # remainders and rounded division: the quotient is a step function, so its gradient is 0
    *binary("remainder", lambda lib, x, y: x % y),
    *binary("fmod", lambda lib, x, y: lib.fmod(x, y)),
    case(lambda lib, x, y: lib.remainder(x, y), (3, 4), (4,), id="torch.remainder"),
    case(lambda lib, x, y: x.remainder(y), (3, 4), (3, 4), id="Tensor.remainder"),
    case(lambda lib, x, y: x.fmod(y), (3, 4), (1, 4), id="Tensor.fmod"),
    case(lambda lib, x: x % 0.75, (3, 4), id="x%0.75"),
    case(lambda lib, x: x % -2, (3, 4), id="x%-2"),
    case(lambda lib, x: x.remainder(1.5), (), id="Tensor.remainder-scalar-0d"),
    case(lambda lib, x: lib.fmod(x, 0.75), (3, 4), id="fmod-scalar"),
    case(lambda lib, x: x.fmod(-2), (3, 4), id="Tensor.fmod-negative-scalar"),
    case(lambda lib, x, y: x % y, (3,), (3,), grads=(False, True), id="remainder-other-grad"),
    case(lambda lib, x, y: lib.fmod(x, y), (3,), (3,), grads=(False, True), id="fmod-other-grad"),
    case(lambda lib, x, y: x % y, (3,), (), dtype=(np.float32, np.float64), id="mixed-0d-remainder"),
    case(lambda lib, x, y: lib.fmod(x, y), (3,), (3,), dtype=(np.float64, np.float32), id="mixed-fmod"),
    case(lambda lib, x: x % 0, (3,), id="remainder-by-0"),
    case(lambda lib, x: lib.fmod(x, 0.0), (3,), id="fmod-by-0"),
    case(lambda lib, x, y: lib.div(x, y, rounding_mode="floor"), (3, 4), (4,), id="div-floor"),
    case(lambda lib, x, y: lib.div(x, y, rounding_mode="trunc"), (3, 4), (3, 4), id="div-trunc"),
    case(lambda lib, x: x.div(2, rounding_mode="trunc"), (3, 4), id="Tensor.div-trunc-scalar"),
    case(lambda lib, x: lib.div(x, -0.5, rounding_mode="floor"), (3, 4), id="div-floor-scalar"),
    case(lambda lib, x: x // 0.5 + x, (3, 4), grads=(False,), id="floordiv-no-grad"),
    case(lambda lib, x: lib.tensor([7, -7, 5, -5]) % lib.tensor([2, 2, -3, -3]) * x, (4,), id="int-remainder"),
    case(lambda lib, x: lib.fmod(lib.tensor([7, -7, 5, -5]), 3) * x, (4,), id="int-fmod"),
    case(lambda lib, x: lib.tensor([7, -7, 5, -5]) // lib.tensor([2, 2, -3, -3]) * x, (4,), id="int-floordiv"),
    case(lambda lib, x: lib.tensor([7, -7]) % 2.5 * x, (2,), id="int-remainder-float"),
    case(lambda lib, x: 7 % lib.tensor([2, -3, 4]) * x, (3,), id="number-remainder-int-tensor"),
    case(lambda lib, x: lib.tensor([True, False]) % 2 * x, (2,), id="bool-remainder-int"),
    case(lambda lib, x: lib.div(lib.tensor([7, -7, 6]), -4, rounding_mode="trunc") * x, (3,),
         id="int-div-trunc"),
    case(lambda lib, x: lib.floor_divide(lib.tensor([7, -7]), lib.tensor([-2, 3])) * x, (2,),
         id="int-floor_divide"),
    # norms
    case(lambda lib, x: x.norm(), (3, 4), id="Tensor.norm"),
    case(lambda lib, x: x.norm(), (), id="Tensor.norm-0d"),
    case(lambda lib, x: x.norm(2), (5,), id="Tensor.norm-2"),
    case(lambda lib, x: x.norm(p=1), (3, 4), id="Tensor.norm-1"),
    case(lambda lib, x: x.norm(float("inf")), (3, 4), id="Tensor.norm-inf"),
    case(lambda lib, x: x.norm(dim=1), (3, 4), id="Tensor.norm-dim"),
    case(lambda lib, x: x.norm(1, dim=-1, keepdim=True), (2, 3, 4), id="Tensor.norm-1-keepdim"),
    case(lambda lib, x: x.norm(p="fro", dim=(0, 2)), (2, 3, 4), id="Tensor.norm-fro-dims"),
    case(lambda lib, x: x.norm(p=None, keepdim=True), (2, 3), id="Tensor.norm-None-keepdim"),
    case(lambda lib, x: x.norm(dtype=lib.float64), (3, 4), dtype=np.float32, id="Tensor.norm-dtype"),
    case(lambda lib, x: lib.norm(x), (3, 4), id="torch.norm"),
    case(lambda lib, x: lib.norm(x, float("inf"), dim=0), (3, 4), id="torch.norm-inf-dim"),
    case(lambda lib, x: lib.linalg.vector_norm(x), (3, 4), id="vector_norm"),
    case(lambda lib, x: lib.linalg.vector_norm(x, 1, dim=0), (3, 4), id="vector_norm-1-dim"),
    case(lambda lib, x: lib.linalg.vector_norm(x, ord=float("inf"), dim=(0, 1), keepdim=True), (2, 3, 4),
         id="vector_norm-inf-dims-keepdim"),
    case(lambda lib, x: lib.linalg.vector_norm(x, float("-inf"), -1), (3, 4), id="vector_norm--inf"),
    case(lambda lib, x: lib.linalg.vector_norm(x, 3), (3, 4), id="vector_norm-3"),
    case(lambda lib, x: lib.linalg.vector_norm(x, 1.5, 1), (3, 4), id="vector_norm-1.5"),
    case(lambda lib, x: lib.linalg.vector_norm(x, 0.5), (3, 4), id="vector_norm-0.5"),
    case(lambda lib, x: lib.linalg.vector_norm(x, -1, 0), (3, 4), id="vector_norm--1"),
    case(lambda lib, x: lib.linalg.vector_norm(x, 0), (3, 4), id="vector_norm-0"),
    case(lambda lib, x: lib.linalg.vector_norm(x, dim=[]), (3, 4), id="vector_norm-empty-dims"),
    case(lambda lib, x: lib.linalg.vector_norm(x, dim=0), (), id="vector_norm-0d-dim"),
    case(lambda lib, x: lib.linalg.vector_norm(x, dtype=lib.float64), (3,), dtype=np.float32,
         id="vector_norm-dtype"),
    case(lambda lib, x: lib.linalg.norm(x), (3, 4), id="linalg.norm"),
    case(lambda lib, x: lib.linalg.norm(x, 1, dim=1), (3, 4), id="linalg.norm-1-dim"),
    case(lambda lib, x: lib.linalg.norm(x, float("inf")), (4,), id="linalg.norm-vector-inf"),
    case(lambda lib, x: lib.linalg.norm(x, "fro"), (3, 4), id="linalg.norm-fro"),
    case(lambda lib, x: lib.linalg.norm(x, dim=(0, 1)), (3, 4), id="linalg.norm-two-dims"),
    # norms where the gradient is a convention: at 0, at ties, at zero elements
    case(lambda lib, x: (x - x.detach()).norm(), (3,), id="norm-of-zeros"),
    case(lambda lib, x: lib.linalg.vector_norm(x - x.detach(), 1), (3,), id="norm-1-of-zeros"),
    case(lambda lib, x: lib.linalg.vector_norm(x - x.detach(), 1.5), (3,), id="norm-1.5-of-zeros"),
    case(lambda lib, x: lib.linalg.vector_norm(x - x.detach(), 3), (3,), id="norm-3-of-zeros"),
    case(lambda lib, x: lib.linalg.vector_norm(x - x.detach(), float("inf")), (3,), id="norm-inf-of-zeros"),
    case(lambda lib, x: lib.linalg.vector_norm(lib.cat([x, -x]), float("inf")), (3,), id="norm-inf-ties"),
    case(lambda lib, x: lib.linalg.vector_norm(lib.cat([x, -x]), float("-inf")), (3,), id="norm--inf-ties"),
    case(lambda lib, x: lib.linalg.vector_norm(x * (x > 0), 0.5), (6,), id="norm-0.5-zero-elements"),
    case(lambda lib, x: lib.linalg.vector_norm(x * (x > 0), -2), (6,), id="norm--2-zero-elements"),
    case(lambda lib, x: lib.linalg.vector_norm(with_nans(lib, x), 2), (6,), id="norm-of-nans"),
    # log1p, expm1, logsumexp, round, softplus, masked_fill, nonzero
    case(lambda lib, x: lib.log1p(x), (2, 3), low=-0.9, id="log1p"),
    case(lambda lib, x: x.log1p(), (), low=-0.9, id="Tensor.log1p-0d"),
    case(lambda lib, x: lib.log1p(x * 1e-10), (3,), id="log1p-tiny"),
    case(lambda lib, x: lib.log1p(x - x.detach() - 1), (3,), id="log1p-at-minus-1"),
    case(lambda lib, x: lib.log1p(lib.tensor([0, 1, 2])) * x, (3,), id="log1p-of-int"),
    case(lambda lib, x: lib.expm1(x), (2, 3), id="expm1"),
    case(lambda lib, x: x.expm1(), (4,), id="Tensor.expm1"),
    case(lambda lib, x: lib.expm1(x * 1e-10), (3,), id="expm1-tiny"),
    case(lambda lib, x: lib.logsumexp(x, 1), (3, 4), id="logsumexp"),
    case(lambda lib, x: x.logsumexp(-1, keepdim=True), (2, 3, 4), id="Tensor.logsumexp-keepdim"),
    case(lambda lib, x: lib.logsumexp(x, (0, 2)), (2, 3, 4), id="logsumexp-dims"),
    case(lambda lib, x: lib.logsumexp(x, [-1, 0], True), (2, 3, 4), id="logsumexp-dims-keepdim"),
    case(lambda lib, x: lib.logsumexp(x, (), keepdim=True), (2, 3), id="logsumexp-empty-dims-keepdim"),
    case(lambda lib, x: lib.logsumexp(x, 0), (), id="logsumexp-0d"),
    case(lambda lib, x: x.logsumexp(0), (1,), id="logsumexp-one-element"),
    case(lambda lib, x: lib.logsumexp(x * 1000, 1), (3, 4), id="logsumexp-large"),
    case(lambda lib, x: lib.logsumexp(x * -1000, 0), (3, 4), id="logsumexp-very-negative"),
    case(lambda lib, x: lib.logsumexp(x.masked_fill(x < 0, float("-inf")), 0), (4, 3), id="logsumexp-with--inf"),
    case(lambda lib, x: lib.logsumexp(lib.stack([x, x + float("inf")]), 0), (3,), id="logsumexp-with-inf"),
    case(lambda lib, x: lib.logsumexp(x - float("inf"), 1), (2, 3), id="logsumexp-all--inf"),
    case(lambda lib, x: lib.round(x), (3, 4), id="round"),
    case(lambda lib, x: x.round(), (), id="Tensor.round-0d"),
    case(lambda lib, x: (x * 4).round() * x, (3, 4), id="round-halves"),
    case(lambda lib, x: x.round(decimals=2), (3, 4), id="Tensor.round-decimals"),
    case(lambda lib, x: lib.round(x * 1000, decimals=-2), (3, 4), id="round-negative-decimals"),
    case(lambda lib, x: lib.round(x, decimals=0), (3, 4), id="round-decimals-0"),
    case(lambda lib, x: lib.round(x * float("inf")), (3,), id="round-of-inf"),
    case(lambda lib, x: lib.nn.functional.softplus(x), (3, 4), id="softplus"),
    case(lambda lib, x: lib.nn.functional.softplus(x * 15, beta=2), (3, 4), id="softplus-beta-threshold-crossed"),
    case(lambda lib, x: lib.nn.functional.softplus(x, 0.5, 0.25), (3, 4), id="softplus-beta-threshold"),
    case(lambda lib, x: lib.nn.functional.softplus(x * 100, threshold=100), (3, 4), id="softplus-large-threshold"),
    case(lambda lib, x: lib.nn.functional.softplus(x, beta=-1), (3, 4), id="softplus-negative-beta"),
    case(lambda lib, x: lib.nn.functional.softplus(x * 10, threshold=-1), (3, 4), id="softplus-negative-threshold"),
    case(lambda lib, x: lib.nn.Softplus(beta=2, threshold=1)(x), (3, 4), id="nn.Softplus"),
    case(lambda lib, x: x.masked_fill(x > 0, 0.0), (3, 4), id="masked_fill"),
    case(lambda lib, x: x.masked_fill(x > 0, 2), (), id="masked_fill-0d"),
    case(lambda lib, x: lib.masked_fill(x, lib.tensor([True, False, True, False]), -1.5), (3, 4),
         id="torch.masked_fill-broadcast-mask"),
    case(lambda lib, x: x.masked_fill(lib.arange(24).reshape(2, 3, 4) % 3 == 0, 1.0), (3, 4),
         id="masked_fill-mask-broadcasts-input"),
    case(lambda lib, x: x.masked_fill(x < 0, float("-inf")).softmax(-1), (3, 4), id="masked_fill-softmax"),
    case(lambda lib, x: x.masked_fill(x > 0, True), (3,), id="masked_fill-bool-value"),
    case(lambda lib, x, v: x.masked_fill(x > 0, v), (3, 4), (), id="masked_fill-tensor-value"),
    case(lambda lib, x, v: lib.masked_fill(x, lib.tensor([[True], [False], [True]]), v), (3, 4), (),
         dtype=(np.float32, np.float64), id="masked_fill-mixed-value"),
    case(lambda lib, x, v: x.masked_fill(x > 0, v), (3, 4), (), grads=(False, True), id="masked_fill-value-grad-only"),
    case(lambda lib, x, v: x.masked_fill(x > 0, v), (3, 4), (), grads=(True, False), id="masked_fill-value-no-grad"),
    case(lambda lib, x: x.masked_fill(x > 0, lib.tensor(3)), (3, 4), id="masked_fill-int-tensor-value"),
    case(lambda lib, x: (x * 1).masked_fill_(x > 0, 2.0), (3, 4), id="masked_fill_"),
    case(lambda lib, x: (x * 1).masked_fill_(lib.tensor([False, True, True]), 2.0).exp(), (2, 3),
         id="masked_fill_-broadcast-mask-then-exp"),
    case(lambda lib, x, v: (x * 1).masked_fill_(x > 0, v), (3, 4), (), id="masked_fill_-tensor-value"),
    case(lambda lib, x, v: lib.zeros(3).masked_fill_(lib.tensor([True, False, True]), v), (3,), (),
         id="masked_fill_-into-plain"),
    case(lambda lib, x: x.masked_fill(x > 0, 0.0).sum().masked_fill_(lib.tensor(True), 1.0), (3,),
         id="masked_fill_-0d"),
    case(lambda lib, x: (x * (x > 0)).nonzero(), (3, 4), id="nonzero"),
    case(lambda lib, x: lib.nonzero(x > 0), (2, 3, 4), id="torch.nonzero"),
    case(lambda lib, x: x[lib.nonzero(x > 0, as_tuple=True)], (3, 4), id="index-with-nonzero-as_tuple"),
    case(lambda lib, x: x[(x > 0).nonzero(as_tuple=True)], (5,), id="Tensor.nonzero-as_tuple-1d"),
    case(lambda lib, x: x.nonzero(), (), id="nonzero-0d"),
    # several ops in a row
    case(lambda lib, x, w, b: lib.relu(x @ w + b).sum(), (4, 3), (3, 2), (2,), id="linear-relu"),
    case(lambda lib, x: (x * x).mean(), (3, 4), id="x*x"),
    case(lambda lib, x, y: ((x - y) ** 2).mean(), (3, 4), (3, 4), id="mse"),
    case(lambda lib, x: -lib.log_softmax(x, 1)[lib.tensor([0, 1, 2]), lib.tensor([1, 0, 3])].mean(),
         (3, 4), id="cross-entropy"),
]


def _inputs(shapes, low, dtypes, seed):
    rng = np.random.default_rng(seed)
    if low is None:
        return [rng.standard_normal(s).astype(dt) for s, dt in zip(shapes, dtypes)]
    return [rng.uniform(low, 2.0, s).astype(dt) for s, dt in zip(shapes, dtypes)]


def _run(lib, fn, arrays, grads):
    inputs = [lib.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
    return inputs, fn(lib, *inputs)


@pytest.mark.parametrize("fn, shapes, low, dtypes, grads", CASES)
def test_forward_graph_and_gradients(torch, fn, shapes, low, dtypes, grads):
    arrays = _inputs(shapes, low, dtypes, seed=0)
    p_in, p_out = _run(pedagrad, fn, arrays, grads)
    t_in, t_out = _run(torch, fn, arrays, grads)
    rtol = RTOL[np.dtype(to_numpy(t_out).dtype).type] if t_out.is_floating_point() else 0
    assert repr(p_out.dtype) == repr(t_out.dtype)
    assert tuple(p_out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(to_numpy(p_out), to_numpy(t_out), rtol=rtol, atol=rtol * 1e-2)
    assert graph_names(p_out.grad_fn) == graph_names(t_out.grad_fn)
    assert p_out.requires_grad == t_out.requires_grad
    if not t_out.requires_grad:
        return
    g = np.random.default_rng(1).standard_normal(tuple(t_out.shape)).astype(to_numpy(t_out).dtype)
    p_out.backward(pedagrad.tensor(g))
    t_out.backward(torch.tensor(g))
    for p, t, dt in zip(p_in, t_in, dtypes):
        if t.grad is None:
            assert p.grad is None
            continue
        assert repr(p.grad.dtype) == repr(t.grad.dtype)
        tol = max(RTOL[dt], rtol)  # a float64 input of a float32 result gets a float32-precise grad
        np.testing.assert_allclose(to_numpy(p.grad), to_numpy(t.grad), rtol=tol, atol=tol * 1e-2)


@pytest.mark.parametrize("fn, shapes, low, dtypes, grads", CASES)
def test_repr(torch, fn, shapes, low, dtypes, grads):
    """The printout, grad_fn suffix included, for float32 inputs (four decimals) and the case's own."""
    for dts in ((np.float32,) * len(shapes), dtypes):
        arrays = _inputs(shapes, low, dts, seed=2)
        assert repr(_run(pedagrad, fn, arrays, grads)[1]) == repr(_run(torch, fn, arrays, grads)[1])



NO_DERIVATIVE = {
    "floordiv": lambda lib, x, y: x // y,
    "floordiv-scalar": lambda lib, x, y: x // 0.5,
    "floordiv-number-first": lambda lib, x, y: 2 // x,
    "floor_divide": lambda lib, x, y: lib.floor_divide(x, y),
    "Tensor.floor_divide": lambda lib, x, y: x.floor_divide(-1.5),
    "remainder-number-first": lambda lib, x, y: 2 % x,
    "torch.remainder-number-first": lambda lib, x, y: lib.remainder(2.5, x),
    "floordiv-other-grad-only": lambda lib, x, y: x.detach() // y,
}


@pytest.mark.parametrize("fn", NO_DERIVATIVE.values(), ids=NO_DERIVATIVE.keys())
def test_ops_torch_gives_no_derivative(torch, fn):
    """Their grad_fn is NotImplemented: the values and the graph are there, backward fails."""
    arrays = _inputs([(3, 4), (3, 4)], None, (np.float32,) * 2, seed=3)
    p_out, t_out = (_run(lib, fn, arrays, (True, True))[1] for lib in (pedagrad, torch))
    assert repr(p_out) == repr(t_out)
    assert graph_names(p_out.grad_fn) == graph_names(t_out.grad_fn)
    errors = []
    for out in (p_out, t_out):
        with pytest.raises(RuntimeError) as error:
            out.sum().backward()
        errors.append(str(error.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("expression", [
    "lib.tensor([-5.0, 5.0, -0.0, 0.0, 7.5, -7.5]) % 2.5",
    "lib.tensor([-5.0, 5.0, -0.0, 0.0, 7.5, -7.5]) % -2.5",
    "lib.fmod(lib.tensor([-5.0, 5.0, -0.0, 7.5]), -2.5)",
    "lib.tensor([-3.0, 3.0, 1.0, -1.0]) % lib.tensor([float('inf'), -float('inf'), 0.0, -0.0])",
    "lib.tensor([-3.0, 3.0, float('inf'), 1.0, -1.0, 0.0]) // "
    "lib.tensor([float('inf'), -float('inf'), 2.0, 0.0, 0.0, 0.0])",
    "lib.tensor([-0.5, 0.5, -1e-30]) // 1.0",
    "lib.div(lib.tensor([-0.5, 0.5, -7.0, 1.0]), lib.tensor([2.0, -2.0, 2.0, 0.0]), rounding_mode='trunc')",
    "lib.tensor([-1e-20, 1e-20], dtype=lib.float32) % 1.0",
    "lib.tensor([7, -7, 0]) % lib.tensor([-3, 3, 5], dtype=lib.int32)",
    "lib.tensor([7, 250], dtype=lib.uint8) // 3",
    "lib.tensor([1, 2], dtype=lib.int32) % 2",
    "lib.tensor([1.5, -2.5], dtype=lib.float64) // lib.tensor(2)",
    "2 // lib.tensor([3, -3, 4])",
    "-7 % lib.tensor([2.0, -2.0])",
    "lib.tensor([True, False]) // 2",
])
def test_remainders_and_quotients_print_as_torch(torch, expression):
    """Signed zeros, infinities, integer and mixed dtypes, outside the graph."""
    assert repr(eval(expression, {"lib": pedagrad})) == repr(eval(expression, {"lib": torch}))


@pytest.mark.parametrize("expression", [
    "lib.log1p(lib.tensor([-1.0, -2.0, 1e-10, float('inf')]))",
    "lib.expm1(lib.tensor([1e-10, 100.0, -float('inf')]))",
    "lib.log1p(lib.tensor([True, False]))",
    "lib.expm1(lib.tensor([1, 2], dtype=lib.uint8))",
    "lib.logsumexp(lib.tensor([1, 2]), 0)",
    "lib.logsumexp(lib.tensor([[True, False]]), 1)",
    "lib.logsumexp(lib.tensor([[1, 2]], dtype=lib.uint8), -1, True)",
    "lib.logsumexp(lib.tensor([1000.0, 1000.0]), 0)",
    "lib.logsumexp(lib.tensor([float('nan'), 1.0]), 0)",
    "lib.logsumexp(lib.zeros(0, 3), 0)",
    "lib.logsumexp(lib.zeros(0, 3), 1)",
    "lib.logsumexp(lib.tensor(2.0), ())",
    "lib.round(lib.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997]))",
    "lib.round(lib.tensor([1.25, 1.35, -2.55, 0.45]), decimals=1)",
    "lib.round(lib.tensor([1.25, 2.675], dtype=lib.float64), decimals=2)",
    "lib.round(lib.tensor([1234.5, -1250.0]), decimals=-2)",
    "lib.round(lib.tensor([123.456, 1e38]), decimals=50)",
    "lib.round(lib.tensor([123.456]), decimals=-50)",
    "lib.round(lib.tensor([1e38]), decimals=2)",
    "lib.round(lib.tensor([1, -2]))",
    "lib.round(lib.tensor([7, 250], dtype=lib.uint8))",
    "lib.nn.functional.softplus(lib.tensor([100.0, -100.0, 20.0, 20.5, 0.0]))",
    "lib.nn.functional.softplus(lib.tensor([100.0, -100.0, 1.0]), beta=0)",
    "lib.nn.functional.softplus(lib.tensor([100.0, -100.0, 1.0], dtype=lib.float64), beta=lib.tensor(2.0))",
    "lib.nn.functional.softplus(lib.tensor([1.0, 2.0]), beta=np.float64(2.0), threshold=np.int64(3))",
    "lib.tensor([[1, 2, 3], [4, 5, 6]]).masked_fill(lib.tensor([True, False, True]), 2.5)",
    "lib.tensor([1, 2], dtype=lib.uint8).masked_fill(lib.tensor([True, False]), -1)",
    "lib.tensor([1, 2], dtype=lib.uint8).masked_fill(lib.tensor([True, False]), lib.tensor(-1))",
    "lib.tensor([1, 2], dtype=lib.int32).masked_fill(lib.tensor([True, False]), 2.5)",
    "lib.tensor([True, False]).masked_fill(lib.tensor([True, True]), 0.5)",
    "lib.tensor([1.0, 2.0]).masked_fill(lib.tensor([True, False]), True)",
    "lib.tensor([1.0, 2.0]).masked_fill(lib.tensor([True, False]), float('nan'))",
    "lib.tensor([1.0, 2.0], dtype=lib.float64).masked_fill(lib.tensor([True, False]), 1e300)",
    "lib.zeros(3, dtype=lib.int64).masked_fill_(lib.tensor([True, False, True]), 2.5)",
    "lib.nonzero(lib.tensor([[0.5, -1.0, 0.0], [3.0, 0.0, -2.5]]))",
    "lib.nonzero(lib.tensor([[0.5, -1.0, 0.0], [3.0, 0.0, -2.5]]), as_tuple=True)",
    "lib.nonzero(lib.tensor(5.0))",
    "lib.nonzero(lib.tensor(0.0))",
    "lib.nonzero(lib.tensor(5.0), as_tuple=True)",
    "lib.nonzero(lib.tensor(0.0), as_tuple=True)",
    "lib.nonzero(lib.zeros(2, 0))",
    "lib.nonzero(lib.zeros(2, 0), as_tuple=True)",
    "lib.nonzero(lib.zeros(3))",
    "lib.nonzero(lib.tensor([True, False, True]))",
    "lib.tensor([1, 0, 3], dtype=lib.uint8).nonzero()",
    "lib.nonzero(lib.tensor([float('nan'), 0.0, -0.0, float('inf')]))",
    "lib.tensor([[1, 0], [0, 1]]).t().nonzero()",
    "lib.tensor([7, -7], dtype=lib.uint8)",
    "lib.tensor([[1, -1], [255, -255]], dtype=lib.uint8)",
    "lib.tensor(-7, dtype=lib.uint8)",
    "lib.tensor((-7, 2.5, True, 0.0, 255.0), dtype=lib.uint8)",
    "lib.tensor([np.int64(-1), np.float64(3.5)], dtype=lib.uint8)",
    "lib.tensor(np.array([-1, 300]), dtype=lib.uint8)",
    "lib.tensor([[]], dtype=lib.uint8)",
    "lib.as_tensor([-1], dtype=lib.uint8)",
    "lib.ones(2, dtype=lib.uint8).new_tensor([-1, -200])",
    "lib.full((2,), -1, dtype=lib.uint8)",
    "lib.full((2,), 2.5, dtype=lib.uint8)",
    "lib.full((2,), True, dtype=lib.uint8)",
    "lib.full_like(lib.zeros(2), -255, dtype=lib.uint8)",
    "lib.zeros(2, dtype=lib.uint8).fill_(-1)",
    "lib.zeros(2, dtype=lib.int32).fill_(2.5)",
    "lib.zeros(2).fill_(lib.tensor(3))",
])
def test_new_ops_print_as_torch(torch, expression):
    """log1p, expm1, logsumexp, round, softplus, masked_fill, nonzero and uint8 numbers outside the
    graph: edge values, integer inputs, empty and 0-d tensors."""
    got, expected = (eval(expression, {"lib": lib, "np": np}) for lib in (pedagrad, torch))
    assert repr(got) == repr(expected)
    for g, e in zip(got if isinstance(got, tuple) else [got], expected if isinstance(expected, tuple) else [expected]):
        assert g.is_contiguous() == e.is_contiguous()


def test_new_ops_save_what_torch_saves(torch):
    """The saved values a learner can read off the graph (``y.grad_fn._saved_dim``) are torch's."""
    def saved(lib):
        x = lib.tensor([[0.5, -1.0, 2.0], [3.0, 0.0, -2.5]], requires_grad=True)
        lse = x.logsumexp(1, keepdim=True).grad_fn
        sp = lib.nn.functional.softplus(x, 2, 10).grad_fn
        mf = x.masked_fill(x > 0, 1.0).grad_fn
        return (lse._saved_dim, lse._saved_keepdim, repr(lse._saved_result), repr(lse._saved_self),
                sp._saved_beta, sp._saved_threshold, repr(sp._saved_self), repr(mf._saved_mask),
                repr(x.log1p().grad_fn._saved_self), repr(x.expm1().grad_fn._saved_result))
    assert saved(pedagrad) == saved(torch)


@pytest.mark.parametrize("inplace", ["x.masked_fill_(x > 0, 0.0)", "x.masked_fill_(m, y[0])", "x.masked_fill_(m, 2)",
                                     "x.fill_(-1)"])
def test_inplace_masked_fill_as_torch(torch, inplace):
    def run(lib):
        arrays = _inputs([(3, 4), (4,)], None, (np.float32,) * 2, seed=5)
        env = {"x": lib.tensor(arrays[0]), "y": lib.tensor(arrays[1]), "m": lib.tensor([True, False, False, True])}
        x = env["x"]
        exec(inplace, env)
        assert env["x"] is x
        return repr(x), x._version
    assert run(pedagrad) == run(torch)


@pytest.mark.parametrize("inplace", ["x %= y", "x //= y", "x.remainder_(y)", "x.fmod_(y)", "x.floor_divide_(y)",
                                     "x %= 0.75", "x //= -2"])
def test_inplace_remainders_as_torch(torch, inplace):
    def run(lib):
        arrays = _inputs([(3, 4), (4,)], None, (np.float32,) * 2, seed=4)
        env = {"x": lib.tensor(arrays[0]), "y": lib.tensor(arrays[1])}
        x = env["x"]
        exec(inplace, env)
        assert env["x"] is x  # the same tensor, changed in place
        return repr(x), x._version
    assert run(pedagrad) == run(torch)
