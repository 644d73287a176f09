"""The whole training loop: data, model, loss, optimizer, epochs, saving and resuming."""
import pickle

import numpy as np
import pytest

import pedagrad as pg
from pedagrad import nn
from pedagrad.datasets import digits_splits, make_moons
from pedagrad.utils.data import DataLoader, TensorDataset


def classifier(n_in=2, n_hidden=32, n_out=2, p=0.1):
    return nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(n_hidden, n_out))


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total = 0.0
    for X, y in loader:
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
    return total / len(loader.dataset)


def accuracy(model, X, y):
    model.eval()
    with pg.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


def test_an_mlp_reaches_95_percent_on_the_digits():
    pg.manual_seed(0)
    train, test = digits_splits()
    loader = DataLoader(train, batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = pg.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(15):
        train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer)
    assert accuracy(model, *test.tensors) >= 0.95


def _setup(seed=0):
    X, y = make_moons(256, noise=0.2, generator=pg.Generator().manual_seed(0))
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    pg.manual_seed(seed)
    model = classifier()
    optimizer = pg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = pg.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    return loader, model, optimizer, scheduler


def _run(loader, model, optimizer, scheduler, epochs):
    losses = []
    for _ in epochs:
        losses.append(train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer))
        scheduler.step()
    return losses


def test_resuming_from_a_checkpoint_repeats_the_loss_trajectory(tmp_path):
    path = tmp_path / "checkpoint.pt"
    loader, model, optimizer, scheduler = _setup()
    first = _run(loader, model, optimizer, scheduler, range(4))
    pg.save({"epoch": 4, "model_state_dict": model.state_dict(),
             "optimizer_state_dict": optimizer.state_dict(), "scheduler_state_dict": scheduler.state_dict(),
             "loss": first[-1], "rng_state": pg.get_rng_state()}, path)
    never_stopped = _run(loader, model, optimizer, scheduler, range(4, 8))

    loader, model, optimizer, scheduler = _setup(seed=123)  # a fresh start, other weights
    checkpoint = pg.load(path)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
    pg.set_rng_state(checkpoint["rng_state"])  # shuffling and dropout continue where they were
    resumed = _run(loader, model, optimizer, scheduler, range(checkpoint["epoch"], 8))

    assert checkpoint["loss"] == first[-1]
    assert resumed == never_stopped  # exactly, not approximately


def test_a_whole_model_needs_weights_only_false(tmp_path):
    path = tmp_path / "model.pt"
    model = classifier()
    pg.save(model, path)
    with pytest.raises(pickle.UnpicklingError, match="weights_only=False"):
        pg.load(path)
    loaded = pg.load(path, weights_only=False)
    X = pg.randn(5, 2)
    model.eval(), loaded.eval()
    assert pg.equal(loaded(X), model(X))
    assert repr(loaded) == repr(model)


def test_state_dict_round_trip_into_a_new_model(tmp_path):
    path = tmp_path / "weights.pt"
    model = classifier()
    pg.save(model.state_dict(), path)
    fresh = classifier()
    assert repr(fresh.load_state_dict(pg.load(path))) == "<All keys matched successfully>"
    fresh.eval(), model.eval()
    X = pg.randn(4, 2)
    assert pg.equal(fresh(X), model(X))


def test_eval_after_loading_changes_batchnorm_and_dropout_outputs():
    pg.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1))
    X = pg.randn(16, 3)
    for _ in range(5):
        model(X)  # training passes update BatchNorm's running statistics
    out_train = model(X)
    model.eval()
    a, b = model(X), model(X)
    assert pg.equal(a, b)  # eval is deterministic: no dropout, running statistics
    assert not pg.allclose(a, out_train)


def test_moons_are_learned():
    loader, model, optimizer, scheduler = _setup()
    _run(loader, model, optimizer, scheduler, range(8))
    X, y = loader.dataset.tensors
    assert accuracy(model, X, y) > 0.9


def test_the_same_seed_gives_the_same_training():
    runs = []
    for _ in range(2):
        loader, model, optimizer, scheduler = _setup(seed=7)
        runs.append(_run(loader, model, optimizer, scheduler, range(3)))
    assert runs[0] == runs[1]
    assert np.all(np.isfinite(runs[0]))
