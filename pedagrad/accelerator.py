"""torch.accelerator: the GPU or other accelerator PyTorch would compute on. pedagrad has none, so
``current_accelerator()`` is None and the device-selection line of PyTorch's tutorials picks "cpu"."""


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0


def _none_available(*args, **kwargs):
    raise RuntimeError("Cannot access accelerator device when none is available.")


current_device_index = set_device_index = synchronize = empty_cache = memory_allocated = _none_available
