"""Names from PyTorch's first years that older tutorials still use: torch.FloatTensor and its kin,
x.type(...), torch.autograd.Variable and set_default_tensor_type, each as PyTorch 2.13 answers."""
import warnings

import numpy as np
import pytest

import pedagrad as pg
from pedagrad.autograd import Variable

LEGACY = ["FloatTensor", "DoubleTensor", "IntTensor", "LongTensor", "ByteTensor", "BoolTensor"]
DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]
DATA = {"ints": [1, 2], "floats": [1.7, 2.2, 0.0], "nested": [[1, 0], [3, 4]], "tuple": (1, 0), "empty": (),
        "array": np.array([1.5, 2.0]), "int-array": np.array([3, 0])}
SIZES = {"one": (3,), "two": (2, 3), "size": (pg.Size([2, 1]),), "none": ()}


def both(torch, make):
    """``make`` run on pedagrad and on torch."""
    return make(pg), make(torch)


def same_tensor(ours, theirs):
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.") and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def same_error(torch, make):
    with pytest.raises(Exception) as theirs:
        make(torch)
    with pytest.raises(Exception) as ours:
        make(pg)
    assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


@pytest.mark.parametrize("data", DATA.values(), ids=DATA.keys())
@pytest.mark.parametrize("name", LEGACY)
def test_legacy_types_make_tensors_from_data_as_torch(torch, name, data):
    same_tensor(*both(torch, lambda lib: getattr(lib, name)(data)))


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("name", LEGACY)
def test_legacy_types_make_tensors_of_a_size_as_torch(torch, name, size):
    ours, theirs = both(torch, lambda lib: getattr(lib, name)(*(lib.Size(s) if isinstance(s, pg.Size) else s
                                                                for s in size)))
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.") and tuple(ours.shape) == tuple(theirs.shape)


def test_a_legacy_type_takes_a_tensor_of_its_dtype_and_its_gradients_flow_back(torch):
    grads = []
    for lib in (pg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (lib.FloatTensor(x * 2) * x).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1] == [4.0, 8.0]


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_isinstance_of_a_legacy_type_asks_for_its_dtype(torch, name, dtype):
    ours, theirs = both(torch, lambda lib: isinstance(lib.zeros(2, dtype=getattr(lib, dtype)), getattr(lib, name)))
    assert ours == theirs
    assert isinstance(pg.zeros(1), pg.Tensor) and not isinstance(3, pg.FloatTensor)


@pytest.mark.parametrize("dtype", DTYPES)
def test_type_names_the_legacy_type(torch, dtype):
    ours, theirs = both(torch, lambda lib: lib.zeros(2, dtype=getattr(lib, dtype)).type())
    assert ours == theirs


@pytest.mark.parametrize("target", [lambda lib: lib.DoubleTensor, lambda lib: "torch.DoubleTensor",
                                    lambda lib: lib.float64, lambda lib: lib.FloatTensor, lambda lib: "torch.IntTensor",
                                    lambda lib: lib.LongTensor],
                         ids=["class", "name", "dtype", "same-class", "int-name", "long-class"])
def test_type_converts_as_torch(torch, target):
    ours, theirs = both(torch, lambda lib: lib.tensor([1.5, -2.0], requires_grad=True).type(target(lib)))
    same_tensor(ours.detach(), theirs.detach())
    assert ours.requires_grad == theirs.requires_grad
    assert (ours.grad_fn and ours.grad_fn.name()) == (theirs.grad_fn and theirs.grad_fn.name())


def test_legacy_types_print_and_describe_themselves_as_torch(torch):
    for name in LEGACY:
        ours, theirs = getattr(pg, name), getattr(torch, name)
        assert repr(ours) == repr(theirs) and str(ours) == str(theirs) and ours.__name__ == theirs.__name__
        assert str(ours.dtype) == str(theirs.dtype) and ours.is_cuda == theirs.is_cuda is False


@pytest.mark.parametrize("mistake", [
    lambda lib: lib.FloatTensor("a"),
    lambda lib: lib.FloatTensor(2.5),
    lambda lib: lib.FloatTensor(-1),
    lambda lib: lib.LongTensor(lib.tensor([1.0, 2.0])),
    lambda lib: lib.zeros(2).type("torch.Foo"),
    lambda lib: lib.zeros(2).type("float"),
    lambda lib: lib.LongTensor([1, 2]).requires_grad_(),
], ids=["string", "number", "negative-size", "other-dtype", "unknown-name", "not-a-type-name",
        "integers-require-grad"])
def test_legacy_mistakes_as_torch(torch, mistake):
    same_error(torch, mistake)


@pytest.mark.parametrize("mistake", [
    lambda lib: lib.FloatTensor([1], [2]),
    lambda lib: lib.FloatTensor([1], dtype=lib.float64),
    lambda lib: lib.FloatTensor([1], requires_grad=True),
], ids=["two-lists", "dtype", "requires-grad"])
def test_legacy_arguments_torch_does_not_take_are_listed_against_its_signatures(torch, mistake):
    """The message names what was given and lists what torch takes (torch adds which signature came
    closest, by rules of its argument parser that pedagrad does not copy)."""
    with pytest.raises(TypeError) as theirs:
        mistake(torch)
    with pytest.raises(TypeError) as ours:
        mistake(pg)
    first_line = str(theirs.value).splitlines()[0]
    signatures = [line for line in str(theirs.value).splitlines() if line.startswith(" * ")]
    assert str(ours.value).splitlines() == [first_line] + signatures


@pytest.mark.parametrize("name", ["HalfTensor", "BFloat16Tensor", "CharTensor", "ShortTensor"])
def test_legacy_types_of_dtypes_pedagrad_lacks_are_refused_with_the_reason(name):
    with pytest.raises(AttributeError, match=f"pedagrad does not provide torch.{name}, because pedagrad's dtypes are "
                                             "float32, float64, int32, int64, uint8 and bool"):
        getattr(pg, name)


def test_variable_is_a_tensor_that_starts_a_new_history(torch):
    for lib in (pg, torch):
        data = lib.ones(2)
        v = lib.autograd.Variable(data, requires_grad=True)
        assert type(v) is lib.Tensor and v.is_leaf and v.requires_grad and v.grad_fn is None
        assert isinstance(lib.ones(1), lib.autograd.Variable) and not isinstance([1], lib.autograd.Variable)
        data.add_(1)  # the Variable shares the tensor's numbers
        assert v.tolist() == [2.0, 2.0]
        cut = lib.autograd.Variable(v * 3)
        assert cut.grad_fn is None and not cut.requires_grad
    assert repr(Variable) == repr(torch.autograd.Variable)
    assert repr(Variable()) == repr(torch.autograd.Variable()) == "tensor([])"


def test_variable_in_the_early_blitz_program(torch):
    """The 2017 Blitz's autograd lesson: the same gradients, printed the same way."""
    def program(lib):
        x = lib.autograd.Variable(lib.ones(2, 2), requires_grad=True)
        out = ((x + 2) * (x + 2) * 3).mean()
        out.backward()
        x2 = lib.autograd.Variable(lib.FloatTensor([0.5, -1.0, 2.0]), requires_grad=True)
        y = x2 * 2
        while y.data.norm() < 1000:
            y = y * 2
        y.backward(lib.FloatTensor([0.1, 1.0, 0.0001]))
        return [repr(x), repr(out), repr(x.grad), repr(y), repr(x2.grad)]

    assert program(pg) == program(torch)


@pytest.mark.parametrize("mistake", [
    lambda lib: lib.autograd.Variable([1, 2]),
    lambda lib: lib.autograd.Variable(lib.ones(2, dtype=lib.int64), requires_grad=True),
    lambda lib: lib.autograd.Variable(lib.ones(2), foo=1),
], ids=["not-a-tensor", "integers-require-grad", "unknown-keyword"])
def test_variable_mistakes_as_torch(torch, mistake):
    same_error(torch, mistake)


def _warnings(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [(w.category, str(w.message).split(" (Triggered internally")[0]) for w in caught]


@pytest.mark.parametrize("action", [lambda lib: lib.autograd.Variable(lib.ones(1), volatile=True),
                                    lambda lib: lib.set_default_tensor_type(lib.FloatTensor)],
                         ids=["volatile", "set_default_tensor_type"])
def test_warnings_as_torch(torch, action):
    assert _warnings(lambda: action(pg)) == _warnings(lambda: action(torch))


@pytest.mark.parametrize("kind", [lambda lib: lib.DoubleTensor, lambda lib: "torch.DoubleTensor"],
                         ids=["class", "name"])
def test_set_default_tensor_type_sets_the_default_dtype(torch, kind):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for lib in (pg, torch):
                lib.set_default_tensor_type(kind(lib))
                assert str(lib.get_default_dtype()) == "torch.float64"
                assert lib.tensor([1.0]).type() == "torch.DoubleTensor"
            same_error(torch, lambda lib: lib.set_default_tensor_type(lib.LongTensor))
    finally:
        pg.set_default_dtype(pg.float32)
        torch.set_default_dtype(torch.float32)
