"""Helpers for the PyTorch parity tests: run the same code on pedagrad and on torch, compare.

Every parity test takes the ``torch`` fixture (``conftest.py``), so without PyTorch it is skipped
with a reason that says how to install it.
"""
import numpy as np


def graph_names(node):
    """The grad_fn chain as nested ``(name, (children...))``; None where an input needs no grad."""
    if node is None:
        return None
    return (node.name(), tuple(graph_names(child) for child, _ in node.next_functions))


def to_numpy(t):
    """A tensor of either library as a numpy array (outside the graph)."""
    return np.asarray(t.detach().numpy())

