"""pedagrad beside PyTorch, on this machine, in one run.

    make bench            # or: python benchmarks/run.py [--repeat N] [--threads N]

Each workload is one function written once against the torch API and run with ``lib`` set to
pedagrad and to torch (when installed). Times are medians over repeats, after a warm-up.
The ratio is pedagrad's time over torch's; the target is the ratio the project aims for.
Both libraries get the same number of threads (default 1: on small matrices a multi-threaded
BLAS spends more time waking threads than multiplying).
"""
import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path


def _threads_from_argv(default="1"):
    args = sys.argv[1:]
    return args[args.index("--threads") + 1] if "--threads" in args[:-1] else default


# numpy's BLAS reads its thread count when it loads, so this comes before importing numpy
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads_from_argv()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import pedagrad  # noqa: E402


def chain_of_small_ops(lib):
    """1,000 alternating multiplies and adds on 4×4 tensors, then backward."""
    x = lib.ones(4, 4, requires_grad=True)
    w = lib.full((4, 4), 0.999, requires_grad=True)

    def step():
        y = x
        for i in range(1000):
            y = y * w if i % 2 == 0 else y + w
        y.sum().backward()

    return step


def mlp_training_step(lib):
    """One SGD step of a 64→128→128→10 MLP on a batch of 64: forward, loss, backward, update."""
    rng = np.random.default_rng(0)

    def param(*shape):
        return lib.tensor(rng.standard_normal(shape) * 0.1, dtype=lib.float32, requires_grad=True)

    params = [param(64, 128), param(128), param(128, 128), param(128), param(128, 10), param(10)]
    x = lib.tensor(rng.standard_normal((64, 64)), dtype=lib.float32)
    y = lib.tensor(rng.integers(0, 10, 64))

    def step():
        w1, b1, w2, b2, w3, b3 = params
        h = (x @ w1 + b1).relu()
        h = (h @ w2 + b2).relu()
        logp = (h @ w3 + b3).log_softmax(dim=1)
        loss = -logp[lib.arange(64), y].mean()
        for p in params:
            p.grad = None
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= 0.01 * p.grad

    return step


def digits_epoch(lib):
    """One epoch of the digits MLP (64→128→10, Adam, batch 64, shuffled): the lessons' workload."""
    from pedagrad.datasets import digits_splits

    train, _ = digits_splits()
    X, y = (lib.tensor(t.numpy()) for t in train.tensors)
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(X, y), batch_size=64, shuffle=True)
    model = lib.nn.Sequential(lib.nn.Linear(64, 128), lib.nn.ReLU(), lib.nn.Linear(128, 10))
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()

    def epoch():
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return epoch


WORKLOADS = [
    ("(a) chain of 1,000 ops on 4x4, fwd+bwd", chain_of_small_ops, 1.0),
    ("(b) MLP 64-128-128-10 training step, batch 64", mlp_training_step, 1.5),
    ("(c) one epoch of the digits MLP (1,438 images)", digits_epoch, 1.5),
]


def measure(fns, repeat):
    """Median time of each function; runs alternate so that a slow spell of the machine hits all."""
    for fn in fns:
        fn()  # warm-up
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times):
            start = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - start)
    return [statistics.median(ts) for ts in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per workload (median taken)")
    parser.add_argument("--threads", type=int, default=1, help="threads for numpy's BLAS and for torch")
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pedagrad {pedagrad.__version__}, "
          + (f"torch {torch.__version__}" if torch else "torch not installed")
          + f"; {args.threads} thread(s) each")
    print(f"{'workload':48s} {'pedagrad':>11s} {'torch':>11s} {'ratio':>7s} {'target':>7s}")
    for name, make, target in WORKLOADS:
        ours, theirs = (measure([make(pedagrad)] + ([make(torch)] if torch else []), args.repeat)
                        + [None])[:2]
        ratio = f"{ours / theirs:7.2f}" if theirs else "      -"
        theirs_s = f"{theirs * 1e3:8.2f} ms" if theirs else "          -"
        verdict = "" if not theirs else ("  ok" if ours / theirs <= target else "  over target")
        print(f"{name:48s} {ours * 1e3:8.2f} ms {theirs_s} {ratio} {target:7.2f}{verdict}")


if __name__ == "__main__":
    main()
