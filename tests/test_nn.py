"""nn: modules, layers, losses and the training loop, checked against PyTorch where it is installed."""
import warnings

import numpy as np
import pytest

import pedagrad as pg
from pedagrad import nn
from pedagrad.nn import functional as F


def mlp(lib, dropout=0.0, batchnorm=False):
    layers = [lib.nn.Linear(6, 16), lib.nn.ReLU()]
    if batchnorm:
        layers.append(lib.nn.BatchNorm1d(16))
    if dropout:
        layers.append(lib.nn.Dropout(dropout))
    layers += [lib.nn.Linear(16, 3)]
    return lib.nn.Sequential(*layers)


def copy_weights(src, dst, lib):
    """Give the pedagrad model ``dst`` the torch model ``src``'s exact parameters and buffers."""
    state = {k: lib.tensor(v.detach().numpy().copy()) for k, v in src.state_dict().items()}
    dst.load_state_dict(state)


def data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)), rng.integers(0, 3, n)


# -- modules ---------------------------------------------------------------------------------

def test_module_registers_parameters_buffers_and_children():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
            self.head = nn.Linear(3, 1, bias=False)
            self.scale = nn.Parameter(pg.ones(1))
            self.note = "not a parameter"

        def forward(self, x):
            return self.head(self.body(x)) * self.scale

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "head.weight"]
    assert [n for n, _ in net.named_buffers()] == ["body.1.running_mean", "body.1.running_var",
                                                  "body.1.num_batches_tracked"]
    assert [type(m).__name__ for m in net.children()] == ["Sequential", "Linear"]
    assert len(list(net.modules())) == 5
    assert net(pg.ones(4, 2)).shape == (4, 1)


def test_state_dict_keys_match_torch(torch):
    ours, theirs = mlp(pg, 0.1, True), mlp(torch, 0.1, True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_module_printout_matches_torch(torch):
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Dropout(0.2),
                                 lib.nn.BatchNorm1d(3), lib.nn.Sigmoid(), lib.nn.Tanh(),
                                 lib.nn.Softmax(dim=1), lib.nn.Flatten(), lib.nn.Identity(),
                                 lib.nn.Sequential(lib.nn.Linear(3, 1, bias=False)), lib.nn.MSELoss(),
                                 lib.nn.CrossEntropyLoss(), lib.nn.NLLLoss(), lib.nn.BCEWithLogitsLoss())

    assert repr(build(pg)) == repr(build(torch))


def test_softplus_module_as_torch(torch):
    """Printout (the defaults print as floats, as torch's), values and gradients in a model."""
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Softplus(), lib.nn.Linear(4, 2),
                                 lib.nn.Softplus(beta=2, threshold=10), lib.nn.Softplus(0.5, 1.5))

    assert repr(build(pg)) == repr(build(torch))
    ours, theirs = build(pg).double(), build(torch).double()
    copy_weights(theirs, ours, pg)
    x = np.random.default_rng(0).standard_normal((5, 3)) * 10
    outs = []
    for lib, model in ((pg, ours), (torch, theirs)):
        y = model(lib.tensor(x))
        y.sum().backward()
        outs.append((y.detach().numpy(), model[0].weight.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-12)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-10, atol=1e-12)
    assert outs[0][2] == outs[1][2] == "SoftplusBackward0"
    assert isinstance(nn.Softplus(), nn.Module) and "Softplus" in nn.__all__


def test_softplus_is_a_smooth_relu():
    x = pg.linspace(-30, 30, 61, dtype=pg.float64)
    y = F.softplus(x)
    assert (y > 0).all() and (y >= F.relu(x)).all()
    assert (y - F.relu(x)).abs().max().item() == pytest.approx(np.log(2))


def test_parameter_printout_matches_torch(torch):
    assert repr(nn.Parameter(pg.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


def test_linear_default_initialisation_has_torch_spread():
    pg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / 400 ** 0.5
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert w.min() >= -bound and w.max() <= bound and b.min() >= -bound and b.max() <= bound
    assert abs(w.std() - bound / 3 ** 0.5) < 0.02 * bound  # the std of U(-bound, bound)


def test_same_seed_same_weights():
    pg.manual_seed(3)
    a = mlp(pg)
    pg.manual_seed(3)
    b = mlp(pg)
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and pg.equal(va, vb)


def test_load_state_dict_reports_and_refuses_mismatches(torch):
    bad = {"weight": pg.ones(3, 3), "foo": pg.ones(1)}
    with pytest.raises(RuntimeError) as ours:
        nn.Linear(2, 3).load_state_dict(bad)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Linear(2, 3).load_state_dict({"weight": torch.ones(3, 3), "foo": torch.ones(1)})
    assert str(ours.value) == str(theirs.value)
    result = nn.Linear(2, 3).load_state_dict({"weight": pg.ones(3, 2)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == []
    assert repr(nn.Linear(2, 3).load_state_dict(nn.Linear(2, 3).state_dict())) == "<All keys matched successfully>"


def test_load_state_dict_copies_in_place():
    layer = nn.Linear(2, 2)
    weight = layer.weight
    layer.load_state_dict({"weight": pg.zeros(2, 2), "bias": pg.ones(2)})
    assert layer.weight is weight and weight.sum().item() == 0 and weight.requires_grad


def test_zero_grad_and_requires_grad_():
    model = mlp(pg)
    F.cross_entropy(model(pg.randn(4, 6)), pg.tensor([0, 1, 2, 0])).backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model[0].requires_grad_(False)
    F.cross_entropy(model(pg.randn(4, 6)), pg.tensor([0, 1, 2, 0])).backward()
    assert model[0].weight.grad is None and model[2].weight.grad is not None


# -- layers and losses against torch ---------------------------------------------------------

@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss", "mse_loss", "bce"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_torch(torch, loss, reduction):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 3)) * 4
    results = []
    for lib in (pg, torch):
        inp = lib.tensor(x, requires_grad=True)
        if loss == "cross_entropy":
            out = lib.nn.functional.cross_entropy(inp, lib.tensor([0, 2, 1, 2, 0]), reduction=reduction)
        elif loss == "nll_loss":
            out = lib.nn.functional.nll_loss(inp.log_softmax(1), lib.tensor([0, 2, 1, 2, 0]), reduction=reduction)
        elif loss == "mse_loss":
            out = lib.nn.functional.mse_loss(inp, lib.tensor(x[::-1].copy()), reduction=reduction)
        else:
            out = lib.nn.functional.binary_cross_entropy_with_logits(
                inp, lib.tensor((x > 0.5).astype(float)), reduction=reduction)
        out.backward(lib.ones_like(out))
        results.append((out.detach().numpy(), inp.grad.numpy(), out.grad_fn.name()))
    (v1, g1, n1), (v2, g2, n2) = results
    np.testing.assert_allclose(v1, v2, rtol=1e-10)
    np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-12)
    assert n1 == n2


def test_cross_entropy_is_stable_for_large_logits(torch):
    logits = [[1000.0, -1000.0, 0.0], [-5e4, 5e4, 1.0]]
    ours = F.cross_entropy(pg.tensor(logits), pg.tensor([0, 0]))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([0, 0]))
    assert np.isfinite(ours.item()) and ours.item() == pytest.approx(theirs.item(), rel=1e-6)


def test_cross_entropy_weight_and_ignore_index(torch):
    x = np.random.default_rng(2).standard_normal((4, 3))
    t = [0, 2, -100, 1]
    w = [1.0, 2.0, 0.5]
    ours = F.cross_entropy(pg.tensor(x), pg.tensor(t), weight=pg.tensor(w, dtype=pg.float64))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t),
                                               weight=torch.tensor(w, dtype=torch.float64))
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-12)


def test_linear_matches_torch_with_grad_fn_chain(torch):
    x = np.random.default_rng(3).standard_normal((4, 6))
    tl = torch.nn.Linear(6, 3).double()
    pl = nn.Linear(6, 3).double()
    copy_weights(tl, pl, pg)
    out_t, out_p = tl(torch.tensor(x)), pl(pg.tensor(x))
    np.testing.assert_allclose(out_p.detach().numpy(), out_t.detach().numpy(), rtol=1e-12)
    names = lambda out: [fn.name() if fn else None for fn, _ in out.grad_fn.next_functions]
    assert out_p.grad_fn.name() == out_t.grad_fn.name() == "AddmmBackward0"
    assert names(out_p) == names(out_t)


def test_batchnorm_running_stats_and_eval_match_torch(torch):
    rng = np.random.default_rng(4)
    tb, pb = torch.nn.BatchNorm1d(5).double(), nn.BatchNorm1d(5).double()
    for _ in range(3):
        x = rng.standard_normal((8, 5)) * 3 + 1
        out_t, out_p = tb(torch.tensor(x)), pb(pg.tensor(x))
        np.testing.assert_allclose(out_p.detach().numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    for key in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(pb, key).numpy(), getattr(tb, key).numpy(), rtol=1e-12)
    assert pb.num_batches_tracked.item() == 3
    tb.eval(), pb.eval()
    x = rng.standard_normal((4, 5))
    np.testing.assert_allclose(pb(pg.tensor(x)).detach().numpy(), tb(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_batchnorm_gradients_match_torch(torch):
    x = np.random.default_rng(5).standard_normal((6, 4))
    grads = []
    for lib in (pg, torch):
        bn = lib.nn.BatchNorm1d(4).double()
        inp = lib.tensor(x, requires_grad=True)
        (bn(inp) ** 3).sum().backward()
        grads.append((inp.grad.numpy(), bn.weight.grad.numpy(), bn.bias.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_batchnorm_passes_gradcheck():
    from pedagrad.testing import gradcheck, gradgradcheck

    bn = nn.BatchNorm1d(3).double()
    x = pg.randn(5, 3, dtype=pg.float64, requires_grad=True)
    assert gradcheck(lambda t: bn(t), (x,))
    assert gradgradcheck(lambda t: bn(t), (x,))


def test_dropout_scales_in_train_mode_and_is_identity_in_eval():
    pg.manual_seed(0)
    drop = nn.Dropout(0.25)
    out = drop(pg.ones(20000))
    kept = out[out != 0]
    assert np.allclose(kept.numpy(), 1 / 0.75)
    assert abs(kept.numel() / 20000 - 0.75) < 0.02
    drop.eval()
    x = pg.ones(5)
    assert drop(x) is x


# -- eval() is not a grad mode -----------------------------------------------------------------

def test_eval_changes_layers_not_gradient_recording():
    model = mlp(pg, dropout=0.5, batchnorm=True)
    model.eval()
    assert not model.training and not model[2].training
    out = model(pg.randn(4, 6))
    assert out.requires_grad and out.grad_fn is not None  # still recorded
    with pg.no_grad():
        assert not model(pg.randn(4, 6)).requires_grad  # no_grad is what stops recording
    model.train()
    assert all(m.training for m in model.modules())


# -- training against torch -----------------------------------------------------------------------

def _train(lib, model, make_opt, steps=20):
    x, y = data()
    X, Y = lib.tensor(x), lib.tensor(y)
    opt = make_opt(lib, model)
    losses = []
    for _ in range(steps):
        loss = lib.nn.functional.cross_entropy(model(X), Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


@pytest.mark.parametrize("make_opt", [
    lambda lib, m: lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.9),
    lambda lib, m: lib.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda lib, m: lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.5, dampening=0.1),
    lambda lib, m: lib.optim.Adam(m.parameters(), lr=0.01),
    lambda lib, m: lib.optim.Adam(m.parameters(), lr=0.01, betas=(0.8, 0.99), weight_decay=1e-2),
], ids=["sgd-momentum", "sgd-nesterov-wd", "sgd-dampening", "adam", "adam-wd"])
def test_training_follows_torch_loss_trajectory(torch, make_opt):
    torch.manual_seed(0)
    theirs = mlp(torch, batchnorm=True).double()
    ours = mlp(pg, batchnorm=True).double()
    copy_weights(theirs, ours, pg)
    lt = _train(torch, theirs, make_opt)
    lp = _train(pg, ours, make_opt)
    np.testing.assert_allclose(lp, lt, rtol=1e-6)
    assert lp[-1] < lp[0]


def test_step_lr_matches_torch(torch):
    rates = []
    for lib in (pg, torch):
        w = lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        seen = []
        for _ in range(10):
            (w * 2).sum().backward()
            opt.step()
            sched.step()
            seen.append(sched.get_last_lr()[0])
        rates.append(seen)
    assert rates[0] == rates[1]


def test_optimizer_state_dict_round_trip_and_printout(torch):
    params = [nn.Parameter(pg.ones(2)), nn.Parameter(pg.ones(3))]
    opt = pg.optim.SGD(params, lr=0.1, momentum=0.9)
    (params[0].sum() + params[1].sum()).backward()
    opt.step()
    state = opt.state_dict()
    assert list(state["state"]) == [0, 1] and state["param_groups"][0]["params"] == [0, 1]
    fresh = pg.optim.SGD(params, lr=0.5, momentum=0.9)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["lr"] == 0.1
    assert pg.equal(fresh.state[params[0]]["momentum_buffer"], opt.state[params[0]]["momentum_buffer"])
    tparams = [torch.nn.Parameter(torch.ones(2))]
    assert repr(pg.optim.SGD(params[:1], lr=0.1)) == repr(torch.optim.SGD(tparams, lr=0.1))
    assert repr(pg.optim.Adam(params[:1])) == repr(torch.optim.Adam(tparams))
    torch_state = torch.optim.SGD(tparams, lr=0.1, momentum=0.9).state_dict()
    assert state["param_groups"][0].keys() == torch_state["param_groups"][0].keys()


# -- friendly errors ------------------------------------------------------------------------------

def test_misspelt_module_method_names_the_right_one():
    with pytest.raises(AttributeError, match=r"no attribute 'parameter'. Did you mean parameters\(\)\?"):
        nn.Linear(2, 2).parameter()
    with pytest.raises(AttributeError, match="Did you mean 'forward'"):
        nn.Linear(2, 2).forwad


def test_optimizer_argument_slips_name_the_right_spelling():
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'learning_rate'. Did you mean lr=?"):
        pg.optim.SGD(model.parameters(), learning_rate=1e-3)
    with pytest.raises(TypeError, match=r"got a method: call it, model.parameters\(\)"):
        pg.optim.Adam(model.parameters, lr=1e-3)
    with pytest.raises(TypeError, match=r"got the model itself \(Linear\): pass model.parameters\(\)"):
        pg.optim.SGD(model, lr=1e-3)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        pg.optim.SGD([], lr=0.1)


def test_step_without_gradients_warns_once():
    opt = pg.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
    with pytest.warns(UserWarning, match=r"found no gradients.*Call loss.backward\(\) before optimizer.step\(\)"):
        opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()


def test_backward_on_a_loss_without_graph_is_explained():
    model = nn.Linear(2, 1)
    with pg.no_grad():
        loss = F.mse_loss(model(pg.ones(3, 2)), pg.zeros(3, 1))
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        loss.backward()


@pytest.mark.parametrize("target, message", [
    (pg.tensor([0.0, 1.0, 2.0, 1.0]), r"expected target dtype to be Long or Byte, but got Float. .*shape \(4,\)"),
    (pg.tensor([[0], [1], [2], [1]]), r"0D or 1D target tensor expected.*use target.squeeze\(1\)"),
    (pg.tensor([0, 1]), r"Expected input batch_size \(4\) to match target batch_size \(2\)"),
    (pg.tensor([0, 1, 3, 1]), r"Target 3 is out of bounds. The input has 3 classes"),
])
def test_cross_entropy_target_mistakes(target, message):
    with pytest.raises((RuntimeError, ValueError, IndexError), match=message):
        F.cross_entropy(pg.randn(4, 3), target)


def test_cross_entropy_errors_start_like_torch(torch):
    for target in ([0.0, 1.0, 2.0, 1.0], [[0], [1], [2], [1]], [0, 1], [0, 1, 3, 1]):
        with pytest.raises(Exception) as theirs:
            torch.nn.functional.cross_entropy(torch.randn(4, 3), torch.tensor(target))
        with pytest.raises(Exception) as ours:
            F.cross_entropy(pg.randn(4, 3), pg.tensor(target))
        assert type(ours.value) is type(theirs.value)
        assert str(ours.value).startswith(str(theirs.value).split(".")[0])


def test_linear_input_size_mistake_names_both_sizes():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\)"):
        nn.Linear(3, 2)(pg.randn(4, 5))


def test_sequential_given_a_class_says_so():
    with pytest.raises(TypeError, match="did you forget the parentheses"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)


# -- details learners meet --------------------------------------------------------------------

def test_printing_a_parameter_says_so(torch):
    for show in (str, repr):
        assert show(nn.Parameter(pg.ones(2))) == show(torch.nn.Parameter(torch.ones(2)))
    assert str(nn.Linear(2, 1).bias).startswith("Parameter containing:\ntensor([")


def test_changing_a_model_dtype_keeps_its_parameter_objects():
    model = nn.Linear(2, 1)
    weight = model.weight
    opt = pg.optim.SGD(model.parameters(), lr=0.1)
    model.double()
    assert model.weight is weight and weight.dtype is pg.float64
    model(pg.ones(3, 2, dtype=pg.float64)).sum().backward()
    before = weight.detach().clone()
    opt.step()
    assert not pg.equal(weight, before)  # the optimizer made before .double() still trains it


def test_linear_refuses_another_dtype_like_torch(torch):
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Linear(2, 1)(torch.ones(3, 2, dtype=torch.float64))
    with pytest.raises(RuntimeError) as ours:
        nn.Linear(2, 1)(pg.ones(3, 2, dtype=pg.float64))
    assert str(ours.value).startswith(str(theirs.value))
    assert ".to(torch.float32)" in str(ours.value)


def test_mse_loss_computes_in_the_wider_dtype(torch):
    ours = F.mse_loss(pg.ones(2), pg.zeros(2, dtype=pg.float64))
    theirs = torch.nn.functional.mse_loss(torch.ones(2), torch.zeros(2, dtype=torch.float64))
    assert str(ours.dtype) == str(theirs.dtype) == "torch.float64"


def test_class_weights_are_a_buffer(torch):
    ours = nn.CrossEntropyLoss(weight=pg.ones(3))
    theirs = torch.nn.CrossEntropyLoss(weight=torch.ones(3))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]


def test_module_list_printout_matches_torch(torch):
    def build(lib):
        return lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)] + [lib.nn.ReLU(), lib.nn.Linear(2, 1)])

    assert repr(build(pg)) == repr(build(torch))
    assert len(list(build(pg).parameters())) == 8


def test_batchnorm_cumulative_average_without_momentum(torch):
    rng = np.random.default_rng(6)
    tb, pb = torch.nn.BatchNorm1d(3, momentum=None).double(), nn.BatchNorm1d(3, momentum=None).double()
    for _ in range(4):
        x = rng.standard_normal((5, 3)) * 2
        tb(torch.tensor(x)), pb(pg.tensor(x))
    np.testing.assert_allclose(pb.running_mean.numpy(), tb.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(pb.running_var.numpy(), tb.running_var.numpy(), rtol=1e-12)


def test_soft_label_cross_entropy_is_refused_plainly():
    with pytest.raises(NotImplementedError, match="class-probability targets .* not supported by pedagrad"):
        F.cross_entropy(pg.randn(4, 3), pg.softmax(pg.randn(4, 3), 1))


def test_cuda_is_refused_with_the_cpu_only_message():
    with pytest.raises(RuntimeError, match="pedagrad runs on the CPU only"):
        nn.Linear(2, 2).cuda()


# -- one_hot ----------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 2, 1])),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 2, 1]), 5),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([1, 4]), num_classes=-1),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([[0, 2], [1, 1]])),
    lambda lib: lib.nn.functional.one_hot(lib.tensor(2)),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int64), 3),
    lambda lib: lib.nn.functional.one_hot(lib.zeros(2, 0, dtype=lib.int64), 4),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([3, 0, 1]).t(), 4).sum(0),
    lambda lib: lib.nn.functional.one_hot(lib.arange(6).reshape(2, 3)[:, 1:]),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 2]), 3).float() * 0.5,
], ids=["classes-inferred", "num_classes", "num_classes--1", "2d", "0d", "empty", "empty-2d",
        "summed", "non-contiguous", "as-float"])
def test_one_hot_as_torch(torch, make):
    got, expected = make(pg), make(torch)
    assert repr(got) == repr(expected) and got.dtype is getattr(pg, str(expected.dtype)[6:])
    assert not got.requires_grad


def test_one_hot_rows_pick_logits_like_indexing():
    logits = pg.randn(4, 3, requires_grad=True)
    target = pg.tensor([2, 0, 1, 2])
    picked = (logits * F.one_hot(target, 3)).sum(1)
    assert pg.equal(picked, logits[pg.arange(4), target])


# -- gradient clipping ------------------------------------------------------------------------

def _grads(lib, shapes=((3, 2), (2,), (4,)), scale=1.0, seed=0):
    """Parameters with seeded gradients (one parameter without a gradient)."""
    rng = np.random.default_rng(seed)
    params = []
    for shape in shapes:
        p = lib.zeros(shape, requires_grad=True)
        p.grad = lib.tensor(rng.standard_normal(shape).astype(np.float32) * scale)
        params.append(p)
    params.append(lib.zeros(2, requires_grad=True))  # no .grad: skipped
    return params


@pytest.mark.parametrize("max_norm, norm_type, scale", [
    (1.0, 2.0, 1.0), (0.5, 2, 1.0), (100.0, 2.0, 1.0), (1.0, 1, 1.0), (1.0, float("inf"), 1.0),
    (1.0, "inf", 1.0), (2.0, 3.0, 1.0), (1e-3, 2.0, 1e3), (1, 0.5, 1.0), (1.0, 2.0, 0.0),
], ids=["2", "2-int", "no-clipping", "1", "inf", "inf-str", "3", "large", "0.5", "zero-grads"])
def test_clip_grad_norm_as_torch(torch, max_norm, norm_type, scale):
    results = []
    for lib in (pg, torch):
        params = _grads(lib, scale=scale)
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        results.append((repr(total), [p.grad if p.grad is None else p.grad.numpy() for p in params]))
    (p_total, p_grads), (t_total, t_grads) = results
    assert p_total == t_total
    for p, t in zip(p_grads, t_grads):
        assert (p is None and t is None) or np.allclose(p, t, rtol=1e-6, atol=0)


@pytest.mark.parametrize("call", [
    lambda lib, ps: lib.nn.utils.clip_grad_norm_(ps[0], 0.1),  # a single tensor
    lambda lib, ps: lib.nn.utils.clip_grad_norm_(iter(ps), max_norm=0.1, norm_type=1.0),  # a generator
    lambda lib, ps: lib.nn.utils.clip_grad_norm_([], 1.0),  # nothing to clip: tensor(0.)
    lambda lib, ps: lib.nn.utils.clip_grad_norm_([ps[-1]], 1.0),  # no gradients
    lambda lib, ps: lib.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True),
    lambda lib, ps: lib.nn.utils.get_total_norm([p.grad for p in ps[:2]], 3.0),
    lambda lib, ps: lib.nn.utils.clip_grads_with_norm_(ps, 1.0, lib.tensor(4.0)),
    lambda lib, ps: lib.nn.utils.clip_grad_value_(ps, 0.5),
    lambda lib, ps: lib.nn.utils.clip_grad_value_(ps[1], clip_value=0.1),
], ids=["tensor", "generator", "empty", "no-grads", "finite-check-passes", "get_total_norm",
        "clip_grads_with_norm_", "clip_grad_value_", "clip_grad_value_-tensor"])
def test_clipping_forms_as_torch(torch, call):
    results = []
    for lib in (pg, torch):
        params = _grads(lib)
        out = call(lib, params)
        results.append((repr(out), [repr(p.grad) for p in params]))
    assert results[0] == results[1]


def test_clip_grad_norm_with_a_nonfinite_norm_scales_by_it_unless_asked_to_refuse(torch):
    """As torch: with error_if_nonfinite=False, an inf norm makes every gradient 0 (or nan)."""
    results = []
    for lib in (pg, torch):
        params = _grads(lib)
        params[0].grad[0, 0] = float("inf")
        total = lib.nn.utils.clip_grad_norm_(params, 1.0)
        results.append((repr(total), [repr(p.grad) for p in params]))
    assert results[0] == results[1]


def test_clip_grad_norm_in_a_training_step_leaves_the_graph_alone():
    model = nn.Linear(3, 2)
    loss = (model(pg.randn(4, 3)) * 100).pow(2).sum()
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    assert total.item() > 1.0 and total.grad_fn is None and not total.requires_grad
    after = pg.linalg.vector_norm(pg.stack([pg.linalg.vector_norm(p.grad) for p in model.parameters()]))
    assert abs(after.item() - 1.0) < 1e-5
    assert all(p.grad.grad_fn is None for p in model.parameters())


# -- norms: what pedagrad leaves out ----------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: pg.ones(2, 3).norm("nuc"),
    lambda: pg.linalg.norm(pg.ones(2, 3), 2),
    lambda: pg.linalg.norm(pg.ones(2, 3, 4), float("inf"), dim=(1, 2)),
], ids=["nuc", "matrix-2-norm", "matrix-inf-norm"])
def test_matrix_norms_are_refused_plainly(call):
    with pytest.raises(NotImplementedError, match="matrix norm.*not in pedagrad.*'fro'"):
        call()
