"""The torch names PyTorch's beginner material calls (listed in tutorial_names.toml): each that pedagrad
implements is there, each it refuses stops with the reason, and each planned is not there yet."""
import inspect
import tomllib
from pathlib import Path

import pytest

import pedagrad

TUTORIALS = tomllib.loads(Path(__file__).with_name("tutorial_names.toml").read_text())["tutorial"]
OWNERS = {"torch": lambda lib: lib, "Tensor": lambda lib: lib.Tensor, "Module": lambda lib: lib.nn.Module,
          "Optimizer": lambda lib: lib.optim.Optimizer}
INSTANCES = {"Tensor": lambda: pedagrad.zeros(1), "Module": lambda: pedagrad.nn.Linear(1, 1)}


def names(status):
    return sorted({name for tutorial in TUTORIALS for name in tutorial.get(status, ())})


def look_up(lib, name):
    """What ``name`` ("torch.nn.Linear", "Tensor.view", "torch.randn(size=)") names in ``lib``; a
    keyword is looked for among the function's parameters (pedagrad's: torch's are compiled)."""
    name, _, keyword = name.partition("(")
    owner, *path = name.split(".")
    found = OWNERS[owner](lib)
    for attribute in path:
        found = getattr(found, attribute)
    keyword = keyword.rstrip("=)")
    if keyword and lib is pedagrad and keyword not in inspect.signature(found).parameters:
        raise AttributeError(f"{name} takes no keyword {keyword}")
    return found


def test_each_tutorial_names_its_source_and_each_name_has_one_status():
    for tutorial in TUTORIALS:
        assert set(tutorial) <= {"title", "source", "implemented", "refused", "planned"}
        assert tutorial["title"] and tutorial["source"] and tutorial["implemented"]
    implemented, refused, planned = map(set, (names("implemented"), names("refused"), names("planned")))
    assert not implemented & refused and not implemented & planned and not refused & planned


@pytest.mark.parametrize("name", names("implemented"))
def test_implemented(name):
    assert look_up(pedagrad, name) is not None


@pytest.mark.parametrize("name", names("implemented") + names("refused") + names("planned"))
def test_every_listed_name_is_torchs(torch, name):
    assert look_up(torch, name) is not None


@pytest.mark.parametrize("name", names("refused"))
def test_refused_with_the_reason(name):
    try:
        method = look_up(pedagrad, name)
    except AttributeError as error:
        assert "pedagrad does not provide" in str(error) and "because" in str(error)
        return
    with pytest.raises(RuntimeError, match="pedagrad runs on the CPU only"):
        method(INSTANCES[name.split(".")[0]]())


@pytest.mark.parametrize("name", names("planned"))
@pytest.mark.xfail(raises=AttributeError, strict=True, reason="comes with convolutions, pooling, scatter and out=")
def test_planned(name):
    look_up(pedagrad, name)
