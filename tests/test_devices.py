"""Devices, and the lines at the top of every PyTorch tutorial that look for a GPU: pedagrad answers
them as PyTorch answers on a computer without one, and refuses every device but the CPU clearly."""
import pickle

import pytest

import pedagrad as pg
import pedagrad.backends.cudnn as cudnn

CREATION = {
    "tensor": lambda device: pg.tensor([1.0], device=device),
    "zeros": lambda device: pg.zeros(2, device=device),
    "ones": lambda device: pg.ones(2, device=device),
    "empty": lambda device: pg.empty(2, device=device),
    "full": lambda device: pg.full((2,), 1.0, device=device),
    "rand": lambda device: pg.rand(2, device=device),
    "randn": lambda device: pg.randn(2, device=device),
    "randint": lambda device: pg.randint(3, (2,), device=device),
    "randperm": lambda device: pg.randperm(3, device=device),
    "arange": lambda device: pg.arange(3, device=device),
    "linspace": lambda device: pg.linspace(0, 1, 3, device=device),
    "eye": lambda device: pg.eye(2, device=device),
    "zeros_like": lambda device: pg.zeros_like(pg.ones(2), device=device),
    "ones_like": lambda device: pg.ones_like(pg.ones(2), device=device),
    "empty_like": lambda device: pg.empty_like(pg.ones(2), device=device),
    "full_like": lambda device: pg.full_like(pg.ones(2), 3.0, device=device),
    "rand_like": lambda device: pg.rand_like(pg.ones(2), device=device),
    "randn_like": lambda device: pg.randn_like(pg.ones(2), device=device),
    "new_zeros": lambda device: pg.ones(2).new_zeros(2, device=device),
    "new_tensor": lambda device: pg.ones(2).new_tensor([1.0], device=device),
}


@pytest.mark.parametrize("spec", ["cpu", "cpu:0", "cpu:12", ("cpu", 0), ("cpu", 3)], ids=str)
def test_cpu_devices_as_torch(torch, spec):
    args = spec if isinstance(spec, tuple) else (spec,)
    ours, theirs = pg.device(*args), torch.device(*args)
    assert (repr(ours), str(ours), ours.type, ours.index) == (repr(theirs), str(theirs), theirs.type, theirs.index)
    assert ours == pg.device(*args) and ours == pg.device(ours) and {ours: 1}[pg.device(*args)] == 1
    assert pickle.loads(pickle.dumps(ours)) == ours


def test_devices_compare_as_torch(torch):
    for lib in (pg, torch):
        assert lib.device("cpu") != lib.device("cpu:0") and lib.device("cpu") != "cpu"
    with pytest.raises(AttributeError):
        pg.device("cpu").type = "cuda"


@pytest.mark.parametrize("spec", ["gpu", "CPU", "cuda:x", "cpu:-1", "cpu:01", "", " cpu", ("cpu:0", 1), ("cpu", -1),
                                  ("cpu", 1.5), (None,), (2.5,), (0,)], ids=str)
def test_device_mistakes_as_torch(torch, spec):
    args = spec if isinstance(spec, tuple) else (spec,)
    with pytest.raises(Exception) as theirs:
        torch.device(*args)
    with pytest.raises(Exception) as ours:
        pg.device(*args)
    assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


@pytest.mark.parametrize("spec", ["cuda", "cuda:1", ("cuda", 1), "mps", "xpu"], ids=str)
def test_other_devices_are_refused_by_name(spec):
    args = spec if isinstance(spec, tuple) else (spec,)
    named = spec if isinstance(spec, str) else f"{spec[0]}:{spec[1]}"
    with pytest.raises(RuntimeError, match=f"pedagrad runs on the CPU only, so device '{named}' is not available"):
        pg.device(*args)


@pytest.mark.parametrize("make", CREATION.values(), ids=CREATION.keys())
def test_creation_functions_take_the_cpu_and_refuse_the_rest(make):
    assert make("cpu").device == pg.device("cpu") and make(pg.device("cpu")).device == pg.device("cpu")
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        make("cuda")
    with pytest.raises(RuntimeError, match="pedagrad has no 'meta' device"):
        make("meta")


@pytest.mark.parametrize("use", [
    lambda: pg.device("meta"),
    lambda: pg.ones(2).to("meta"),
    lambda: pg.nn.Linear(2, 2).to(device="meta"),
    lambda: pg.set_default_device("meta"),
], ids=["device", "Tensor.to", "Module.to", "set_default_device"])
def test_the_meta_device_gets_an_explanation(use):
    with pytest.raises(RuntimeError, match=r"no 'meta' device\. In PyTorch a meta tensor has a shape and a dtype"):
        use()
    assert pg.get_default_device() == pg.device("cpu")


def test_device_as_a_context_manager(torch):
    for lib in (pg, torch):
        with lib.device("cpu") as where:
            assert str(where) == "cpu" and repr(lib.get_default_device()) == "device(type='cpu')"
            assert lib.zeros(2).device == lib.device("cpu")
    with pg.device("cpu:0"):
        with pg.device("cpu"):
            assert pg.get_default_device() == pg.device("cpu")
        assert pg.get_default_device() == pg.device("cpu:0")
    with pytest.raises(ValueError, match="inside"), pg.device("cpu:0"):
        raise ValueError("inside")
    assert pg.get_default_device() == pg.device("cpu")


def test_set_default_device(torch):
    for lib in (pg, torch):
        for where in ("cpu", lib.device("cpu"), None):
            lib.set_default_device(where)
            assert repr(lib.get_default_device()) == "device(type='cpu')"
            assert lib.ones(1).device == lib.device("cpu")
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        pg.set_default_device("cuda")
    assert pg.get_default_device() == pg.device("cpu")


def test_tensors_and_modules_answer_where_they_are_as_torch(torch):
    ours, theirs = pg.ones(2), torch.ones(2)
    for attribute in ("is_cpu", "is_cuda", "is_meta"):
        assert getattr(ours, attribute) == getattr(theirs, attribute)
    assert ours.get_device() == theirs.get_device() and ours.cpu() is ours
    with pytest.raises(RuntimeError, match="pedagrad runs on the CPU only, so device 'cuda' is not available"):
        ours.cuda()
    with pytest.raises(RuntimeError, match="device 'cuda:1' is not available"):
        ours.cuda(1)
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        pg.nn.Linear(2, 2).cuda()


def test_torch_cuda_answers_as_on_a_computer_without_a_gpu(torch):
    for name in ("is_available", "device_count", "is_initialized", "empty_cache"):
        assert getattr(pg.cuda, name)() == getattr(torch.cuda, name)()
    assert pg.cuda.manual_seed(0) is None and pg.cuda.manual_seed_all(0) is None
    for name in ("current_device", "synchronize", "get_device_name"):
        with pytest.raises(RuntimeError, match="pedagrad runs on the CPU only"):
            getattr(pg.cuda, name)()
    with pytest.raises(AttributeError, match=r"pedagrad does not provide torch\.cuda\.FloatTensor, because "
                                             r"pedagrad computes with numpy on the CPU and has no GPU"):
        pg.cuda.FloatTensor([1.0])


def test_torch_backends_answer_as_torch_without_a_gpu(torch):
    for ours, theirs, names in ((pg.backends.mps, torch.backends.mps, ("is_available", "is_built")),
                                (pg.backends.cuda, torch.backends.cuda, ("is_built",)),
                                (cudnn, torch.backends.cudnn, ("is_available", "version"))):
        for name in names:
            assert getattr(ours, name)() == getattr(theirs, name)()
    for flag in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(cudnn, flag) == getattr(torch.backends.cudnn, flag)


def test_cudnn_switches_can_be_set_as_in_torch():
    before = cudnn.deterministic, cudnn.benchmark
    try:
        cudnn.deterministic, cudnn.benchmark = True, False
        assert pg.backends.cudnn.deterministic is True
    finally:
        cudnn.deterministic, cudnn.benchmark = before


def test_torch_accelerator_answers_as_torch_without_one(torch):
    for name in ("is_available", "current_accelerator", "device_count"):
        assert getattr(pg.accelerator, name)() == getattr(torch.accelerator, name)()
    assert pg.accelerator.current_accelerator(check_available=True) is None
    for name in ("current_device_index", "synchronize", "empty_cache"):
        with pytest.raises(RuntimeError) as theirs:
            getattr(torch.accelerator, name)()
        with pytest.raises(RuntimeError) as ours:
            getattr(pg.accelerator, name)()
        assert str(ours.value) == str(theirs.value)
