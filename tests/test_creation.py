"""Sizes given to the creation functions: ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros(size=(2, 3))``,
and PyTorch's errors for sizes it would not take."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pedagrad as pg

SIZED = ["zeros", "ones", "empty", "rand", "randn"]
NEW = ["new_zeros", "new_ones", "new_empty"]
shapes = st.lists(st.integers(0, 4), max_size=4).map(tuple)


def _kind(t):
    return str(t.dtype), tuple(t.shape)


@given(shape=shapes)
@pytest.mark.parametrize("name", SIZED)
def test_three_ways_to_give_a_size_as_torch(torch, name, shape):
    for lib in (pg, torch):
        make = getattr(lib, name)
        made = [make(size=shape), make(shape), make(list(shape))] + ([make(*shape)] if shape else [])
        assert {_kind(t) for t in made} == {(str(lib.float32), shape)}


@given(shape=shapes)
def test_full_randint_and_the_new_methods_take_a_size_keyword_as_torch(torch, shape):
    def made(lib):
        x = lib.ones(1, dtype=lib.float64)
        made = [lib.full(size=shape, fill_value=2), lib.randint(0, 5, size=shape), x.new_full(size=shape, fill_value=1)]
        return made + [getattr(x, name)(size=shape) for name in NEW] + [getattr(x, name)(shape) for name in NEW]
    assert [_kind(t) for t in made(pg)] == [_kind(t) for t in made(torch)]


def test_a_scalar_that_requires_grad_as_in_d2l(torch):
    for lib in (pg, torch):
        a = lib.randn(size=(), requires_grad=True)
        assert a.shape == () and a.is_leaf and a.requires_grad
        d = a * 2
        d.backward()
        assert (a.grad == d / a).item()


@pytest.mark.parametrize("size", [np.int64(3), "zero-dim tensor"], ids=["numpy-int", "tensor"])
def test_whole_numbers_of_other_kinds_are_sizes_as_in_torch(torch, size):
    for lib in (pg, torch):
        n = lib.tensor(3) if isinstance(size, str) else size
        assert lib.zeros(n).shape == (3,) and lib.ones(2, n).shape == (2, 3)


SIZE_MISTAKES = {
    "no-size": ((), {}),
    "negative": ((-1,), {}),
    "negative-in-tuple": (((2, -3),), {}),
    "float": ((2.0,), {}),
    "bool": ((True,), {}),
    "none": ((None,), {}),
    "string": (("2",), {}),
    "float-tensor": ("float-tensor", {}),
    "float-later": ((2, 3.5), {}),
    "float-first-in-tuple": (((2.5,),), {}),
    "float-later-in-list": (([2, 2.5],), {}),
    "two-lists": (([2], [3]), {}),
    "tuple-and-int": (((2,), 3), {}),
    "int-keyword": ((), {"size": 2}),
    "float-in-keyword": ((), {"size": (2.5,)}),
    "both": ((2,), {"size": (2,)}),
}


def _error(make):
    with pytest.raises(Exception) as caught:
        make()
    return type(caught.value), str(caught.value)


@pytest.mark.parametrize("args, kwargs", SIZE_MISTAKES.values(), ids=SIZE_MISTAKES.keys())
@pytest.mark.parametrize("name", SIZED)
def test_size_mistakes_as_torch(torch, name, args, kwargs):
    def attempt(lib):
        given_args = (lib.tensor(2.0),) if args == "float-tensor" else args
        return lambda: getattr(lib, name)(*given_args, **kwargs)
    ours, theirs = _error(attempt(pg)), _error(attempt(torch))
    if theirs[1].startswith(f"{name}() received an invalid combination of arguments"):
        # rand and randn list all their signatures here; pedagrad says what zeros says
        assert ours[0] is theirs[0] and ours[1].startswith(f"{name}()")
    else:
        assert ours == theirs


@pytest.mark.parametrize("mistake", [
    lambda lib: lib.full(2, 1.0),
    lambda lib: lib.full((-1,), 1.0),
    lambda lib: lib.full((2.5,), 1.0),
    lambda lib: lib.full((2,)),
    lambda lib: lib.ones(1).new_full(2, 1.0),
    lambda lib: lib.ones(1).new_zeros(),
    lambda lib: lib.ones(1).new_empty(2.5),
], ids=["full-int-size", "full-negative", "full-float", "full-no-value", "new_full-int-size", "new_zeros-no-size",
        "new_empty-float"])
def test_other_size_mistakes_as_torch(torch, mistake):
    assert _error(lambda: mistake(pg)) == _error(lambda: mistake(torch))
