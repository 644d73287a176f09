"""torch.backends.mps: Apple's GPUs, not available in pedagrad."""


def is_available():
    return False


def is_built():
    return False
