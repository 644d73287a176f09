"""torch.backends.cudnn: NVIDIA's library of GPU kernels, not available in pedagrad. Its switches can
be set, as in PyTorch on a computer without a GPU, and change nothing."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
