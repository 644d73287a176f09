"""Toy data made on the spot: two moons, spirals, Gaussian blobs (classification) and a noisy line
(regression). Every generator draws from ``generator`` or pedagrad's default one, so a
``pedagrad.manual_seed(s)`` before the call makes the same data again."""
import math

import numpy as np

from .._random import rng
from .._tensor import Tensor


def make_moons(n_samples=100, noise=0.0, generator=None):
    """Two interleaving half circles in 2-d: class 0 on top (centre (0, 0)), class 1 below
    (centre (1, 0.5)); Gaussian noise of std ``noise`` is added to every coordinate."""
    _check(n_samples, noise)
    g = rng(generator)
    n_top = n_samples // 2
    top = np.linspace(0, math.pi, n_top)
    bottom = np.linspace(0, math.pi, n_samples - n_top)
    X = np.concatenate([np.stack([np.cos(top), np.sin(top)], 1),
                        np.stack([1 - np.cos(bottom), 0.5 - np.sin(bottom)], 1)])
    y = np.repeat([0, 1], [n_top, n_samples - n_top])
    return _finish(X, y, noise, g)


def make_spirals(n_samples=300, n_arms=3, noise=0.0, generator=None):
    """``n_arms`` spiral arms from the origin, one class each: arm j's points are at radius
    t and angle 2 pi j / n_arms + 4 t for t evenly spaced in [0, 1], plus noise of std ``noise``."""
    _check(n_samples, noise)
    if not isinstance(n_arms, int) or n_arms < 1:
        raise ValueError(f"n_arms must be a positive integer, got {n_arms!r}")
    g = rng(generator)
    sizes = _split_evenly(n_samples, n_arms)
    X, y = [], []
    for arm, size in enumerate(sizes):
        t = np.linspace(0, 1, size)
        angle = 2 * math.pi * arm / n_arms + 4 * t
        X.append(np.stack([t * np.cos(angle), t * np.sin(angle)], 1))
        y.append(np.full(size, arm))
    return _finish(np.concatenate(X), np.concatenate(y), noise, g)


def make_blobs(n_samples=100, centers=3, noise=1.0, n_features=2, generator=None):
    """Gaussian clusters of std ``noise``, one class per centre. ``centers``: how many (placed
    uniformly at random in [-10, 10]^n_features) or their coordinates, shape (k, n_features)."""
    _check(n_samples, noise)
    g = rng(generator)
    if isinstance(centers, int):
        if centers < 1:
            raise ValueError(f"centers must be a positive number of clusters, got {centers}")
        centers = g.uniform(-10, 10, (centers, n_features))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) == 0:
        raise ValueError(f"centers must be a number of clusters or an array of shape (k, "
                         f"n_features), got an array of shape {centers.shape}")
    y = np.repeat(np.arange(len(centers)), _split_evenly(n_samples, len(centers)))
    return _finish(centers[y], y, noise, g)


def make_line(n_samples=100, noise=0.1, slope=2.0, intercept=1.0, generator=None):
    """Regression data: x uniform in [-1, 1] and y = slope * x + intercept + noise * N(0, 1), both
    float32 of shape (n_samples, 1)."""
    _check(n_samples, noise)
    g = rng(generator)
    x = g.uniform(-1, 1, (n_samples, 1))
    y = slope * x + intercept + noise * g.standard_normal((n_samples, 1))
    return Tensor._wrap(x.astype(np.float32)), Tensor._wrap(y.astype(np.float32))


def _finish(X, y, noise, g):
    """Add the noise, shuffle the samples (so classes interleave), and make the tensors."""
    X = X + noise * g.standard_normal(X.shape)
    order = g.permutation(len(X))
    return Tensor._wrap(X[order].astype(np.float32)), Tensor._wrap(y[order].astype(np.int64))


def _split_evenly(n, k):
    """k sizes adding up to n, the first n % k of them one larger."""
    return [n // k + (i < n % k) for i in range(k)]


def _check(n_samples, noise):
    if not isinstance(n_samples, int) or isinstance(n_samples, bool) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    if not noise >= 0:
        raise ValueError(f"noise is the standard deviation of the noise and must be >= 0, got {noise!r}")
