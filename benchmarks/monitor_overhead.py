"""What a TrainingMonitor adds to a quick training loop: 100 epochs with and without it.

    python benchmarks/monitor_overhead.py [--epochs 100] [--repeat 3]

The loop trains a small MLP on make_moons (8 batches an epoch); the monitor runs in widget mode
without a front end, so it really draws. The target is a ratio of at most 1.10. Every frame costs
about 0.1 s, and the last epoch is always drawn, so a loop shorter than about a second cannot
meet it: try ``--epochs 300`` to see the steady-state share.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pedagrad as torch  # noqa: E402
from pedagrad import nn  # noqa: E402
from pedagrad.datasets import make_moons  # noqa: E402


def train(epochs, monitor=None):
    """The learner's loop: seconds taken for ``epochs`` epochs, with ``monitor`` fed if given."""
    torch.manual_seed(0)
    data = torch.utils.data.TensorDataset(*make_moons(n_samples=256, noise=0.1))
    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    start = time.perf_counter()
    for epoch in range(epochs):
        total, correct = 0.0, 0
        for i, (X, y) in enumerate(loader):
            out = model(X)
            loss = loss_fn(out, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            correct += int((out.argmax(1) == y).sum().item())
            if monitor is not None:
                monitor.batch(i, len(loader))
        if monitor is not None:
            monitor.update(epoch, train_loss=total / len(loader), acc=correct / len(data))
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from pedagrad_widgets import TrainingMonitor

    train(2, TrainingMonitor(epochs=2, mode="widget"))  # warm-up: imports, fonts, the first figure
    bare, watched, draws = [], [], []
    for _ in range(args.repeat):
        bare.append(train(args.epochs))
        monitor = TrainingMonitor(epochs=args.epochs, mode="widget")
        watched.append(train(args.epochs, monitor))
        draws.append(monitor.draws)
    b, w = statistics.median(bare), statistics.median(watched)
    print(f"{args.epochs} epochs: without monitor {b:.3f} s, with {w:.3f} s "
          f"({max(draws)} redraws): ratio {w / b:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
