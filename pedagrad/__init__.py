"""pedagrad: PyTorch's tensors and autograd, small enough to read, on numpy.

Everything here has PyTorch's name and meaning, so ``import pedagrad as torch`` runs the code a
learner writes for PyTorch (within what pedagrad implements).
"""
from . import autograd
from ._device import device, get_default_device, set_default_device
from ._dtype import (bool_ as bool, float32, float64, get_default_dtype, int32, int64,
                     set_default_dtype, uint8, dtype, result_type)
from ._size import Size
from ._tensor import Tensor
from ._tensor_str import set_printoptions
from ._random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,
                      seed, set_rng_state)
from ._creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like,
                        linspace, ones, ones_like, rand, rand_like, randint, randn, randn_like,
                        randperm, tensor, zeros, zeros_like)
from ._ops.elementwise import (abs, add, clamp, clip, cos, div, exp, expm1, floor_divide, fmod, log,
                               log1p, masked_fill, maximum, minimum, mul, neg, pow, reciprocal, relu,
                               remainder, round, sigmoid, sign, sin, sqrt, sub, tanh, where)
from ._ops.comparison import (all, allclose, any, eq, equal, ge, gt, isclose, isfinite, isinf,
                              isnan, le, logical_and, logical_not, logical_or, logical_xor, lt, ne)
from ._ops.reductions import (argmax, argmin, log_softmax, logsumexp, max, mean, min, norm, softmax, std,
                              sum, var)
from ._ops.shape import (cat, clone, concat, concatenate, expand, flatten, permute, reshape,
                         squeeze, stack, t, transpose, unsqueeze)
from ._ops.shape import transpose as swapaxes
from ._ops.linalg import bmm, dot, matmul, mm, mv
from ._ops.indexing import nonzero
from ._ops import inplace as _inplace  # noqa: F401  (attach methods)
from ._legacy import (BoolTensor, ByteTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor,
                      set_default_tensor_type)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from . import accelerator, backends, cuda, linalg, nn, optim, utils  # noqa: E402  (they build on everything above)
from .serialization import load, save  # noqa: E402
from . import _unsupported  # noqa: E402

float = float32
double = float64
long = int64
int = int32

__version__ = "0.1.0"


def __getattr__(name):
    """A PyTorch name pedagrad leaves out: an AttributeError that says why (see ``_unsupported``)."""
    return _unsupported.refuse(__name__, name)


def numel(input):
    return input.numel()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()

