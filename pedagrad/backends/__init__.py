"""torch.backends: which compute libraries PyTorch was built with. pedagrad computes with numpy on
the CPU, so the GPU ones (``mps``, ``cuda``, ``cudnn``) answer that they are not available."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
