"""Activation layers: ReLU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax."""
from .. import functional as F
from .module import Module


class ReLU(Module):
    """max(x, 0), elementwise."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """1 / (1 + e⁻ˣ), elementwise."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """tanh x, elementwise."""

    def forward(self, input):
        return F.tanh(input)


class Softplus(Module):
    """ln(1 + e^(βx)) / β, elementwise (x itself where βx > threshold): a smooth relu."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """eˣ / Σ eˣ along ``dim``."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """x − log Σ eˣ along ``dim``."""

    def forward(self, input):
        return F.log_softmax(input, self.dim)
