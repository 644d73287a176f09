"""Tensors themselves: creation, dtypes and promotion, memory sharing with numpy, conversions."""
import itertools

import numpy as np
import pytest

import pedagrad as pg

# -- creation and dtype inference ----------------------------------------------------------------


@pytest.mark.parametrize("data, dtype", [
    ([1.0, 2.0], pg.float32), ([1, 2], pg.int64), ([True, False], pg.bool), (3.5, pg.float32),
    ([[1, 2.5]], pg.float32), (np.array([1.0]), pg.float64), (np.array([1], np.int32), pg.int32),
])
def test_tensor_infers_dtype_like_torch(data, dtype):
    assert pg.tensor(data).dtype is dtype


def test_creation_functions_shapes_and_values():
    assert pg.zeros(2, 3).shape == (2, 3) and pg.zeros((2, 3)).shape == (2, 3)
    assert pg.ones(4).sum().item() == 4.0
    assert pg.full((2, 2), 7).dtype is pg.int64 and pg.full((2,), 1.5).tolist() == [1.5, 1.5]
    assert pg.arange(5).tolist() == [0, 1, 2, 3, 4] and pg.arange(5).dtype is pg.int64
    assert pg.arange(0, 1, 0.25).dtype is pg.float32
    assert pg.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert pg.eye(3).sum().item() == 3.0 and pg.eye(3)[1].tolist() == [0.0, 1.0, 0.0]
    assert pg.zeros_like(pg.ones(2, dtype=pg.float64)).dtype is pg.float64
    assert pg.ones_like(pg.zeros(3)).tolist() == [1.0, 1.0, 1.0]
    assert pg.randint(0, 10, (100,)).max().item() < 10 and pg.randint(5, (3,)).dtype is pg.int64


def test_manual_seed_makes_random_calls_repeat():
    pg.manual_seed(42)
    a = (pg.rand(3), pg.randn(2, 2), pg.randint(0, 100, (4,)), pg.randperm(5))
    pg.manual_seed(42)
    b = (pg.rand(3), pg.randn(2, 2), pg.randint(0, 100, (4,)), pg.randperm(5))
    for x, y in zip(a, b):
        assert pg.equal(x, y)
    pg.manual_seed(43)
    assert not pg.equal(pg.rand(3), a[0])


def test_random_distributions_have_the_right_spread():
    pg.manual_seed(0)
    u, n = pg.rand(20000), pg.randn(20000)
    assert 0 <= u.min().item() and u.max().item() < 1
    assert abs(n.mean().item()) < 0.03 and abs(n.std().item() - 1) < 0.03


def test_generator_objects_are_independent_of_the_default_one():
    g = pg.Generator().manual_seed(1)
    a = pg.rand(3, generator=g)
    pg.manual_seed(99)
    b = pg.rand(3, generator=pg.Generator().manual_seed(1))
    assert pg.equal(a, b)


def test_bad_data_names_what_was_wrong():
    with pytest.raises(RuntimeError, match="Could not infer dtype of object"):
        pg.tensor([object()])
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.complex128"):
        pg.from_numpy(np.ones(2, complex))


@pytest.mark.parametrize("data", [
    [7, -7], [-255, 255, 0], -7, (-1, 2.5, True), [[1, -1], [200, -200]], [0.0, 255.0, 254.9],
    [np.int64(-1), np.float64(2.5)], np.array([-1, 300]), [pg.tensor(-1)],
], ids=lambda d: repr(d))
def test_uint8_from_python_numbers_as_torch(torch, data):
    """torch puts a negative integer down to −255 in a uint8 tensor by wrapping it (−7 is 249) and
    refuses larger ones; floats must lie in [0, 255]. Arrays and tensors are converted as they are."""
    tdata = [torch.tensor(-1)] if isinstance(data, list) and isinstance(data[0], pg.Tensor) else data
    got, expected = pg.tensor(data, dtype=pg.uint8), torch.tensor(tdata, dtype=torch.uint8)
    assert got.tolist() == expected.tolist() and got.dtype is pg.uint8
    assert repr(got) == repr(expected)


@pytest.mark.parametrize("value", [300, -256, 1.5e3, -0.5, float("nan")])
def test_uint8_overflow_names_the_type(value):
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8 without overflow$"):
        pg.tensor([1, value], dtype=pg.uint8)
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8_t without overflow$"):
        pg.full((2,), value, dtype=pg.uint8)


# -- promotion ---------------------------------------------------------------------------------

OPERANDS = {
    "f32": lambda lib: lib.ones(2, dtype=lib.float32), "f64": lambda lib: lib.ones(2, dtype=lib.float64),
    "i64": lambda lib: lib.ones(2, dtype=lib.int64), "i32": lambda lib: lib.ones(2, dtype=lib.int32),
    "b": lambda lib: lib.ones(2, dtype=lib.bool), "f64_0d": lambda lib: lib.tensor(1.0, dtype=lib.float64),
    "i64_0d": lambda lib: lib.tensor(1), "int": lambda lib: 2, "float": lambda lib: 2.5, "bool": lambda lib: True,
}


@pytest.mark.parametrize("a, b", [p for p in itertools.product(OPERANDS, repeat=2)
                                  if not (p[0] in ("int", "float", "bool") and p[1] in ("int", "float", "bool"))])
def test_promotion_matches_torch(torch, a, b):
    x, y = OPERANDS[a](pg), OPERANDS[b](pg)
    tx, ty = OPERANDS[a](torch), OPERANDS[b](torch)
    assert str(pg.result_type(x, y)) == str(torch.result_type(tx, ty))
    if "b" not in (a, b) and "bool" not in (a, b):
        assert str((x * y).dtype) == str((tx * ty).dtype)
        assert str((x / y).dtype) == str((tx / ty).dtype)


# -- numpy interplay ---------------------------------------------------------------------------

def test_from_numpy_and_numpy_share_memory():
    a = np.zeros(3, dtype=np.float32)
    t = pg.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5
    t.numpy()[1] = 7
    assert a[1] == 7


def test_numpy_refuses_a_tensor_that_requires_grad():
    x = pg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_tensor_copies_its_data():
    a = np.zeros(2)
    t = pg.tensor(a)
    a[0] = 1
    assert t[0].item() == 0


def test_scalars_and_lists():
    t = pg.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]] and t[0, 0].item() == 1.5
    assert isinstance(pg.tensor(3).item(), int) and float(pg.tensor(2.5)) == 2.5
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        t.item()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(t)
    assert f"{pg.tensor(0.123456):.3f}" == "0.123"


def test_shape_size_and_friends():
    t = pg.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and repr(t.shape) == "torch.Size([2, 3, 4])"
    assert t.size() == (2, 3, 4) and t.size(-1) == 4 and t.ndim == t.dim() == 3
    assert t.numel() == 24 and len(t) == 2
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)"):
        t.size(3)


@pytest.mark.parametrize("method, dtype", [("float", pg.float32), ("double", pg.float64),
                                           ("long", pg.int64), ("int", pg.int32), ("bool", pg.bool)])
def test_dtype_conversions(method, dtype):
    t = getattr(pg.tensor([0.0, 1.5]), method)()
    assert t.dtype is dtype
    assert pg.tensor([0.0, 1.5]).to(dtype).dtype is dtype


def test_conversion_to_the_same_dtype_returns_the_tensor_itself():
    t = pg.ones(2)
    assert t.float() is t and t.to(pg.float32) is t


def test_integer_conversion_leaves_the_graph():
    x = pg.ones(2, requires_grad=True)
    assert not x.long().requires_grad and x.double().requires_grad
    assert x.double().grad_fn.name() == "ToCopyBackward0"


def test_devices_are_cpu_only_with_a_clear_error():
    t = pg.ones(2)
    assert t.to("cpu") is t and str(t.device) == "cpu" and not pg.cuda.is_available()
    with pytest.raises(RuntimeError, match="pedagrad runs on the CPU only"):
        t.to("cuda")


def test_max_with_dim_returns_values_and_indices():
    t = pg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    result = t.max(dim=1)
    values, indices = result
    assert values.tolist() == [5.0, 7.0] and result.indices.tolist() == [1, 0]
    assert result.values is values
    assert t.argmax().item() == 3 and t.min(0).indices.tolist() == [0, 1, 0]


def test_var_and_std_are_unbiased_by_default():
    t = pg.tensor([1.0, 2.0, 3.0, 4.0])
    assert t.var().item() == pytest.approx(5 / 3)
    assert t.var(unbiased=False).item() == pytest.approx(1.25)
    assert t.std(correction=0).item() == pytest.approx(1.25 ** 0.5)


def test_matmul_handles_vectors_and_batches():
    v, m, b = pg.ones(3), pg.ones(3, 4), pg.ones(5, 2, 3)
    assert (v @ v).shape == () and (m.T @ v).shape == (4,) and (v @ m).shape == (4,)
    assert (b @ m).shape == (5, 2, 4) and (b @ b.mT).shape == (5, 2, 2)


def test_clone_copies_memory_but_stays_in_the_graph():
    x = pg.ones(2, requires_grad=True)
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0"
    c.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    with pg.no_grad():
        c[0] = 3
    assert x[0].item() == 1.0


def test_deepcopy_and_pickle_of_a_leaf():
    import copy
    import pickle

    x = pg.tensor([1.0, 2.0], requires_grad=True)
    for y in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        assert pg.equal(y, x) and y.requires_grad and y is not x
        y.detach()[0] = 9
        assert x[0].item() == 1.0


def test_type_names_and_converts_like_torch(torch):
    for make in (lambda lib: lib.ones(2), lambda lib: lib.tensor([1, 2]), lambda lib: lib.tensor([True])):
        assert make(pg).type() == make(torch).type()
    assert pg.ones(2).type(pg.float64).dtype is pg.float64
    assert ((pg.tensor([1, 2]) == pg.tensor([1, 3])).type(pg.float).sum().item() == 1.0)


def test_legacy_constructor_takes_sizes_or_data(torch):
    for args in ((4,), (2, 3), ([1, 2],), ()):
        assert tuple(pg.Tensor(*args).shape) == tuple(torch.Tensor(*args).shape)
        assert str(pg.Tensor(*args).dtype) == str(torch.Tensor(*args).dtype)


def test_bool_of_an_empty_tensor():
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values is ambiguous"):
        bool(pg.zeros(0))
