"""The optimizers and learning-rate schedules a learner meets after SGD and Adam (RMSprop, AdamW,
Adagrad; ExponentialLR, MultiStepLR, CosineAnnealingLR, ReduceLROnPlateau): the same trajectories as
PyTorch's, state_dicts that resume a run exactly, and PyTorch's printouts, warnings and errors."""
import warnings

import numpy as np
import pytest
from test_nn import copy_weights, data, mlp

import pedagrad as pg

OPTIMIZERS = {
    "rmsprop": lambda lib, params: lib.optim.RMSprop(params),
    "rmsprop-momentum-centered": lambda lib, params: lib.optim.RMSprop(params, lr=0.005, alpha=0.9, momentum=0.8,
                                                                       centered=True, weight_decay=1e-3),
    "rmsprop-maximize": lambda lib, params: lib.optim.RMSprop(params, lr=0.003, maximize=True),
    "adamw": lambda lib, params: lib.optim.AdamW(params, lr=0.01),
    "adamw-strong-decay": lambda lib, params: lib.optim.AdamW(params, lr=0.02, betas=(0.8, 0.99), weight_decay=0.3),
    "adagrad": lambda lib, params: lib.optim.Adagrad(params, lr=0.1),
    "adagrad-decays": lambda lib, params: lib.optim.Adagrad(params, lr=0.1, lr_decay=0.05, weight_decay=1e-2,
                                                            initial_accumulator_value=0.5, eps=1e-6),
}


def _loss(lib, model, maximize):
    x, y = data()
    loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
    return -loss if maximize else loss


def _train(lib, model, optimizer, steps, maximize=False):
    losses = []
    for _ in range(steps):
        loss = _loss(lib, model, maximize)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses)


def _models(torch):
    torch.manual_seed(0)
    theirs = mlp(torch, batchnorm=True).double()
    ours = mlp(pg, batchnorm=True).double()
    copy_weights(theirs, ours, pg)
    return ours, theirs


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_training_follows_torch(torch, make):
    ours, theirs = _models(torch)
    maximize = make(pg, ours.parameters()).defaults["maximize"]
    lt = _train(torch, theirs, make(torch, theirs.parameters()), 25, maximize)
    lp = _train(pg, ours, make(pg, ours.parameters()), 25, maximize)
    np.testing.assert_allclose(lp, lt, rtol=1e-6)
    assert abs(lp[-1]) < abs(lp[0])
    for (name, p), t in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-9, err_msg=name)


def _state(lib, optimizer):
    """An optimizer's state_dict as plain numbers, to compare pedagrad's with torch's."""
    state = optimizer.state_dict()
    return ({i: {k: np.asarray(v.detach().numpy() if hasattr(v, "numpy") else v).tolist() for k, v in s.items()}
             for i, s in state["state"].items()}, state["param_groups"])


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_state_dict_holds_what_torch_holds(torch, make):
    ours, theirs = _models(torch)
    ours_opt, theirs_opt = make(pg, ours.parameters()), make(torch, theirs.parameters())
    (state, groups), (their_state, their_groups) = _state(pg, ours_opt), _state(torch, theirs_opt)
    assert groups == their_groups and state.keys() == their_state.keys()  # Adagrad's state starts at once
    maximize = ours_opt.defaults["maximize"]
    _train(pg, ours, ours_opt, 3, maximize)
    _train(torch, theirs, theirs_opt, 3, maximize)
    (state, groups), (their_state, their_groups) = _state(pg, ours_opt), _state(torch, theirs_opt)
    assert groups == their_groups and state.keys() == their_state.keys()
    for i in state:
        assert state[i].keys() == their_state[i].keys()
        for key in state[i]:
            np.testing.assert_allclose(state[i][key], their_state[i][key], rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_a_run_resumed_from_a_saved_state_dict_goes_on_exactly(tmp_path, make):
    pg.manual_seed(0)
    model = mlp(pg, batchnorm=True).double()
    start = {k: v.clone() for k, v in model.state_dict().items()}
    optimizer = make(pg, model.parameters())
    maximize = optimizer.defaults["maximize"]
    whole = _train(pg, model, optimizer, 8, maximize)

    model.load_state_dict(start)
    optimizer = make(pg, model.parameters())
    first = _train(pg, model, optimizer, 5, maximize)
    pg.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, tmp_path / "checkpoint.pt")
    resumed_model = mlp(pg, batchnorm=True).double()
    resumed = make(pg, resumed_model.parameters())
    checkpoint = pg.load(tmp_path / "checkpoint.pt")
    resumed_model.load_state_dict(checkpoint["model"])
    resumed.load_state_dict(checkpoint["optimizer"])
    rest = _train(pg, resumed_model, resumed, 3, maximize)
    np.testing.assert_array_equal(np.concatenate([first, rest]), whole)


@pytest.mark.parametrize("make", [
    lambda lib, params: lib.optim.RMSprop(params),
    lambda lib, params: lib.optim.RMSprop(params, lr=0.1, momentum=0.5, centered=True),
    lambda lib, params: lib.optim.AdamW(params),
    lambda lib, params: lib.optim.AdamW(params, lr=0.1, weight_decay=0),
    lambda lib, params: lib.optim.Adagrad(params),
    lambda lib, params: lib.optim.Adagrad(params, lr_decay=0.1, initial_accumulator_value=1.0),
], ids=["rmsprop", "rmsprop-args", "adamw", "adamw-args", "adagrad", "adagrad-args"])
def test_printout_as_torch(torch, make):
    ours, theirs = make(pg, [pg.zeros(2, requires_grad=True)]), make(torch, [torch.zeros(2, requires_grad=True)])
    assert repr(ours) == repr(theirs)


def test_adamw_stays_decoupled_after_loading_an_adam_state_dict(torch):
    for lib in (pg, torch):
        w = lib.zeros(2, requires_grad=True)
        adamw = lib.optim.AdamW([w])
        adamw.load_state_dict(lib.optim.Adam([w]).state_dict())
        assert adamw.param_groups[0]["decoupled_weight_decay"] is True


def _error(make):
    with pytest.raises(Exception) as caught:
        make()
    return type(caught.value), str(caught.value)


@pytest.mark.parametrize("mistake", [
    lambda lib, ps: lib.optim.RMSprop(ps, lr=-1),
    lambda lib, ps: lib.optim.RMSprop(ps, eps=-1),
    lambda lib, ps: lib.optim.RMSprop(ps, momentum=-0.5),
    lambda lib, ps: lib.optim.RMSprop(ps, weight_decay=-1),
    lambda lib, ps: lib.optim.RMSprop(ps, alpha=-0.9),
    lambda lib, ps: lib.optim.Adagrad(ps, lr=-1),
    lambda lib, ps: lib.optim.Adagrad(ps, lr_decay=-1),
    lambda lib, ps: lib.optim.Adagrad(ps, weight_decay=-1),
    lambda lib, ps: lib.optim.Adagrad(ps, initial_accumulator_value=-1),
    lambda lib, ps: lib.optim.Adagrad(ps, eps=-1),
    lambda lib, ps: lib.optim.AdamW(ps, lr=-1),
    lambda lib, ps: lib.optim.AdamW(ps, betas=(0.9, 1.0)),
    lambda lib, ps: lib.optim.RMSprop([], lr=0.1),
], ids=["rmsprop-lr", "rmsprop-eps", "rmsprop-momentum", "rmsprop-weight-decay", "rmsprop-alpha", "adagrad-lr",
        "adagrad-lr-decay", "adagrad-weight-decay", "adagrad-initial", "adagrad-eps", "adamw-lr", "adamw-beta",
        "empty"])
def test_hyperparameter_mistakes_as_torch(torch, mistake):
    assert _error(lambda: mistake(pg, [pg.zeros(1, requires_grad=True)])) == _error(
        lambda: mistake(torch, [torch.zeros(1, requires_grad=True)]))


@pytest.mark.parametrize("name, slip, meant", [("RMSprop", "momentun", "momentum"),
                                               ("AdamW", "weight_deacy", "weight_decay"),
                                               ("Adagrad", "learning_rate", "lr")])
def test_misspelt_arguments_name_the_optimizer_and_the_right_spelling(name, slip, meant):
    with pytest.raises(TypeError, match=f"{name}.__init__\\(\\) got an unexpected keyword argument '{slip}'. "
                                        f"Did you mean {meant}=\\?"):
        getattr(pg.optim, name)([pg.zeros(1, requires_grad=True)], **{slip: 0.1})


# -- schedules ------------------------------------------------------------------------------------

SCHEDULES = {
    "step": lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    "multistep": lambda lib, opt: lib.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.5),
    "exponential": lambda lib, opt: lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "cosine": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=0.01),
    "cosine-to-zero": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=7),
}
PLATEAUS = {
    "min-rel": dict(patience=3),
    "min-abs-cooldown": dict(threshold_mode="abs", threshold=0.05, cooldown=2, patience=1),
    "max-rel": dict(mode="max", patience=2, factor=0.5),
    "max-abs-min-lr": dict(mode="max", threshold_mode="abs", patience=0, min_lr=[0.01, 0.02], factor=0.3),
}
# a validation loss that falls, stalls, and wobbles: enough to trigger every plateau rule above
METRICS = [1.0, 0.8, 0.7, 0.7, 0.71, 0.69, 0.69, 0.69, 0.5, 0.5, 0.52, 0.5, 0.5, 0.5, 0.49, 0.6, 0.6, 0.6, 0.6, 0.6]


def _optimizer(lib):
    """SGD over two parameter groups with different rates, as schedules handle each group."""
    return lib.optim.SGD([{"params": [lib.zeros(1, requires_grad=True)]},
                          {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.3}], lr=0.1, momentum=0.9)


def _epoch(optimizer):
    for group in optimizer.param_groups:
        for p in group["params"]:
            p.grad = p.detach() + 1
    optimizer.step()


def _rates(lib, make, epochs=20, metrics=None):
    optimizer = _optimizer(lib)
    schedule = make(lib, optimizer)
    rates = []
    for epoch in range(epochs):
        _epoch(optimizer)
        schedule.step() if metrics is None else schedule.step(metrics[epoch])
        rates.append(schedule.get_last_lr())
        assert rates[-1] == [g["lr"] for g in optimizer.param_groups]
    return rates


@pytest.mark.parametrize("make", SCHEDULES.values(), ids=SCHEDULES.keys())
def test_schedule_as_torch(torch, make):
    assert _rates(pg, make) == _rates(torch, make)  # the same arithmetic, so the same floats


@pytest.mark.parametrize("options", PLATEAUS.values(), ids=PLATEAUS.keys())
def test_reduce_on_plateau_as_torch(torch, options):
    def make(lib, optimizer):
        return lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **options)
    metrics = [-m for m in METRICS] if options.get("mode") == "max" else METRICS
    ours = _rates(pg, make, metrics=[pg.tensor(m) for m in metrics])  # a loss tensor is taken as its number
    assert ours == _rates(torch, make, metrics=metrics)
    assert ours[-1] != ours[0]


def _plateau(lib, optimizer):
    return lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=1)


RESUMABLE = {**{name: (make, None) for name, make in SCHEDULES.items()}, "plateau": (_plateau, METRICS)}


@pytest.mark.parametrize("make, metrics", RESUMABLE.values(), ids=RESUMABLE.keys())
def test_a_schedule_resumed_from_its_state_dict_goes_on_exactly(torch, tmp_path, make, metrics):
    whole = _rates(pg, make, metrics=metrics)
    optimizer = _optimizer(pg)
    schedule = make(pg, optimizer)
    step = (lambda e: schedule.step()) if metrics is None else (lambda e: schedule.step(metrics[e]))
    for epoch in range(7):
        _epoch(optimizer)
        step(epoch)
    pg.save({"optimizer": optimizer.state_dict(), "schedule": schedule.state_dict()}, tmp_path / "checkpoint.pt")
    their_schedule = make(torch, _optimizer(torch))
    assert schedule.state_dict().keys() == their_schedule.state_dict().keys()

    checkpoint = pg.load(tmp_path / "checkpoint.pt")
    optimizer = _optimizer(pg)
    schedule = make(pg, optimizer)
    optimizer.load_state_dict(checkpoint["optimizer"])
    schedule.load_state_dict(checkpoint["schedule"])
    rates = []
    for epoch in range(7, 20):
        _epoch(optimizer)
        schedule.step() if metrics is None else schedule.step(metrics[epoch])
        rates.append(schedule.get_last_lr())
    assert rates == whole[7:]


def test_step_with_an_epoch_uses_the_closed_form_and_warns_as_torch(torch):
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            optimizer = _optimizer(lib)
            rates = []
            for make in SCHEDULES.values():
                schedule = make(lib, optimizer)
                _epoch(optimizer)
                schedule.step(4)
                rates.append(schedule.get_last_lr())
        return rates, [(w.category, str(w.message)) for w in caught]
    ours, theirs = run(pg), run(torch)
    assert ours == theirs and ours[1]


@pytest.mark.parametrize("misuse", [
    lambda lib, optimizer, schedule: schedule.step(),  # before optimizer.step()
    lambda lib, optimizer, schedule: schedule.get_lr(),  # to read the rate
], ids=["schedule-before-optimizer", "get_lr"])
def test_misuse_warns_as_torch(torch, misuse):
    def caught(lib):
        optimizer = _optimizer(lib)
        schedule = lib.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            misuse(lib, optimizer, schedule)
        return [(w.category, str(w.message), w.filename) for w in seen]
    ours, theirs = caught(pg), caught(torch)
    assert [w[:2] for w in ours] == [w[:2] for w in theirs] and len(ours) == 1
    assert ours[0][2] == __file__  # reported at the learner's line


def test_the_right_order_does_not_warn(torch):
    for lib in (pg, torch):
        optimizer = _optimizer(lib)
        schedule = lib.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=3)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(4):
                _epoch(optimizer)
                schedule.step()


@pytest.mark.parametrize("mistake", [
    lambda lib: lib.optim.lr_scheduler.StepLR("not an optimizer", step_size=2),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau("not an optimizer"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), factor=1.0),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), mode="avg"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), threshold_mode="percent"),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), min_lr=[0.1]),
    lambda lib: lib.optim.lr_scheduler.ExponentialLR(_optimizer(lib), gamma=0.9, last_epoch=3),
], ids=["not-an-optimizer", "plateau-not-an-optimizer", "factor", "mode", "threshold-mode", "min-lrs",
        "resume-without-initial-lr"])
def test_schedule_mistakes_as_torch(torch, mistake):
    assert _error(lambda: mistake(pg)) == _error(lambda: mistake(torch))
