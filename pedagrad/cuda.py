"""torch.cuda, as PyTorch answers it on a computer without a GPU: pedagrad computes on the CPU only,
so ``is_available()`` is False, seeding is silently skipped, and asking for a GPU gets an error."""
from ._device import _unavailable
from ._unsupported import refuse


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    """Seeds the GPU's random numbers: nothing to seed here (torch.manual_seed seeds the CPU)."""


manual_seed_all = manual_seed


def empty_cache():
    """Frees the GPU's cached memory: there is none."""


def _no_gpu(*args, **kwargs):
    raise _unavailable("cuda", "cuda")


current_device = synchronize = get_device_name = get_device_properties = set_device = _no_gpu


def __getattr__(name):
    return refuse(__name__, name)
