"""%%same_in_pytorch runs one cell's code with pedagrad and with PyTorch and shows they print the same."""
import sys

import pytest

import pedagrad
from pedagrad_widgets.same_in_pytorch import _pedagrad_as_torch, run_both, same_in_pytorch

LINEAR_STEP = """\
import torch
from torch import nn
model = nn.Linear(2, 1)
nn.init.constant_(model.weight, 0.5)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss = nn.MSELoss()(model(torch.tensor([[1.0, 2.0]])), torch.tensor([[0.0]]))
optimizer.zero_grad()
loss.backward()
optimizer.step()
print(model)
print(loss)
print(model.weight)
"""


def test_the_pedagrad_run_imports_pedagrad_as_torch_and_puts_torch_back():
    before = sys.modules.get("torch"), sys.modules.get("torch.nn")
    with _pedagrad_as_torch():
        import torch
        from torch import nn
        assert torch is pedagrad and nn is pedagrad.nn
    assert (sys.modules.get("torch"), sys.modules.get("torch.nn")) == before


def test_a_training_step_prints_the_same_with_pytorch(torch):
    ours, theirs = run_both(LINEAR_STEP)
    assert "grad_fn=<MseLossBackward0>" in ours
    assert ours == theirs


def test_different_printouts_fail_the_cell(torch, monkeypatch):
    monkeypatch.setattr(pedagrad, "marker", "pedagrad", raising=False)
    with pytest.raises(AssertionError, match="printed different things"):
        same_in_pytorch("", "import torch\nprint(getattr(torch, 'marker', 'torch'))")


def test_without_pytorch_it_says_so_and_shows_pedagrads_output(monkeypatch, capsys):
    import importlib.util
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else find_spec(name, *a))
    same_in_pytorch("", "import torch\nprint(torch.tensor([1.0, 2.0]) * 2)")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("PyTorch is not installed here")
    assert out[1] == "tensor([2., 4.])"


def test_submodules_imported_under_torchs_name_are_pedagrads_own_and_leave_nothing_behind():
    before = {name for name in sys.modules if name == "torch" or name.startswith("torch.")}
    with _pedagrad_as_torch():
        from torch.nn.parameter import Parameter

        import torch
        assert isinstance(Parameter(torch.zeros(2)), torch.nn.Parameter)
        assert sys.modules["torch.nn.parameter"] is pedagrad.nn.parameter
    after = {name for name in sys.modules if name == "torch" or name.startswith("torch.")}
    assert after == before
    assert pedagrad.nn.parameter.__spec__.name == "pedagrad.nn.parameter"


def test_real_pytorch_imported_first_is_set_aside_and_put_back(torch):
    with _pedagrad_as_torch():
        from torch import nn
        assert nn.MSELoss.__module__.startswith("pedagrad.")
    import torch as real
    assert real is torch and real.nn.MSELoss.__module__.startswith("torch.")


def test_what_the_pedagrad_run_printed_before_an_error_is_still_shown(capsys):
    with pytest.raises(ZeroDivisionError):
        run_both("print('reached this line')\n1 / 0")
    assert capsys.readouterr().out == "reached this line\n"
