"""Helpers for the PyTorch parity tests: run the same code on pedagrad and on torch, compare.

Every parity test takes the ``torch`` fixture, so without PyTorch it is skipped with a reason that
says how to install it. Test modules import the fixture: ``from torch_parity import torch``.
"""
import numpy as np
import pytest

TORCH_MISSING = ("PyTorch is not installed; parity tests compare pedagrad with it "
                 "(pip install torch==2.13.0)")


@pytest.fixture(scope="session")
def torch():
    """PyTorch itself; the test is skipped, saying why, when it is not installed."""
    return pytest.importorskip("torch", reason=TORCH_MISSING)


def graph_names(node):
    """The grad_fn chain as nested ``(name, (children...))``; None where an input needs no grad."""
    if node is None:
        return None
    return (node.name(), tuple(graph_names(child) for child, _ in node.next_functions))


def to_numpy(t):
    """A tensor of either library as a numpy array (outside the graph)."""
    return np.asarray(t.detach().numpy())

