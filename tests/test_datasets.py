"""pedagrad.datasets: the toy data generators and the shipped 8x8 digits."""
import gzip
import hashlib
import math
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

import pedagrad as pg
from pedagrad import datasets
from pedagrad.datasets import digits as digits_module
from pedagrad.utils.data import DataLoader, TensorDataset

GENERATORS = {
    "moons": lambda **kw: datasets.make_moons(101, noise=0.1, **kw),
    "spirals": lambda **kw: datasets.make_spirals(100, n_arms=3, noise=0.05, **kw),
    "blobs": lambda **kw: datasets.make_blobs(90, centers=3, **kw),
}

# -- toy data ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GENERATORS)
def test_classification_data_has_torch_dtypes_and_balanced_classes(name):
    X, y = GENERATORS[name]()
    n, k = {"moons": (101, 2), "spirals": (100, 3), "blobs": (90, 3)}[name]
    assert X.shape == (n, 2) and X.dtype is pg.float32 and y.shape == (n,) and y.dtype is pg.int64
    counts = np.bincount(y.numpy(), minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    assert len(np.unique(y.numpy()[: n // 2])) == k  # shuffled: the classes interleave


@pytest.mark.parametrize("name", GENERATORS)
def test_manual_seed_or_a_generator_makes_the_same_data(name):
    pg.manual_seed(7)
    X1, y1 = GENERATORS[name]()
    pg.manual_seed(7)
    X2, y2 = GENERATORS[name]()
    assert pg.equal(X1, X2) and pg.equal(y1, y2)
    assert not pg.equal(X1, GENERATORS[name]()[0])  # the next call draws new data
    Xa, _ = GENERATORS[name](generator=pg.Generator().manual_seed(3))
    Xb, _ = GENERATORS[name](generator=pg.Generator().manual_seed(3))
    assert pg.equal(Xa, Xb)


def test_noiseless_moons_lie_on_their_half_circles():
    X, y = datasets.make_moons(200, noise=0.0)
    X, y = X.numpy().astype(np.float64), y.numpy()
    top, bottom = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(*top.T), 1, atol=1e-6) and (top[:, 1] >= -1e-7).all()
    assert np.allclose(np.hypot(bottom[:, 0] - 1, bottom[:, 1] - 0.5), 1, atol=1e-6)
    assert (bottom[:, 1] <= 0.5 + 1e-7).all()


def test_noiseless_spiral_arms_wind_out_from_the_origin():
    X, y = datasets.make_spirals(300, n_arms=3, noise=0.0)
    X, y = X.numpy().astype(np.float64), y.numpy()
    for arm in range(3):
        points = X[y == arm]
        radius = np.hypot(*points.T)
        angle = np.arctan2(points[:, 1], points[:, 0])
        expected = 2 * math.pi * arm / 3 + 4 * radius
        assert radius.min() < 1e-6 and abs(radius.max() - 1) < 1e-6
        assert np.allclose(np.angle(np.exp(1j * (angle - expected)))[radius > 1e-3], 0, atol=1e-5)


def test_blobs_gather_around_the_given_centers():
    centers = [[0.0, 0.0], [10.0, 10.0]]
    X, y = datasets.make_blobs(400, centers=centers, noise=0.5)
    for k, c in enumerate(centers):
        points = X.numpy()[y.numpy() == k]
        assert np.allclose(points.mean(0), c, atol=0.15) and abs(points.std() - 0.5) < 0.1
    X3, _ = datasets.make_blobs(30, centers=2, n_features=5)
    assert X3.shape == (30, 5)


def test_make_line_is_a_noisy_line_for_regression():
    pg.manual_seed(0)
    x, y = datasets.make_line(500, noise=0.1, slope=-3.0, intercept=0.5)
    assert x.shape == y.shape == (500, 1) and x.dtype is y.dtype is pg.float32
    slope, intercept = np.polyfit(x.numpy()[:, 0], y.numpy()[:, 0], 1)
    residual = y.numpy()[:, 0] - (slope * x.numpy()[:, 0] + intercept)
    assert abs(slope + 3) < 0.05 and abs(intercept - 0.5) < 0.03 and abs(residual.std() - 0.1) < 0.02


@pytest.mark.parametrize("call, message", [
    (lambda: datasets.make_moons(0), "n_samples must be a positive integer, got 0"),
    (lambda: datasets.make_moons(10, noise=-1), "noise .* must be >= 0, got -1"),
    (lambda: datasets.make_spirals(10, n_arms=0), "n_arms must be a positive integer, got 0"),
    (lambda: datasets.make_blobs(10, centers=[1.0, 2.0]), r"array of shape \(k, n_features\).*\(2,\)"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- the digits ----------------------------------------------------------------------------------


def test_load_digits_gives_1797_images_in_0_1_and_their_labels():
    images, labels = datasets.load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype is pg.float32
    assert labels.shape == (1797,) and labels.dtype is pg.int64
    assert images.min().item() == 0.0 and images.max().item() == 1.0
    assert np.allclose(images.numpy() * 16, np.round(images.numpy() * 16))  # counts 0..16 over 16
    assert np.bincount(labels.numpy()).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    first = (images[0].numpy() * 16).astype(int)  # a zero, as the UCI data's first test digit
    assert labels[0].item() == 0 and first[0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_load_digits_returns_fresh_tensors_and_a_dataset_on_request():
    images, _ = datasets.load_digits()
    original = images[0].tolist()
    images[0] = 5.0
    assert datasets.load_digits()[0][0].tolist() == original  # the change did not leak into the cache
    ds = datasets.load_digits(as_dataset=True)
    assert isinstance(ds, TensorDataset) and len(ds) == 1797 and ds[5][0].shape == (8, 8)


def test_the_shipped_file_matches_the_sha256_in_its_readme():
    readme = (digits_module.DIGITS_PATH.parent / "README.md").read_text()
    digest = hashlib.sha256(digits_module.DIGITS_PATH.read_bytes()).hexdigest()
    assert digest == digits_module.DIGITS_SHA256 and re.search(f"sha256:\\*\\* `{digest}`", readme)


def test_a_damaged_digits_file_is_refused_with_a_clear_error(tmp_path, monkeypatch):
    damaged = tmp_path / "digits.csv.gz"
    rows = gzip.decompress(digits_module.DIGITS_PATH.read_bytes()).replace(b"0,0,5,13", b"0,0,6,13", 1)
    damaged.write_bytes(gzip.compress(rows))
    monkeypatch.setattr(digits_module, "DIGITS_PATH", damaged)
    message = r"digits data file .* is damaged.*its sha256 is [0-9a-f]{64}.*Reinstall"
    with pytest.raises(RuntimeError, match=message):
        datasets.load_digits()
    shutil.copy(Path(datasets.__file__).parent / "data" / "digits.csv.gz", damaged)
    assert datasets.load_digits()[0].shape == (1797, 8, 8)  # the intact file at the same path loads


def test_digits_splits_are_repeatable_disjoint_and_cover_the_data():
    train, test = datasets.digits_splits()
    assert (len(train), len(test)) == (1438, 359)
    assert train.tensors[0].shape == (1438, 64) and train.tensors[0].dtype is pg.float32
    again_train, _ = datasets.digits_splits()
    assert pg.equal(train.tensors[0], again_train.tensors[0])  # the same split on every call
    images, _ = datasets.load_digits()
    every = np.concatenate([train.tensors[0].numpy(), test.tensors[0].numpy()])
    assert sorted(map(bytes, every)) == sorted(map(bytes, images.numpy().reshape(-1, 64)))
    other, _ = datasets.digits_splits(generator=pg.Generator().manual_seed(1))
    assert not pg.equal(train.tensors[1], other.tensors[1])
    assert [len(d) for d in datasets.digits_splits(test_fraction=0.1)] == [1617, 180]
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        datasets.digits_splits(test_fraction=1.0)


def test_a_small_mlp_written_with_tensors_learns_the_digits():
    start = time.perf_counter()
    pg.manual_seed(0)
    train, test = datasets.digits_splits()
    W1 = (pg.randn(64, 64) * (2 / 64) ** 0.5).requires_grad_()
    b1 = pg.zeros(64, requires_grad=True)
    W2 = (pg.randn(64, 10) * (1 / 64) ** 0.5).requires_grad_()
    b2 = pg.zeros(10, requires_grad=True)
    params = [W1, b1, W2, b2]
    loader = DataLoader(train, batch_size=64, shuffle=True)
    for epoch in range(16):
        lr = 0.5 if epoch < 10 else 0.1
        for X, y in loader:
            log_probs = ((X @ W1 + b1).relu() @ W2 + b2).log_softmax(1)
            loss = -log_probs[pg.arange(len(y)), y].mean()  # cross-entropy
            loss.backward()
            with pg.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None
    X_test, y_test = test.tensors
    with pg.no_grad():
        predicted = ((X_test @ W1 + b1).relu() @ W2 + b2).argmax(1)
    accuracy = (predicted == y_test).float().mean().item()
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
    assert time.perf_counter() - start < 5
